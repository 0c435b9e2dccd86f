// Package repo is diary's only door to git. It wraps go-git's porcelain
// where that is safe and fast, and drops to its plumbing where it is not:
// a commit of one path writes the blob, the changed trees and the commit
// itself, and touches one index entry, without a status of the whole tree.
//
// Its API is in its own types (Hash, Mode, Tree, Signature, Credentials):
// no caller sees a go-git type. Behind it are its rooms, which only repo
// imports: repo/odb stores objects (packs, loose objects, packing, the
// object walk), repo/index reads and splices the index as bytes, keeps
// the index-head record's format and does the scan's stat and directory
// reading, repo/transport talks to other machines (credentials,
// known_hosts, ssh, https, git://, path remotes), repo/attr reads git's
// attributes and does the text and eol conversion they and core.autocrlf
// ask for (clean on commit and in the change scan, smudge on checkout).
// repo itself keeps what
// ties them to a work tree and needs its state: the change scan and when
// the index stands for HEAD's tree, checkout, commits, refs and locks,
// history, and the go-git storage that joins odb's objects to repo's
// refs.
package repo

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/gitdiary/diary/repo/index"
)

// Sentinel errors, for errors.Is.
var (
	// ErrNotRepo: the directory is not inside a git work tree.
	ErrNotRepo = errors.New("not a git repository")
	// ErrBare: the repository has no work tree to write entries into.
	ErrBare = errors.New("bare repository")
	// ErrLocked: another git process holds .git/index.lock.
	ErrLocked = errors.New("index is locked")
	// ErrMoved: the branch moved while diary was committing.
	ErrMoved = errors.New("branch moved")
	// ErrBroken: a .git that is no valid repository (its HEAD is gone).
	ErrBroken = errors.New("not a valid git repository")
)

// DefaultBranch is the branch a new diary starts on, as on GitHub.
const DefaultBranch = "main"

// Repo is a diary's git repository with its work tree.
type Repo struct {
	root   string // work tree
	gitDir string
	git    *git.Repository
	hookFn func(point string)
	trees  map[Hash]Tree // ReadTree's results, by commit
	// fromIndex is the commit whose tree ReadTree last took from the
	// index, and fromIndexSum that index's checksum: it held the tree.
	fromIndex, fromIndexSum Hash

	indexMemo map[string]*index.Entry // indexEntries' last parse
	indexMeta index.Meta              // and what it vouches for
	indexKey  string                  // the index file's size and time then

	notFiles []string // what the last Changes skipped: see NotFiles

	eolOnce sync.Once  // eol reads eolMemo once
	eolMemo *eolConfig // the text conversion's settings (attrs.go)
	blobMu  sync.Mutex // one blob read at a time from the scan's goroutines
}

// SetHook installs a function called at named points of the steps that
// write (after a commit's objects are written, after each work-tree file,
// before the index is replaced…). It exists for fault-injection tests,
// which kill the process at those points and check that nothing is lost;
// nothing else installs one.
func (r *Repo) SetHook(f func(point string)) { r.hookFn = f }

func (r *Repo) hook(point string) {
	if r.hookFn != nil {
		r.hookFn(point)
	}
}

// Open opens the repository whose work tree is exactly dir.
func Open(dir string) (*Repo, error) {
	return open(dir, false)
}

// Discover opens the repository whose work tree holds dir, looking up
// through its parents as git does.
func Discover(dir string) (*Repo, error) {
	return open(dir, true)
}

func open(dir string, detect bool) (*Repo, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", dir, err)
	}
	// go-git takes a .git without HEAD for no repository at all, and
	// looks on up the tree: that would be another diary, or ~/diary.
	if err := checkDotGit(abs, detect); err != nil {
		return nil, err
	}
	r, err := git.PlainOpenWithOptions(abs, &git.PlainOpenOptions{DetectDotGit: detect, EnableDotGitCommonDir: true})
	if errors.Is(err, git.ErrRepositoryNotExists) {
		return nil, fmt.Errorf("%s: %w", abs, ErrNotRepo)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", abs, err)
	}
	wt, err := r.Worktree()
	if errors.Is(err, git.ErrIsBareRepository) {
		return nil, fmt.Errorf("%s: %w: diary needs a work tree; clone it with diary clone", abs, ErrBare)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", abs, err)
	}
	root := wt.Filesystem.Root()
	gitDir := filepath.Join(root, ".git")
	if fi, err := os.Stat(gitDir); err != nil || !fi.IsDir() {
		// A .git file (a linked work tree or submodule) points elsewhere.
		gitDir, err = resolveGitFile(root)
		if err != nil {
			return nil, err
		}
	}
	repo := &Repo{root: root, gitDir: gitDir, git: r}
	// go-git's default storage opens the pack file again, through its
	// path-checking file system, and builds a new reader for every object
	// it reads; and it inflates through a byte-at-a-time scanner. diary
	// reads objects itself (odb.Store), and what go-git still reads it
	// reads with a few packs kept open, large objects as streams.
	if st, ok := r.Storer.(*filesystem.Storage); ok {
		st = filesystem.NewStorageWithOptions(st.Filesystem(), cache.NewObjectLRUDefault(), filesystem.Options{MaxOpenDescriptors: 16, LargeObjectThreshold: largeObject})
		r.Storer = newFastStorage(st, gitDir, commonDir(gitDir))
	}
	return repo, nil
}

// Init makes dir a new repository on branch (DefaultBranch when empty).
// It refuses a directory that is already one.
func Init(dir, branch string) (*Repo, error) {
	if branch == "" {
		branch = DefaultBranch
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("init %s: %w", dir, err)
	}
	_, err = git.PlainInitWithOptions(abs, &git.PlainInitOptions{
		InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName(branch)},
	})
	if err != nil {
		return nil, fmt.Errorf("init %s: %w", abs, err)
	}
	return Open(abs)
}

