package repo

import (
	"github.com/gitdiary/diary/internal/scratch"

	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/gitignore"
	gitindex "github.com/go-git/go-git/v5/plumbing/format/index"

	"github.com/gitdiary/diary/internal/regular"
	"github.com/gitdiary/diary/repo/attr"
	"github.com/gitdiary/diary/repo/index"
	"github.com/gitdiary/diary/repo/odb"
)

// ChangeKind says how a path differs from HEAD.
type ChangeKind int

// The kinds of change.
const (
	Added ChangeKind = iota + 1
	Modified
	Deleted
)

// Change is one path whose work-tree state differs from HEAD.
type Change struct {
	Path string
	Kind ChangeKind
}

// Changes lists what `git add -A` would stage and commit: every path
// whose work-tree content or mode differs from HEAD's tree, new files
// that no ignore rule covers, and deleted files. A tracked file stays
// tracked even where an ignore rule covers it, as in git. The index's
// stat data (size and modification time) saves reading files that did
// not change; a file whose stat data is newer than the index ("racily
// clean") is read anyway.
func (r *Repo) Changes(ctx context.Context) ([]Change, error) {
	_, head, err := r.headRef()
	if err != nil {
		return nil, err
	}
	stats, err := r.indexEntries()
	if err != nil {
		return nil, err
	}
	var headTree headFiles
	if r.indexHolds(head) {
		headTree = headFiles{index: stats}
	} else if headTree.tree, err = r.ReadTree(head); err != nil {
		return nil, err
	}
	var indexTime int64
	if fi, err := os.Stat(filepath.Join(r.gitDir, "index")); err == nil {
		indexTime = fi.ModTime().UnixNano()
	}
	// Directories that hold tracked files are walked even when ignored.
	trackedDirs := map[string]bool{}
	lastDir := ""
	headTree.each(func(p string) {
		i := strings.LastIndexByte(p, '/')
		if i < 0 || p[:i] == lastDir {
			return // most files are in the directory of the one before
		}
		lastDir = p[:i]
		for d := lastDir; ; d = d[:i] {
			if trackedDirs[d] {
				break
			}
			trackedDirs[d] = true
			if i = strings.LastIndexByte(d, '/'); i < 0 {
				break
			}
		}
	})
	base, err := r.basePatterns()
	if err != nil {
		return nil, err
	}

	// Walk the work tree by directory listings (no stat per entry),
	// reading each directory's .gitignore as it is entered, rather than
	// walking it a second time for ignore files as go-git's ReadPatterns
	// does (with a stat of every entry).
	//
	// Each directory stays open while its files are looked at (up to a
	// few hundred: more are looked at by path), so that each lstat
	// resolves one name, not the whole path.
	var tracked []string
	var trackedAt []dirEntryRef // where each tracked file is: its directory, its name
	var dirs []*os.File
	defer func() {
		for _, d := range dirs {
			d.Close()
		}
	}()
	var changes []Change
	var notFiles, inPlace []string
	attrDirs := map[string]bool{} // directories with a .gitattributes: true, on disk
	var walk func(dir string, parts []string, patterns []gitignore.Pattern) error
	walk = func(dir string, parts []string, patterns []gitignore.Pattern) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		f, err := os.Open(dir)
		if err != nil {
			return err
		}
		des, err := index.ReadDir(f) // unsorted: the changes are sorted at the end
		dirfd := -1
		if err == nil && len(dirs) < 256 {
			dirs = append(dirs, f)
			dirfd = int(f.Fd())
		} else {
			f.Close()
		}
		if err != nil {
			return err
		}
		ignoreFile, attrFile := false, false
		for _, de := range des {
			switch {
			case de.Name == ".git" && len(parts) > 0:
				// Another repository: a submodule git has staged but
				// not committed, or a clone inside the diary. Its
				// files are never the diary's, and it is left to git.
				return nil
			case de.Name == ".gitignore" && de.Type == 0:
				ignoreFile = true
			case de.Name == ".gitattributes":
				attrFile = true
			}
		}
		if ignoreFile {
			patterns = append(patterns[:len(patterns):len(patterns)], readIgnore(filepath.Join(dir, ".gitignore"), parts)...)
		}
		m := gitignore.NewMatcher(patterns)
		prefix := ""
		if len(parts) > 0 {
			prefix = strings.Join(parts, "/") + "/"
		}
		// The attributes of the files here: a .gitattributes on disk,
		// or one the index has (git reads it there when the work tree
		// has none).
		if _, inIndex := stats[prefix+".gitattributes"]; attrFile || inIndex {
			attrDirs[strings.TrimSuffix(prefix, "/")] = attrFile
		}
		for _, de := range des {
			name := de.Name
			rel := prefix + name
			isDir, typ := de.Type == fs.ModeDir, de.Type
			if (typ == 0 || typ == fs.ModeSymlink) && headTree.has(rel) {
				tracked = append(tracked, rel) // the common case, with nothing more to match
				trackedAt = append(trackedAt, dirEntryRef{dirfd, name})
				continue
			}
			child := append(parts[:len(parts):len(parts)], name)
			switch {
			case isDir:
				if (len(parts) == 0 && name == ".git") || (!trackedDirs[rel] && m.Match(child, true)) {
					continue
				}
				if he, ok := headTree.get(rel); ok && he.Mode == ModeSubmodule {
					continue // a submodule: never a change of the diary's
				}
				if err := walk(filepath.Join(dir, name), child, patterns); err != nil {
					return err
				}
			case typ != 0 && typ != fs.ModeSymlink:
				// A named pipe, a device or a socket: git does not add
				// one, and diary never opens one (a pipe would block).
				// One that took a tracked file's place is left as
				// HEAD has it: neither deleted nor changed.
				if headTree.has(rel) {
					notFiles = append(notFiles, rel)
					inPlace = append(inPlace, rel)
				} else if !m.Match(child, false) {
					notFiles = append(notFiles, rel)
				}
			case !m.Match(child, false) && !IsTemp(name):
				changes = append(changes, Change{rel, Added})
			}
		}
		return nil
	}
	if err := walk(r.root, nil, base); err != nil {
		return nil, fmt.Errorf("look for changes in %s: %w", r.root, err)
	}
	// Each tracked path is listed once, so when as many were found as
	// HEAD has, none is missing.
	if len(tracked)+len(inPlace) != headTree.len() {
		seen := make(map[string]bool, len(tracked)+len(inPlace))
		for _, p := range tracked {
			seen[p] = true
		}
		for _, p := range inPlace {
			seen[p] = true
		}
		headTree.each(func(p string) {
			if he, _ := headTree.get(p); !seen[p] && he.Mode != ModeSubmodule {
				changes = append(changes, Change{p, Deleted})
			}
		})
	}

	// Stat the tracked files in parallel (as git's preload-index does):
	// the index vouches for those whose stat data it holds.
	type candidate struct {
		path string
		info fs.FileInfo
	}
	quick := make([]index.Stat, len(tracked))
	statErrs := make([]error, len(tracked))
	parallel(len(tracked), func(i int) {
		at := trackedAt[i]
		statErrs[i] = index.LstatAt(at.dirfd, at.name, r.root, tracked[i], &quick[i])
	})
	var toHash []candidate
	for i, rel := range tracked {
		if statErrs[i] != nil {
			if errors.Is(statErrs[i], fs.ErrNotExist) {
				changes = append(changes, Change{rel, Deleted}) // gone since the listing
				continue
			}
			return nil, statErrs[i]
		}
		q := &quick[i]
		he, _ := headTree.get(rel)
		if st, ok := stats[rel]; ok && Hash(st.Hash) == he.Hash && Mode(q.Mode) == he.Mode &&
			int64(st.Size) == q.Size&0xffffffff && int64(st.Sec) == q.Sec && int64(st.Nsec) == q.Nsec &&
			q.Sec*1e9+q.Nsec < indexTime {
			continue // the index vouches for it
		}
		info, err := os.Lstat(filepath.Join(r.root, filepath.FromSlash(rel)))
		if err != nil {
			return nil, err
		}
		toHash = append(toHash, candidate{rel, info})
	}

	// The text conversion of each (repo/attr), as `git status` cleans a
	// file before it compares it with its blob: decided here, before the
	// goroutines, and only when some attributes file or core.autocrlf
	// can ask for one.
	acts := make([]attr.Action, len(toHash))
	crlfs := make([]func() bool, len(toHash))
	if len(toHash) > 0 {
		onDisk := map[string]bool{}
		for d, disk := range attrDirs {
			if disk {
				onDisk[d] = true
			}
		}
		inIndex := func(p string) (Hash, bool) {
			e, ok := stats[p]
			if !ok || (Mode(e.Mode) != ModeRegular && Mode(e.Mode) != ModeExecutable) {
				return ZeroHash, false
			}
			return Hash(e.Hash), true
		}
		var conv *attr.Checker
		if len(attrDirs) > 0 || r.eol().outside() {
			conv = r.checkinAttrs(onDisk, inIndex)
		}
		for i, c := range toHash {
			if conv != nil && c.info.Mode().IsRegular() {
				acts[i] = r.action(conv, c.path)
				st, ok := stats[c.path]
				if ok {
					crlfs[i] = r.blobCRLF(Hash(st.Hash), true)
				}
			}
		}
	}

	// Hash what the index could not vouch for, in parallel.
	modified := make([]bool, len(toHash))
	errs := make([]error, len(toHash))
	parallel(len(toHash), func(i int) {
		c := toHash[i]
		h, mode, err := r.hashFile(c.path, c.info, acts[i], crlfs[i])
		he, _ := headTree.get(c.path)
		modified[i], errs[i] = err == nil && (h != he.Hash || mode != he.Mode), err
	})
	var refresh []*gitindex.Entry
	for i, c := range toHash {
		if errs[i] != nil {
			return nil, errs[i]
		}
		if modified[i] {
			changes = append(changes, Change{c.path, Modified})
			continue
		}
		// Unchanged, but the index could not say so (its stat data was
		// stale, as after a copy or a touch): refresh it, as git status
		// does, so that the next scan need not read the file again. A
		// file changed too recently to tell from its time is left for
		// a later scan.
		// Only stat data is refreshed: an entry whose hash differs from
		// HEAD holds something the user staged, which stays.
		he, _ := headTree.get(c.path)
		if st, ok := stats[c.path]; ok && Hash(st.Hash) == he.Hash && Mode(st.Mode) == he.Mode && c.info.ModTime().Before(time.Now().Add(-2*time.Second)) {
			ie := &gitindex.Entry{Hash: plumbing.Hash(he.Hash), Name: c.path, Mode: filemode.FileMode(he.Mode), Size: uint32(c.info.Size()), ModifiedAt: c.info.ModTime()}
			index.FillStat(ie, c.info)
			refresh = append(refresh, ie)
		}
	}
	if len(refresh) > 0 {
		r.refreshIndex(refresh)
	}
	sort.Slice(changes, func(i, j int) bool { return changes[i].Path < changes[j].Path })
	sort.Strings(notFiles)
	r.notFiles = notFiles
	return changes, nil
}

