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

// storedTree is the size from which a tree is written stored (zlib level
// 0, RFC 1950/1951 stored blocks) rather than deflated. The _posts tree
// of a lifetime diary is about 600 KB, a third of it SHA-1 hashes that
// do not compress; every diary new writes a new one and the next reads
// it back, and deflating and inflating it took about 8 of a new's 22 ms
// of CPU (BenchmarkNew, 10,000 posts), against under 1 ms stored. It
// takes twice the disk (600 KB against 300 KB) until sync packs the
// loose objects (PackLoose), which compresses them again.
const storedTree = 64 << 10

// WriteLoose stores data in objectsDir as a loose object compressed at
// zlib's fastest level, which is git's own default for loose objects
// (core.looseCompression); go-git's writer uses the slow default level,
// which for the 600 KB _posts tree of a lifetime diary costs more than
// the rest of a commit. A tree from storedTree up is stored instead. An
// object already there is not written again.
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
	level := zlib.BestSpeed
	if t == plumbing.TreeObject && len(data) >= storedTree {
		level = zlib.NoCompression
	}
	tmp, err := compressTemp(dir, level, func(zw io.Writer) error {
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

// compressTemp writes what write gives it, zlib-compressed at level as a
// loose object is, into a new temporary file in dir, flushed to disk before its
// name can appear (a ref may point at the object next), and returns the
// file's name. On an error nothing is left behind. It is not
// internal/atomicfile's writer: the object is streamed through zlib, its
// temporary name is git's tmp_obj_* (which git gc prunes), and
// placeLoose never replaces an object already there.
func compressTemp(dir string, level int, write func(io.Writer) error) (string, error) {
	f, err := os.CreateTemp(dir, "tmp_obj_")
	if err != nil {
		return "", err
	}
	bw := bufio.NewWriterSize(f, 64<<10)
	zw, _ := zlib.NewWriterLevel(bw, level)
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