// Root is the work tree's absolute path.
func (r *Repo) Root() string { return r.root }

// GitDir is the repository's .git directory.
func (r *Repo) GitDir() string { return r.gitDir }

// AddRemote records a remote, as `git remote add NAME URL` would.
func (r *Repo) AddRemote(name, url string) error {
	_, err := r.git.CreateRemote(&config.RemoteConfig{Name: name, URLs: []string{url}})
	if err != nil {
		return fmt.Errorf("add remote %s: %w", name, err)
	}
	return nil
}

func resolveGitFile(root string) (string, error) {
	data, err := os.ReadFile(filepath.Join(root, ".git"))
	if err != nil {
		return "", fmt.Errorf("read %s: %w", filepath.Join(root, ".git"), err)
	}
	const prefix = "gitdir: "
	s := string(data)
	if len(s) < len(prefix) || s[:len(prefix)] != prefix {
		return "", fmt.Errorf("%s: not a .git directory or gitdir file", filepath.Join(root, ".git"))
	}
	dir := filepath.Clean(trimNewline(s[len(prefix):]))
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(root, dir)
	}
	return dir, nil
}

func trimNewline(s string) string {
	for len(s) > 0 && (s[len(s)-1] == '\n' || s[len(s)-1] == '\r') {
		s = s[:len(s)-1]
	}
	return s
}

// ErrBusy: git is in the middle of a merge, rebase or the like.
var ErrBusy = errors.New("git operation in progress")

// CheckIdle returns ErrBusy, with what to do, when the git CLI left a
// merge, rebase, cherry-pick or revert in progress: a commit made then
// would land in the middle of it.
func (r *Repo) CheckIdle() error {
	for _, s := range []struct{ file, what, fix string }{
		{"MERGE_HEAD", "merge", "git merge --continue or git merge --abort"},
		{"rebase-merge", "rebase", "git rebase --continue or git rebase --abort"},
		{"rebase-apply", "rebase", "git rebase --continue or git rebase --abort"},
		{"CHERRY_PICK_HEAD", "cherry-pick", "git cherry-pick --continue or git cherry-pick --abort"},
		{"REVERT_HEAD", "revert", "git revert --continue or git revert --abort"},
	} {
		if _, err := os.Stat(filepath.Join(r.gitDir, s.file)); err == nil {
			return fmt.Errorf("%w: a git %s is in progress in %s: finish it with %s, then run diary again", ErrBusy, s.what, r.root, s.fix)
		}
	}
	return nil
}

// BrokenError is ErrBroken with the work tree whose .git is broken.
type BrokenError struct {
	Root string
	err  error
}

func (e *BrokenError) Error() string { return e.err.Error() }
func (e *BrokenError) Unwrap() error { return e.err }

// checkDotGit finds the .git nearest to dir (dir's own only, unless
// detect) and returns ErrBroken, with the fix, when it is no repository
// as git's own test has it: a HEAD, and objects/ and refs/ (in the common
// directory of a linked work tree). No .git at all is no error here.
func checkDotGit(dir string, detect bool) error {
	for d := dir; ; {
		dotGit := filepath.Join(d, ".git")
		fi, err := os.Lstat(dotGit)
		if err == nil {
			gitDir := dotGit
			if !fi.IsDir() {
				if gitDir, err = resolveGitFile(d); err != nil {
					return &BrokenError{Root: d, err: fmt.Errorf("%s: %w (%v): repair or remove it, then run diary again", dotGit, ErrBroken, err)}
				}
			}
			if err := checkGitDir(dotGit, gitDir); err != nil {
				return &BrokenError{Root: d, err: err}
			}
			return nil
		}
		parent := filepath.Dir(d)
		if !detect || parent == d {
			return nil
		}
		d = parent
	}
}

func checkGitDir(dotGit, gitDir string) error {
	head := filepath.Join(gitDir, "HEAD")
	if _, err := os.Stat(head); err != nil {
		return fmt.Errorf("%s: %w (HEAD is missing): diary stops rather than use another diary; if only HEAD was lost, write it back with echo 'ref: refs/heads/%s' > %s, then run diary again", dotGit, ErrBroken, lostBranch(gitDir), head)
	}
	common := gitDir
	if data, err := os.ReadFile(filepath.Join(gitDir, "commondir")); err == nil {
		common = filepath.Clean(trimNewline(string(data)))
		if !filepath.IsAbs(common) {
			common = filepath.Join(gitDir, common)
		}
	}
	for _, sub := range []string{"objects", "refs"} {
		if fi, err := os.Stat(filepath.Join(common, sub)); err != nil || !fi.IsDir() {
			return fmt.Errorf("%s: %w (%s/ is missing): diary stops rather than use another diary; restore it from a backup, or clone the diary again with diary clone URL", dotGit, ErrBroken, sub)
		}
	}
	return nil
}

// lostBranch guesses the branch a lost HEAD named: main when it exists
// (or nothing does), else the first branch there is.
func lostBranch(gitDir string) string {
	des, err := os.ReadDir(filepath.Join(gitDir, "refs", "heads"))
	if err != nil {
		return DefaultBranch
	}
	first := ""
	for _, de := range des {
		if de.Name() == DefaultBranch {
			return DefaultBranch
		}
		if first == "" && !de.IsDir() {
			first = de.Name()
		}
	}
	if first == "" {
		return DefaultBranch
	}
	return first
}