// NotFiles lists, as warnings, what the last Changes skipped in the work
// tree because it is not a file: a named pipe, a device or a socket, not
// ignored. Each is named with what it is.
func (r *Repo) NotFiles() []string {
	var out []string
	for _, rel := range r.notFiles {
		kind := "not a file"
		if fi, err := os.Lstat(index.JoinRoot(r.root, rel)); err == nil {
			kind = regular.Kind(fi.Mode())
		}
		out = append(out, fmt.Sprintf("%s: not a regular file (%s): skipped, never read or committed", rel, kind))
	}
	return out
}

// headFiles is HEAD's files as Changes looks at them: the index's
// entries when the index provably holds HEAD's tree (see indexHead),
// which spares building the tree from them, else the tree.
type headFiles struct {
	tree  Tree
	index map[string]*index.Entry
}

func (h headFiles) get(p string) (Entry, bool) {
	if h.index != nil {
		e, ok := h.index[p]
		if !ok {
			return Entry{}, false
		}
		return Entry{Hash: Hash(e.Hash), Mode: Mode(e.Mode)}, true
	}
	e, ok := h.tree[p]
	return e, ok
}

func (h headFiles) has(p string) bool {
	_, ok := h.get(p)
	return ok
}

func (h headFiles) len() int {
	if h.index != nil {
		return len(h.index)
	}
	return len(h.tree)
}

