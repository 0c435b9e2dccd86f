package repo

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/gitdiary/diary/internal/gittest"
)

// TestLargeFileWrittenAsAStream: a 32 MB file a remote sent, loose or
// packed, is written into the work tree without being held whole in
// memory (go-git streams large objects; diary's reader would copy them).
func TestLargeFileWrittenAsAStream(t *testing.T) {
	gittest.NeedGit(t)
	for _, packed := range []bool{false, true} {
		t.Run(fmt.Sprint("packed=", packed), func(t *testing.T) {
			dir := t.TempDir()
			gittest.Git(t, dir, "init", "-q", "-b", "main")
			gittest.Write(t, dir, "a.md", "a\n")
			gittest.Git(t, dir, "add", "a.md")
			gittest.Git(t, dir, "commit", "-q", "-m", "a")
			big := bytes.Repeat([]byte("0123456789abcdef"), 2<<20)
			gittest.Write(t, dir, "photo.jpg", string(big))
			gittest.Git(t, dir, "add", "photo.jpg")
			gittest.Git(t, dir, "commit", "-q", "-m", "photo")
			if packed {
				gittest.Git(t, dir, "repack", "-q", "-a", "-d")
			}
			gittest.Git(t, dir, "reset", "-q", "--hard", "HEAD~1")
			r, err := Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			from, _ := ParseHash(strings.TrimSpace(gittest.Git(t, dir, "rev-parse", "HEAD")))
			to, _ := ParseHash(strings.TrimSpace(gittest.Git(t, dir, "rev-parse", "main@{1}")))
			ft, err := r.ReadTree(from)
			if err != nil {
				t.Fatal(err)
			}
			tt, err := r.ReadTree(to)
			if err != nil {
				t.Fatal(err)
			}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			if err := r.Update(context.Background(), from, to, ft, tt); err != nil {
				t.Fatal(err)
			}
			runtime.ReadMemStats(&after)
			if got := gittest.Read(t, dir, "photo.jpg"); got != string(big) {
				t.Fatalf("photo.jpg: %d bytes written, want %d", len(got), len(big))
			}
			if used := after.TotalAlloc - before.TotalAlloc; used > uint64(len(big))/2 {
				t.Errorf("writing a %d MB file allocated %d MB", len(big)>>20, used>>20)
			}
		})
	}
}
