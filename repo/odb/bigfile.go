package odb

import (
	"crypto/sha1"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/klauspost/compress/zlib"
)

// BigFile is the size from which a work-tree file is hashed and stored
// as a stream, never held whole: a 963 MB file once took 3.3 GB.
const BigFile = 16 << 20

// blobHeader is what a blob's hash and loose object start with.
func blobHeader(size int64) string {
	return plumbing.BlobObject.String() + " " + strconv.FormatInt(size, 10) + "\x00"
}

// copyExactly copies the size bytes of a file from f into w, and fails
// when the file turns out longer or shorter (written to meanwhile).
func copyExactly(w io.Writer, f *os.File, size int64, name string) error {
	n, err := io.Copy(w, io.LimitReader(f, size+1))
	if err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	if n != size {
		return fmt.Errorf("read %s: it changed while diary read it: run diary again", name)
	}
	return nil
}

// HashFileStream is ObjectHash of a blob read from the file full as a
// stream.
func HashFileStream(full, rel string, size int64) (plumbing.Hash, error) {
	f, err := os.Open(full)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("read %s: %w", rel, err)
	}
	defer f.Close()
	h := sha1.New()
	io.WriteString(h, blobHeader(size))
	if err := copyExactly(h, f, size, rel); err != nil {
		return plumbing.ZeroHash, err
	}
	var out plumbing.Hash
	h.Sum(out[:0])
	return out, nil
}

// WriteLooseFile stores the file full as a loose blob, as WriteLoose
// does with bytes in memory, reading it as a stream: hashed while it is
// compressed into a temporary file, which takes the hash's name.
func WriteLooseFile(objectsDir, full, rel string, size int64) (plumbing.Hash, error) {
	f, err := os.Open(full)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("read %s: %w", rel, err)
	}
	defer f.Close()
	if err := os.MkdirAll(objectsDir, 0o755); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("write the blob of %s: %w", rel, err)
	}
	h := sha1.New()
	tmp, err := compressTemp(objectsDir, zlib.BestSpeed, func(zw io.Writer) error {
		both := io.MultiWriter(zw, h)
		io.WriteString(both, blobHeader(size))
		return copyExactly(both, f, size, rel)
	})
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("write the blob of %s: %w", rel, err)
	}
	defer os.Remove(tmp)
	var hash plumbing.Hash
	h.Sum(hash[:0])
	hex := hash.String()
	final := filepath.Join(objectsDir, hex[:2], hex[2:])
	if _, err := os.Stat(final); err == nil {
		return hash, nil
	}
	if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("write object %s: %w", hex[:7], err)
	}
	if err := placeLoose(tmp, final); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("write object %s: %w", hex[:7], err)
	}
	return hash, nil
}
