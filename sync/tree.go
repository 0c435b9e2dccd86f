package sync

import (
	"bytes"
	"fmt"
	"maps"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/gitdiary/diary/entry"
	"github.com/gitdiary/diary/repo"
	"github.com/gitdiary/diary/sync/merge"
)

// ConflictsDir is where the local side of a conflict is kept, committed
// and pushed so that any laptop can settle it; Jekyll does not publish
// directories whose names start with "_" unless told to.
const ConflictsDir = "_conflicts"

// Conflict is one path whose two edits could not be merged: the remote
// version stays at Path, and the local one is kept byte for byte at Copy.
type Conflict struct {
	Path string `json:"path"`
	Copy string `json:"copy"`
}

// blobs reads and writes file contents for the merge.
type blobs interface {
	ReadBlob(repo.Hash) ([]byte, error)
	BlobSize(repo.Hash) (int64, error)
	WriteBlob([]byte) (repo.Hash, error)
}

// treeMerge is a 3-way merge of whole trees, path by path, following
// DESIGN.md's table. It touches only the paths that changed on either
// side, and returns the merged tree, the conflicts it kept copies of,
// and the paths it renamed.
type treeMerge struct {
	store blobs
	host  string
	now   time.Time
}

type mergeOutcome struct {
	tree      repo.Tree
	conflicts []Conflict
	moved     map[string]string // local new post moved: old path → new path
}

