package repo

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	format "github.com/go-git/go-git/v5/plumbing/format/config"

	"github.com/gitdiary/diary/internal/regular"
	"github.com/gitdiary/diary/repo/attr"
	"github.com/gitdiary/diary/repo/index"
	"github.com/gitdiary/diary/repo/odb"
)

// eolConfig is what the text conversion (repo/attr) takes from outside
// the work tree, read once per Repo: core.autocrlf, core.eol,
// core.ignorecase and core.attributesFile from git's config files, and
// the attributes files that hold for every path.
type eolConfig struct {
	settings attr.Settings
	fold     bool
	files    attr.Files
}

// outside: some attributes file outside the work tree, or core.autocrlf,
// may convert a path even where the work tree has no .gitattributes.
func (c *eolConfig) outside() bool {
	return c.settings.AutoCRLF != attr.AutoCRLFFalse || c.files.Info != nil || c.files.Global != nil || c.files.System != nil
}

// eol reads eolConfig once. git's config files are read in git's order,
// a later one winning (git-config(1), FILES): the system's
// (/etc/gitconfig, or $GIT_CONFIG_SYSTEM, none under
// GIT_CONFIG_NOSYSTEM), the user's ($GIT_CONFIG_GLOBAL, or
// $XDG_CONFIG_HOME/git/config then ~/.gitconfig), the repository's.
// The attributes files are gitattributes(5)'s: $GIT_DIR/info/attributes,
// core.attributesFile (default $XDG_CONFIG_HOME/git/attributes), and the
// system's /etc/gitattributes (none under GIT_ATTR_NOSYSTEM).
func (r *Repo) eol() *eolConfig {
	r.eolOnce.Do(func() {
		home := os.Getenv("HOME")
		xdg := os.Getenv("XDG_CONFIG_HOME")
		if xdg == "" && home != "" {
			xdg = filepath.Join(home, ".config")
		}
		var files []string
		if os.Getenv("GIT_CONFIG_NOSYSTEM") == "" || !attr.GitBool(os.Getenv("GIT_CONFIG_NOSYSTEM")) {
			if f := os.Getenv("GIT_CONFIG_SYSTEM"); f != "" {
				files = append(files, f)
			} else {
				files = append(files, "/etc/gitconfig")
			}
		}
		if f := os.Getenv("GIT_CONFIG_GLOBAL"); f != "" {
			files = append(files, f)
		} else {
			if xdg != "" {
				files = append(files, filepath.Join(xdg, "git", "config"))
			}
			if home != "" {
				files = append(files, filepath.Join(home, ".gitconfig"))
			}
		}
		files = append(files, filepath.Join(r.gitDir, "config"))
		var autocrlf, eol, ignorecase, attributesFile string
		var hasAutoCRLF bool
		for _, f := range files {
			data, err := regular.ReadFile(f)
			if err != nil {
				continue
			}
			cfg := format.New()
			if format.NewDecoder(bytes.NewReader(data)).Decode(cfg) != nil || !cfg.HasSection("core") {
				continue
			}
			opts := cfg.Section("core").Options
			if opts.Has("autocrlf") {
				autocrlf, hasAutoCRLF = opts.Get("autocrlf"), true
			}
			if opts.Has("eol") {
				eol = opts.Get("eol")
			}
			if opts.Has("ignorecase") {
				ignorecase = opts.Get("ignorecase")
			}
			if opts.Has("attributesfile") {
				attributesFile = opts.Get("attributesfile")
			}
		}
		c := &eolConfig{
			settings: attr.Settings{AutoCRLF: attr.ParseAutoCRLF(autocrlf, hasAutoCRLF), EOL: attr.ParseEOL(eol)},
			fold:     ignorecase != "" && attr.GitBool(ignorecase),
		}
		if attributesFile == "" && xdg != "" {
			attributesFile = filepath.Join(xdg, "git", "attributes")
		} else if strings.HasPrefix(attributesFile, "~/") && home != "" {
			attributesFile = filepath.Join(home, attributesFile[2:])
		}
		c.files.Info = readAttrFile(filepath.Join(commonDir(r.gitDir), "info", "attributes"))
		if attributesFile != "" {
			c.files.Global = readAttrFile(attributesFile)
		}
		if !attr.GitBool(os.Getenv("GIT_ATTR_NOSYSTEM")) {
			c.files.System = readAttrFile("/etc/gitattributes")
		}
		r.eolMemo = c
	})
	return r.eolMemo
}

