package fsstat

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// TestStamp: the three ways to a stamp (Lstat, LstatAt through an open
// directory, FromInfo of os.Lstat) agree for a file, a second name of
// it, a symbolic link and a directory, with what os.Lstat says; on Unix
// they carry the inode, the link count and the change time. Run with
// -tags diary_portable, this is the code macOS and Windows run.
func TestStamp(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "post.md")
	if err := os.WriteFile(file, []byte("---\ntitle: x\n---\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	names := []string{"post.md", "sub"}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" {
		if err := os.Link(file, filepath.Join(dir, "again.md")); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink("post.md", filepath.Join(dir, "link")); err != nil {
			t.Fatal(err)
		}
		names = append(names, "again.md", "link")
	}
	d, err := os.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for _, name := range names {
		p := filepath.Join(dir, name)
		fi, err := os.Lstat(p)
		if err != nil {
			t.Fatal(err)
		}
		var byPath, byDir Stamp
		if err := Lstat(p, &byPath); err != nil {
			t.Fatalf("Lstat %s: %v", name, err)
		}
		if err := LstatAt(int(d.Fd()), name, func() string { return p }, &byDir); err != nil {
			t.Fatalf("LstatAt %s: %v", name, err)
		}
		byInfo := FromInfo(fi)
		if byPath != byInfo || byDir != byInfo {
			t.Errorf("%s: Lstat %+v, LstatAt %+v, FromInfo %+v: they differ", name, byPath, byDir, byInfo)
		}
		mt := fi.ModTime()
		if byInfo.Size != fi.Size() || byInfo.Mode != fi.Mode() || byInfo.Sec != mt.Unix() || byInfo.Nsec != int64(mt.Nanosecond()) {
			t.Errorf("%s: %+v, os.Lstat says size %d mode %v mtime %v", name, byInfo, fi.Size(), fi.Mode(), mt)
		}
		if runtime.GOOS == "windows" {
			continue
		}
		if !byInfo.Sys || byInfo.Ino == 0 || byInfo.CSec == 0 || byInfo.Nlink == 0 {
			t.Errorf("%s: no inode, change time or link count: %+v", name, byInfo)
		}
		if (name == "post.md" || name == "again.md") && byInfo.Nlink != 2 {
			t.Errorf("%s: %d links, want 2", name, byInfo.Nlink)
		}
		if uid := os.Getuid(); int(byInfo.UID) != uid {
			t.Errorf("%s: owner %d, want %d", name, byInfo.UID, uid)
		}
	}
}

// TestStampMissing: a file that is not there, or whose parent is a
// file, is fs.ErrNotExist, by path and through a directory.
func TestStampMissing(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "file"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := os.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for _, rel := range []string{"gone.md", "file/below.md"} {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		var s Stamp
		if err := Lstat(p, &s); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Lstat %s: %v, want fs.ErrNotExist", rel, err)
		}
		if err := LstatAt(int(d.Fd()), filepath.FromSlash(rel), func() string { return p }, &s); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("LstatAt %s: %v, want fs.ErrNotExist", rel, err)
		}
	}
}