func (h headFiles) each(f func(p string)) {
	if h.index != nil {
		for p := range h.index {
			f(p)
		}
		return
	}
	for p := range h.tree {
		f(p)
	}
}

// dirEntryRef is a file by its directory, open as dirfd (-1: not open),
// and its name there.
type dirEntryRef struct {
	dirfd int
	name  string
}

// modeOf is the tree mode of the file info describes.
func modeOf(info fs.FileInfo) Mode { return Mode(index.TreeMode(info.Mode())) }

// hashFile computes the blob hash of a work-tree file without storing
// it: of its bytes after the text conversion act (attr.Binary: none),
// which `git add` would store; indexCRLF is the question text=auto asks
// of the index's blob (attr.Action.Cleans).
func (r *Repo) hashFile(rel string, info fs.FileInfo, act attr.Action, indexCRLF func() bool) (Hash, Mode, error) {
	full := filepath.Join(r.root, filepath.FromSlash(rel))
	mode := modeOf(info)
	var data []byte
	var err error
	if mode == ModeSymlink {
		var target string
		target, err = os.Readlink(full)
		data = []byte(filepath.ToSlash(target))
	} else if act != attr.Binary {
		var big bool
		data, big, err = cleanFile(full, info.Size(), act, indexCRLF)
		if err == nil && big {
			h, err := odb.HashFileStream(full, rel, info.Size())
			return Hash(h), mode, err
		}
	} else if info.Size() > odb.BigFile {
		h, err := odb.HashFileStream(full, rel, info.Size())
		return Hash(h), mode, err
	} else {
		// Never through a link, never a pipe or a device: one that took
		// a file's place since the lstat is refused, not read.
		data, err = regular.ReadFileNoFollow(full)
	}
	if err != nil {
		return ZeroHash, 0, fmt.Errorf("read %s: %w", rel, err)
	}
	return Hash(odb.ObjectHash(plumbing.BlobObject, data)), mode, nil
}

