package odb

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/klauspost/compress/zlib"
)

// WriteLoose stores data in objectsDir as a loose object compressed at
// zlib's fastest level, which is git's own default for loose objects
// (core.looseCompression); go-git's writer uses the slow default level,
// which for the 600 KB _posts tree of a lifetime diary costs more than
// the rest of a commit. An object already there is not written again.
func WriteLoose(objectsDir string, t plumbing.ObjectType, data []byte) (plumbing.Hash, error) {
	header := t.String() + " " + strconv.Itoa(len(data)) + "\x00"
	hash := ObjectHash(t, data)
	hex := hash.String()
	dir := filepath.Join(objectsDir, hex[:2])
	final := filepath.Join(dir, hex[2:])
	if _, err := os.Stat(final); err == nil {
		return hash, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("write object %s: %w", hex[:7], err)
	}
	tmp, err := compressTemp(dir, func(zw io.Writer) error {
		io.WriteString(zw, header)
		_, err := zw.Write(data)
		return err
	})
	if err == nil {
		defer os.Remove(tmp)
		err = placeLoose(tmp, final)
	}
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("write object %s: %w", hex[:7], err)
	}
	return hash, nil
}

// compressTemp writes what write gives it, zlib-compressed as a loose
// object is, into a new temporary file in dir, flushed to disk before its
// name can appear (a ref may point at the object next), and returns the
// file's name. On an error nothing is left behind. It is not
// internal/atomicfile's writer: the object is streamed through zlib, its
// temporary name is git's tmp_obj_* (which git gc prunes), and
// placeLoose never replaces an object already there.
func compressTemp(dir string, write func(io.Writer) error) (string, error) {
	f, err := os.CreateTemp(dir, "tmp_obj_")
	if err != nil {
		return "", err
	}
	bw := bufio.NewWriterSize(f, 64<<10)
	zw, _ := zlib.NewWriterLevel(bw, zlib.BestSpeed)
	err = write(zw)
	if cerr := zw.Close(); err == nil {
		err = cerr
	}
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// placeLoose gives a flushed temporary object file its name, read-only
// as git keeps objects. One already there (written meanwhile by another
// writer) has the same content.
func placeLoose(tmp, final string) error {
	os.Chmod(tmp, 0o444)
	if err := os.Rename(tmp, final); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return nil
}
