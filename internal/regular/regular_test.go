//go:build unix

package regular

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestReadsOnlyRegularFiles: a named pipe with no writer, a link to it
// and a link to /dev/zero are refused at once, with what they are; a
// regular file, and a link to one where links are followed, are read.
func TestReadsOnlyRegularFiles(t *testing.T) {
	dir := t.TempDir()
	at := func(n string) string { return filepath.Join(dir, n) }
	if err := syscall.Mkfifo(at("pipe"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(at("file"), []byte("text"), 0o644)
	for name, target := range map[string]string{"to-pipe": at("pipe"), "to-zero": "/dev/zero", "to-file": at("file")} {
		if err := os.Symlink(target, at(name)); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		name   string
		follow bool
		want   string // "" for read
	}{
		{"file", false, ""},
		{"to-file", true, ""},
		{"to-file", false, "a symbolic link"},
		{"pipe", true, "a named pipe"},
		{"to-pipe", true, "a named pipe"},
		{"to-pipe", false, "a symbolic link"},
		{"to-zero", true, "a character device"},
		{"to-zero", false, "a symbolic link"},
	} {
		done := make(chan struct{})
		var data []byte
		var err error
		go func() {
			defer close(done)
			if c.follow {
				data, err = ReadFile(at(c.name))
			} else {
				data, err = ReadFileNoFollow(at(c.name))
			}
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("%s (follow %v): still reading after 10s", c.name, c.follow)
		}
		switch {
		case c.want == "" && (err != nil || string(data) != "text"):
			t.Errorf("%s (follow %v): %q, %v", c.name, c.follow, data, err)
		case c.want != "" && (!errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s (follow %v): %v, want not a regular file (%s)", c.name, c.follow, err, c.want)
		}
	}
}
