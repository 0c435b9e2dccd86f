package repo

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage"

	"github.com/gitdiary/diary/internal/atomicfile"
)

// refStore reads and writes refs as git's files backend does, in place of
// go-git's (storer.ReferenceStorer), for the laptop's repository and for
// a path remote that diary pushes to in-process.
//
// go-git updates a ref by opening the ref file, truncating it and
// writing the new value into it: a kill between the two leaves an empty
// ref, which git and go-git then refuse to read (the remote's branch is
// gone for every laptop; the laptop's next commit starts a new root
// history). And go-git reads git's refs/heads/main.lock, a lock git
// holds while it updates main, as a ref of its own. Here, as in git
// (Documentation/technical/api-lockfile, the files ref backend):
//   - a ref is written to <ref>.lock, created exclusively (so that git
//     and diary exclude each other), flushed, and renamed over <ref>;
//     the directory is flushed after the rename. The lock is created
//     whole, with its content (see createLock), so that one a killed
//     diary left is known for what it is and taken over;
//   - an existing <ref>.lock of git's is respected and named, with the
//     fix, and never read as a ref;
//   - packed-refs is read for refs that have no file, and rewritten
//     under packed-refs.lock when a packed ref is deleted.
type refStore struct {
	gitDir    string // HEAD
	commonDir string // refs/, packed-refs, the lock twins
}

// ErrRefLocked: git (or another program) holds a ref's lock.
var ErrRefLocked = errors.New("ref is locked")

func (s *refStore) file(n plumbing.ReferenceName) string {
	if !strings.HasPrefix(string(n), "refs/") {
		return filepath.Join(s.gitDir, string(n)) // HEAD, ORIG_HEAD…
	}
	return filepath.Join(s.commonDir, filepath.FromSlash(string(n)))
}

// refName refuses names that git would not write, above all those that
// end in .lock.
func refName(n plumbing.ReferenceName) error {
	s := string(n)
	if s != "" && strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_") == "" {
		return nil // HEAD, ORIG_HEAD…
	}
	if !strings.HasPrefix(s, "refs/") || strings.HasSuffix(s, ".lock") || strings.Contains(s, "..") ||
		strings.Contains(s, "//") || strings.HasSuffix(s, "/") || strings.ContainsAny(s, "\\\x00 ~^:?*[") {
		return fmt.Errorf("%q is not a ref name git accepts", s)
	}
	for _, seg := range strings.Split(s, "/") {
		if strings.HasPrefix(seg, ".") || strings.HasSuffix(seg, ".lock") {
			return fmt.Errorf("%q is not a ref name git accepts", s)
		}
	}
	return nil
}

// parseRefFile reads the content of a loose ref file.
func parseRefFile(n plumbing.ReferenceName, path string, data []byte) (*plumbing.Reference, error) {
	line := strings.TrimSpace(string(data))
	if target, ok := strings.CutPrefix(line, "ref: "); ok {
		return plumbing.NewSymbolicReference(n, plumbing.ReferenceName(strings.TrimSpace(target))), nil
	}
	if h, ok := ParseHash(line); ok {
		return plumbing.NewHashReference(n, plumbing.Hash(h)), nil
	}
	if line == "" {
		return nil, fmt.Errorf("ref file %s is empty: the repository is damaged (an earlier crash); git reflog %s shows where it pointed", path, n.Short())
	}
	return nil, fmt.Errorf("ref file %s holds no object name: the repository is damaged; git reflog %s shows where it pointed", path, n.Short())
}

// Reference reads ref n, its file first, then packed-refs.
func (s *refStore) Reference(n plumbing.ReferenceName) (*plumbing.Reference, error) {
	if err := refName(n); err != nil {
		return nil, plumbing.ErrReferenceNotFound
	}
	path := s.file(n)
	data, err := os.ReadFile(path)
	if err == nil {
		return parseRefFile(n, path, data)
	}
	if !errors.Is(err, fs.ErrNotExist) && !isDirErr(path) {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if !strings.HasPrefix(string(n), "refs/") {
		return nil, plumbing.ErrReferenceNotFound
	}
	packed, err := s.packed()
	if err != nil {
		return nil, err
	}
	for _, p := range packed {
		if p.Name() == n {
			return p, nil
		}
	}
	return nil, plumbing.ErrReferenceNotFound
}

// isDirErr: path is a directory (refs/heads/a when a/b exists).
func isDirErr(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}

// packed reads packed-refs: "<hash> <name>" lines, "#" headers and
// "^<hash>" peeled values of the tag above, which are skipped.
func (s *refStore) packed() ([]*plumbing.Reference, error) {
	data, err := os.ReadFile(filepath.Join(s.commonDir, "packed-refs"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read packed-refs: %w", err)
	}
	var out []*plumbing.Reference
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' || line[0] == '^' {
			continue
		}
		hx, name, ok := strings.Cut(line, " ")
		h, hok := ParseHash(hx)
		if !ok || !hok {
			return nil, fmt.Errorf("%s: a line that is no ref (%q): the repository is damaged", filepath.Join(s.commonDir, "packed-refs"), line)
		}
		out = append(out, plumbing.NewHashReference(plumbing.ReferenceName(name), plumbing.Hash(h)))
	}
	return out, sc.Err()
}