// readAttrFile reads an attributes file outside the work tree; nil when
// there is none (or it is no regular file).
func readAttrFile(name string) []byte {
	data, err := regular.ReadFile(name)
	if err != nil {
		return nil
	}
	return data
}

// checkinAttrs is a Checker for what `git add` and `git status` see: each
// directory's .gitattributes as it is in the work tree (never through a
// link, as git 2.32 and later read it), else as the index has it.
// onDisk, when not nil, says which directories the caller saw one in,
// so that no other is opened. It returns nil when no attributes file
// exists anywhere and core.autocrlf is off: then nothing is converted,
// and nothing need be asked.
func (r *Repo) checkinAttrs(onDisk map[string]bool, inIndex func(p string) (Hash, bool)) *attr.Checker {
	cfg := r.eol()
	if onDisk != nil && len(onDisk) == 0 && !cfg.outside() {
		return nil
	}
	return attr.NewChecker(cfg.files, func(dir string) []byte {
		name := attrName(dir)
		if onDisk == nil || onDisk[dir] {
			data, err := regular.ReadFileNoFollow(index.JoinRoot(r.root, name))
			if err == nil {
				return data
			}
		}
		if inIndex != nil {
			if h, ok := inIndex(name); ok {
				return r.attrBlob(h)
			}
		}
		return nil
	}, cfg.fold)
}

// checkoutAttrs is a Checker for what `git checkout` writes into the work
// tree: each directory's .gitattributes as the tree being checked out
// has it, else as it is on disk.
func (r *Repo) checkoutAttrs(to Tree) *attr.Checker {
	cfg := r.eol()
	return attr.NewChecker(cfg.files, func(dir string) []byte {
		name := attrName(dir)
		if e, ok := to[name]; ok {
			if e.Mode != ModeRegular && e.Mode != ModeExecutable {
				return nil
			}
			return r.attrBlob(e.Hash)
		}
		data, err := regular.ReadFileNoFollow(index.JoinRoot(r.root, name))
		if err != nil {
			return nil
		}
		return data
	}, cfg.fold)
}

// attrBlob reads a .gitattributes blob, nil when it cannot be read or
// is larger than git reads (attr.MaxFile: a remote's is anyone's).
func (r *Repo) attrBlob(h Hash) []byte {
	if n, err := r.BlobSize(h); err != nil || n > attr.MaxFile {
		return nil
	}
	data, err := r.ReadBlob(h)
	if err != nil {
		return nil
	}
	return data
}

func attrName(dir string) string {
	if dir == "" {
		return ".gitattributes"
	}
	return dir + "/.gitattributes"
}

// action is what the conversion does to path p under c (nil: nothing).
func (r *Repo) action(c *attr.Checker, p string) attr.Action {
	if c == nil {
		return attr.Binary
	}
	return attr.Decide(c.Lookup(p), r.eol().settings)
}

// blobCRLF returns the question text=auto asks of a path's blob in the
// index (attr.Action.Cleans): is it text with CRLF in it? The blob is
// read only if it is asked, once; safe for use by several goroutines.
func (r *Repo) blobCRLF(h Hash, ok bool) func() bool {
	if !ok || h.IsZero() {
		return nil
	}
	var once sync.Once
	var crlf bool
	return func() bool {
		once.Do(func() {
			r.blobMu.Lock()
			data, err := r.ReadBlob(h)
			r.blobMu.Unlock()
			crlf = err == nil && attr.HasCRLFText(data)
		})
		return crlf
	}
}

// cleanFile is the blob content `git add` stores for the regular file
// full under action act: read whole, or, when over odb.BigFile, counted
// as a stream first and read whole only when it must be converted. big
// is true (and data nil) when the file is to be stored as it is, as a
// stream.
func cleanFile(full string, size int64, act attr.Action, indexCRLF func() bool) (data []byte, big bool, err error) {
	if size > odb.BigFile {
		if act == attr.Binary {
			return nil, true, nil
		}
		f, _, err := regular.Open(full, false)
		if err != nil {
			return nil, false, err
		}
		var c attr.Counter
		_, err = io.Copy(&c, f)
		f.Close()
		if err != nil {
			return nil, false, err
		}
		if !act.Cleans(c.Stats(), indexCRLF) {
			return nil, true, nil
		}
	}
	data, err = regular.ReadFileNoFollow(full)
	if err != nil {
		return nil, false, err
	}
	return act.Clean(data, indexCRLF), false, nil
}