// parallel calls f(0), f(1), … f(n-1) on as many goroutines as there
// are processors.
func parallel(n int, f func(i int)) {
	var wg sync.WaitGroup
	var next atomic.Int64
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				f(i)
			}
		}()
	}
	wg.Wait()
}

// basePatterns are the ignore rules that hold everywhere: the user's
// core.excludesFile, then .git/info/exclude.
func (r *Repo) basePatterns() ([]gitignore.Pattern, error) {
	var ps []gitignore.Pattern
	if global, err := gitignore.LoadGlobalPatterns(osfs.New("/")); err == nil {
		ps = append(ps, global...)
	}
	return append(ps, readIgnore(filepath.Join(r.gitDir, "info", "exclude"), nil)...), nil
}

// readIgnore reads one ignore file whose patterns apply below domain.
func readIgnore(file string, domain []string) []gitignore.Pattern {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil
	}
	var ps []gitignore.Pattern
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSuffix(line, "\r")
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		ps = append(ps, gitignore.ParsePattern(line, domain))
	}
	return ps
}

func (r *Repo) ignoreMatcher() (gitignore.Matcher, error) {
	wfs := osfs.New(r.root)
	patterns, err := gitignore.ReadPatterns(wfs, nil)
	if err != nil {
		return nil, fmt.Errorf("read .gitignore files: %w", err)
	}
	if global, err := gitignore.LoadGlobalPatterns(osfs.New("/")); err == nil {
		patterns = append(global, patterns...)
	}
	return gitignore.NewMatcher(patterns), nil
}