// IterReferences lists HEAD, the loose refs and the packed ones that
// have no file, skipping lock files, the twins and anything else that is
// no ref name git accepts (git's files backend skips them too).
func (s *refStore) IterReferences() (storer.ReferenceIter, error) {
	var refs []*plumbing.Reference
	seen := map[plumbing.ReferenceName]bool{}
	if ref, err := s.Reference(plumbing.HEAD); err == nil {
		refs = append(refs, ref)
	}
	root := filepath.Join(s.commonDir, "refs")
	err := filepath.WalkDir(root, func(path string, de fs.DirEntry, err error) error {
		if err != nil {
			if path == root && errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if !de.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(s.commonDir, path)
		if err != nil {
			return nil
		}
		n := plumbing.ReferenceName(filepath.ToSlash(rel))
		if refName(n) != nil {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return nil // removed meanwhile
		}
		ref, err := parseRefFile(n, path, data)
		if err != nil {
			return nil // git too ignores a broken ref when it lists them
		}
		seen[n] = true
		refs = append(refs, ref)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list refs: %w", err)
	}
	packed, err := s.packed()
	if err != nil {
		return nil, err
	}
	for _, p := range packed {
		if !seen[p.Name()] && refName(p.Name()) == nil {
			refs = append(refs, p)
		}
	}
	rest := refs[min(1, len(refs)):] // HEAD first, as go-git lists it
	sort.Slice(rest, func(i, j int) bool { return rest[i].Name() < rest[j].Name() })
	return storer.NewReferenceSliceIter(refs), nil
}

// SetReference points ref's name at it, whatever it pointed at.
func (s *refStore) SetReference(ref *plumbing.Reference) error {
	return s.update(ref, nil)
}

// CheckAndSetReference sets ref if its name still points where old
// does (old nil: no check), as go-git's does.
func (s *refStore) CheckAndSetReference(ref, old *plumbing.Reference) error {
	return s.update(ref, old)
}

func (s *refStore) lock(n plumbing.ReferenceName, data []byte) (*heldLock, error) {
	path := s.file(n) + ".lock"
	l, err := createLock(path, s.commonDir, data, true)
	if errors.Is(err, ErrLockHeld) {
		return nil, fmt.Errorf("%w: %s exists: git (or another program) is updating %s; wait for it to finish; if none is running, remove that file", ErrRefLocked, path, n.Short())
	}
	return l, err
}

func (s *refStore) update(ref, old *plumbing.Reference) error {
	n := ref.Name()
	if err := refName(n); err != nil {
		return err
	}
	var content string
	switch ref.Type() {
	case plumbing.HashReference:
		content = ref.Hash().String() + "\n"
	case plumbing.SymbolicReference:
		content = "ref: " + ref.Target().String() + "\n"
	default:
		return fmt.Errorf("ref %s: nothing to write", n)
	}
	l, err := s.lock(n, []byte(content))
	if err != nil {
		return err
	}
	if old != nil {
		cur, err := s.Reference(n)
		if err != nil && !errors.Is(err, plumbing.ErrReferenceNotFound) {
			l.release()
			return err
		}
		// An old value of zero hash is a ref that must not exist yet
		// (a push that creates a branch).
		changed := cur == nil || cur.Type() != old.Type() || cur.Hash() != old.Hash() || cur.Target() != old.Target()
		if old.Type() == plumbing.HashReference && old.Hash().IsZero() {
			changed = cur != nil
		}
		if changed {
			l.release()
			return storage.ErrReferenceHasChanged
		}
	}
	if err := l.commit(s.file(n)); err != nil {
		return fmt.Errorf("update %s: %w", n, err)
	}
	return nil
}

// RemoveReference deletes ref n, from packed-refs too, under its lock;
// a missing ref is not an error.
func (s *refStore) RemoveReference(n plumbing.ReferenceName) error {
	if err := refName(n); err != nil {
		return nil
	}
	l, err := s.lock(n, nil)
	if err != nil {
		return err
	}
	defer l.release()
	if err := s.unpack(n); err != nil {
		return err
	}
	path := s.file(n)
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove %s: %w", n, err)
	}
	return atomicfile.SyncDir(filepath.Dir(path))
}

// unpack rewrites packed-refs without n, under packed-refs.lock.
func (s *refStore) unpack(n plumbing.ReferenceName) error {
	path := filepath.Join(s.commonDir, "packed-refs")
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read packed-refs: %w", err)
	}
	var out bytes.Buffer
	found, skipPeeled := false, false
	for _, line := range strings.SplitAfter(string(data), "\n") {
		if line == "" {
			continue
		}
		if skipPeeled && strings.HasPrefix(line, "^") {
			continue
		}
		skipPeeled = false
		if _, name, ok := strings.Cut(strings.TrimRight(line, "\n"), " "); ok && line[0] != '#' && plumbing.ReferenceName(name) == n {
			found, skipPeeled = true, true
			continue
		}
		out.WriteString(line)
	}
	if !found {
		return nil
	}
	l, err := createLock(path+".lock", s.commonDir, out.Bytes(), true)
	if errors.Is(err, ErrLockHeld) {
		return fmt.Errorf("%w: %s.lock exists: git (or another program) is rewriting packed-refs; wait for it to finish; if none is running, remove that file", ErrRefLocked, path)
	}
	if err != nil {
		return err
	}
	// packed-refs may have changed between the read and the lock.
	if now, err := os.ReadFile(path); err != nil || !bytes.Equal(now, data) {
		l.release()
		return s.unpack(n)
	}
	return l.commit(path)
}
