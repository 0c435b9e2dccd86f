package repo

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/gitdiary/diary/repo/index"
)

// indexEntries returns the index's stage-0 entries by name, read in one
// pass over the raw file (go-git's decoder takes several times as long
// on a lifetime diary's index), falling back to go-git for the shapes
// index.Parse does not read.
//
// A sync reads the index twice (to repair it, then to scan for changes);
// the parse is remembered while the file's size and time stay the same.
// Callers must not change the entries.
func (r *Repo) indexEntries() (map[string]*index.Entry, error) {
	path := filepath.Join(r.gitDir, "index")
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]*index.Entry{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the index: %w", err)
	}
	key := fmt.Sprintf("%d %d", fi.Size(), fi.ModTime().UnixNano())
	if r.indexMemo != nil && r.indexKey == key {
		return r.indexMemo, nil
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read the index: %w", err)
	}
	if m, meta, err := index.Parse(raw); err == nil {
		r.indexMemo, r.indexMeta, r.indexKey = m, meta, key
		return m, nil
	}
	r.indexMeta = index.Meta{} // vouches for nothing
	idx, err := r.git.Storer.Index()
	if err != nil {
		return r.rebuildIndex(err) // git cannot read it either
	}
	m := make(map[string]*index.Entry, len(idx.Entries))
	for _, e := range idx.Entries {
		if e.Stage == index.Stage0 {
			m[e.Name] = &index.Entry{Hash: e.Hash, Mode: e.Mode, Size: e.Size,
				Sec: uint32(e.ModifiedAt.Unix()), Nsec: uint32(e.ModifiedAt.Nanosecond())}
		}
	}
	return m, nil
}