// IsTemp reports whether name is one of the temporary files diary writes
// before renaming them into place, or an editor's scratch file (a swap
// file, a backup, a lock: scratch.Editor): one left by a killed process
// or an open editor is never taken for the user's work.
func IsTemp(name string) bool {
	for _, p := range []string{".diary-tmp-", ".diary-new-", ".diary-link-"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return scratch.Editor(name)
}

// refreshIndex writes fresh stat data for entries whose content is
// unchanged. It is only a speed-up: when the index is locked (git is at
// work) it gives up quietly.
func (r *Repo) refreshIndex(set []*gitindex.Entry) {
	lock, err := r.lockIndex()
	if err != nil {
		return
	}
	raw, err := os.ReadFile(filepath.Join(r.gitDir, "index"))
	if err != nil {
		lock.release()
		return
	}
	data, err := index.Splice(raw, set, nil)
	if err != nil {
		lock.release()
		return
	}
	if lock.commitRaw(data) == nil {
		if rec, ok := r.readIndexHead(); ok {
			r.carryIndexHead(Hash(index.Sum(raw)), rec.commit, rec.commit, data)
		}
	}
}

// RepairIndex makes the index agree with HEAD wherever the work tree
// does: a diary killed between moving its branch and writing the index
// leaves entries that git would show as staged deletions or additions,
// though the files and the commit agree. Entries that differ from HEAD
// because the work tree differs too (real changes, or what the user
// staged with git) are left alone. It returns how many it repaired.
func (r *Repo) RepairIndex(ctx context.Context) (int, error) {
	head, err := r.Head()
	if err != nil || head.Hash.IsZero() {
		return 0, err
	}
	if r.indexHolds(head.Hash) {
		return 0, nil // the index holds HEAD's tree: nothing to repair
	}
	tree, err := r.ReadTree(head.Hash)
	if err != nil {
		return 0, err
	}
	entries, err := r.indexEntries()
	if err != nil {
		return 0, err
	}
	var set []*gitindex.Entry
	remove := map[string]bool{}
	var conv *attr.Checker
	inIndex := func(p string) (Hash, bool) {
		e, ok := entries[p]
		if !ok || (Mode(e.Mode) != ModeRegular && Mode(e.Mode) != ModeExecutable) {
			return ZeroHash, false
		}
		return Hash(e.Hash), true
	}
	for p, he := range tree {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		if ie := entries[p]; ie != nil && Hash(ie.Hash) == he.Hash && Mode(ie.Mode) == he.Mode {
			continue
		}
		full := filepath.Join(r.root, filepath.FromSlash(p))
		info, err := os.Lstat(full)
		if err != nil {
			continue
		}
		if conv == nil {
			conv = r.checkinAttrs(nil, inIndex)
		}
		act := attr.Binary
		if info.Mode().IsRegular() {
			act = r.action(conv, p)
		}
		h, mode, err := r.hashFile(p, info, act, r.blobCRLF(Hash(he.Hash), true))
		if err != nil || h != he.Hash || mode != he.Mode {
			continue
		}
		ie := &gitindex.Entry{Hash: plumbing.Hash(h), Name: p, Mode: filemode.FileMode(mode), Size: uint32(info.Size()), ModifiedAt: info.ModTime()}
		index.FillStat(ie, info)
		set = append(set, ie)
	}
	for p := range entries {
		if _, inHead := tree[p]; inHead {
			continue
		}
		if _, err := os.Lstat(filepath.Join(r.root, filepath.FromSlash(p))); errors.Is(err, fs.ErrNotExist) {
			remove[p] = true
		}
	}
	if len(set) == 0 && len(remove) == 0 {
		return 0, nil
	}
	lock, err := r.lockIndex()
	if err != nil {
		return 0, err
	}
	raw, err := os.ReadFile(filepath.Join(r.gitDir, "index"))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		lock.release()
		return 0, err
	}
	data, err := index.Splice(raw, set, remove)
	if errors.Is(err, index.ErrShape) {
		err = r.updateIndexSlowly(lock, set, remove)
	} else if err == nil {
		err = lock.commitRaw(data)
	} else {
		lock.release()
	}
	if err != nil {
		return 0, fmt.Errorf("repair the index: %w", err)
	}
	return len(set) + len(remove), nil
}