func (m *treeMerge) merge(base, ours, theirs repo.Tree) (*mergeOutcome, error) {
	base, ours, theirs = m.followRenames(base, ours, theirs)
	out := &mergeOutcome{tree: maps.Clone(ours), moved: map[string]string{}}
	// Only the paths a side changed need a decision: of a lifetime
	// diary's ten thousand, a diverged sync has a handful.
	paths := map[string]bool{}
	for _, side := range []repo.Tree{ours, theirs} {
		for p, e := range side {
			if b, ok := base[p]; !ok || b != e {
				paths[p] = true
			}
		}
		for p := range base {
			if _, ok := side[p]; !ok {
				paths[p] = true
			}
		}
	}
	sorted := make([]string, 0, len(paths))
	for p := range paths {
		sorted = append(sorted, p)
	}
	sort.Strings(sorted)

	for _, p := range sorted {
		b, inB := base[p]
		o, inO := ours[p]
		t, inT := theirs[p]
		switch {
		case inO == inT && o == t: // unchanged, or the same change on both
		case inB == inO && b == o: // changed on their side only
			set(out.tree, p, t, inT)
		case inB == inT && b == t: // changed on our side only
		case !inO: // we deleted, they modified: the modified file stays
			out.tree[p] = t
		case !inT: // they deleted, we modified: the modified file stays
		case !inB && isEntry(p):
			// A new entry at the same path on both laptops: both are
			// entries. The remote keeps the path; ours moves to the next
			// free name.
			out.tree[p] = t
			np := freeName(p, ours, theirs, out.tree)
			out.tree[np] = o
			out.moved[p] = np
		default:
			if err := m.mergeFile(p, b, o, t, inB, out); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

func set(t repo.Tree, p string, e repo.Entry, ok bool) {
	if ok {
		t[p] = e
	} else {
		delete(t, p)
	}
}

// maxTextMerge bounds what is merged line by line; anything larger is
// treated as binary, without reading it into memory.
const maxTextMerge = 8 << 20

// mergeFile merges one path modified on both sides.
func (m *treeMerge) mergeFile(p string, b, o, t repo.Entry, inB bool, out *mergeOutcome) error {
	if o.Mode == repo.ModeSubmodule {
		// Our side is a gitlink, an opaque pointer into another repository
		// (a theme's submodule): the remote's entry is taken as it is. No
		// copy is kept, for none can be written (a gitlink in _conflicts/
		// would be a submodule there) and nothing is lost: the commits it
		// named stay in the submodule's own repository. (Where ours is a
		// file and theirs a gitlink, ours is kept as a copy below.)
		out.tree[p] = t
		return nil
	}
	for _, e := range []repo.Entry{o, t} {
		if size, err := m.store.BlobSize(e.Hash); err != nil || size > maxTextMerge {
			return m.keepBoth(p, o, t, out)
		}
	}
	od, err := m.store.ReadBlob(o.Hash)
	if err != nil {
		return err
	}
	td, err := m.store.ReadBlob(t.Hash)
	if err != nil {
		return err
	}
	var bd []byte
	if inB {
		if bd, err = m.store.ReadBlob(b.Hash); err != nil {
			return err
		}
	}
	if o.Mode == t.Mode && o.Mode != repo.ModeSymlink && o.Mode != repo.ModeSubmodule {
		// The same decision as diary merge-file, git's merge driver, so
		// that git merge and diary sync merge a post alike.
		res, ok := MergeFile(p, false, bd, od, td, merge.Labels{Ours: m.host, Base: "base", Theirs: "remote"})
		if ok && res.Clean() {
			h, err := m.store.WriteBlob(res.Merged)
			if err != nil {
				return err
			}
			out.tree[p] = repo.Entry{Hash: h, Mode: o.Mode}
			return nil
		}
	}
	return m.keepBoth(p, o, t, out)
}

// keepBoth settles what cannot be merged: the remote version keeps the
// path, and ours is kept, byte for byte, as a conflict copy.
func (m *treeMerge) keepBoth(p string, o, t repo.Entry, out *mergeOutcome) error {
	out.tree[p] = t
	cp := m.conflictCopy(p, out.tree)
	out.tree[cp] = o
	out.conflicts = append(out.conflicts, Conflict{Path: p, Copy: cp})
	return nil
}

// conflictCopy names the copy of p's local version:
// _conflicts/<path without ext>~<HOST>-<UTC yyyymmddThhmmss>.<ext>.
func (m *treeMerge) conflictCopy(p string, taken repo.Tree) string {
	ext := path.Ext(p)
	stem := strings.TrimSuffix(p, ext)
	stamp := m.now.UTC().Format("20060102T150405")
	for n := 1; ; n++ {
		suffix := ""
		if n > 1 {
			suffix = fmt.Sprintf("-%d", n)
		}
		cp := fmt.Sprintf("%s/%s~%s-%s%s%s", ConflictsDir, stem, m.host, stamp, suffix, ext)
		if _, ok := taken[cp]; !ok {
			return cp
		}
	}
}

// isEntry reports whether p is a post or draft where Jekyll finds them,
// which get the entry-aware merge and, when new on both sides, a name each.
func isEntry(p string) bool { return entry.IsPost(p) || entry.IsDraft(p) }

// freeName is the next name after p that no tree uses: SLUG-2, SLUG-3…
func freeName(p string, trees ...repo.Tree) string {
	dir, file := path.Split(p)
	ext := path.Ext(file)
	stem := strings.TrimSuffix(file, ext)
	for n := 2; ; n++ {
		np := fmt.Sprintf("%s%s-%d%s", dir, stem, n, ext)
		taken := false
		for _, t := range trees {
			if _, ok := t[np]; ok {
				taken = true
			}
		}
		if !taken {
			return np
		}
	}
}

// binary is git's test: a NUL byte in the first 8000 bytes.
func binary(data []byte) bool {
	if len(data) > 8000 {
		data = data[:8000]
	}
	return bytes.IndexByte(data, 0) >= 0
}

// followRenames carries a modification across a rename: when one side
// renamed a file (its content moved unchanged to a new path) and the
// other side modified it at the old path, the other side's view is
// rewritten as if it had modified the file at the new path, so that the
// modification lands there.
func (m *treeMerge) followRenames(base, ours, theirs repo.Tree) (repo.Tree, repo.Tree, repo.Tree) {
	renames := func(side repo.Tree) map[string]string {
		added := map[repo.Hash][]string{}
		for p, e := range side {
			if _, inBase := base[p]; !inBase {
				added[e.Hash] = append(added[e.Hash], p)
			}
		}
		out := map[string]string{}
		for p, e := range base {
			if _, still := side[p]; still {
				continue
			}
			if to := added[e.Hash]; len(to) == 1 {
				out[p] = to[0]
			}
		}
		return out
	}
	apply := func(renamed map[string]string, other repo.Tree) (repo.Tree, repo.Tree) {
		if len(renamed) == 0 {
			return base, other
		}
		nb, no := copyTree(base), copyTree(other)
		for from, to := range renamed {
			oe, inOther := other[from]
			if !inOther || oe == base[from] {
				continue // not modified there: the plain table is right
			}
			if _, taken := other[to]; taken {
				continue // the other side also made that path: keep both
			}
			nb[to] = base[from]
			delete(nb, from)
			no[to] = oe
			delete(no, from)
		}
		return nb, no
	}
	base, theirs = apply(renames(ours), theirs)
	base, ours = apply(renames(theirs), ours)
	return base, ours, theirs
}

func copyTree(t repo.Tree) repo.Tree {
	c := make(repo.Tree, len(t))
	for p, e := range t {
		c[p] = e
	}
	return c
}
