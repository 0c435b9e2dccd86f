package sync_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	dsync "github.com/gitdiary/diary/sync"
)

// TestNoopSyncWritesNoRef: a sync with nothing to do takes and gives back
// its lock and notes the time of the sync, but it writes no ref. Every ref
// written is a .lock, a flush of the file and of its folder (DESIGN.md,
// Safety), about a millisecond each on a laptop's disk; the quarantine
// ref written and removed on every sync cost a no-op sync four of them,
// which made it slower than git status, fetch and push (DESIGN.md, Speed).
func TestNoopSyncWritesNoRef(t *testing.T) {
	w := newWorld(t)
	w.seed(map[string]string{"_posts/2022-04-30-a.md": "---\ntitle: a\n---\nbody\n"})
	a := w.laptop("a")
	a.mustSync()
	before := refFiles(t, a.dir)
	res := a.mustSync()
	if res.State != dsync.UpToDate {
		t.Fatalf("state %v, want up to date", res.State)
	}
	after := refFiles(t, a.dir)
	for p, s := range after {
		if b, ok := before[p]; !ok {
			t.Errorf("a no-op sync wrote %s", p)
		} else if !os.SameFile(b.info, s.info) || b.mtime != s.mtime || b.size != s.size {
			t.Errorf("a no-op sync rewrote %s", p)
		}
	}
	for p := range before {
		if _, ok := after[p]; !ok {
			t.Errorf("a no-op sync removed %s", p)
		}
	}
}

type fileStamp struct {
	info  os.FileInfo // for os.SameFile: a file renamed into place is another file
	mtime int64
	size  int64
}

// refFiles stamps every file and folder under .git/refs, and packed-refs.
func refFiles(t *testing.T, dir string) map[string]fileStamp {
	t.Helper()
	out := map[string]fileStamp{}
	gitDir := filepath.Join(dir, ".git")
	stamp := func(p string) {
		info, err := os.Lstat(p)
		if err != nil {
			return
		}
		rel, _ := filepath.Rel(gitDir, p)
		out[rel] = fileStamp{info: info, mtime: info.ModTime().UnixNano(), size: info.Size()}
	}
	stamp(filepath.Join(gitDir, "packed-refs"))
	err := filepath.WalkDir(filepath.Join(gitDir, "refs"), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		stamp(p) // a folder too: its time shows a ref written and removed again
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
