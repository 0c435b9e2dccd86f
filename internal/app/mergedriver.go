package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/gitdiary/diary/config"
	"github.com/gitdiary/diary/internal/atomicfile"
	"github.com/gitdiary/diary/repo"
)

// The merge driver, as gitattributes(5) "Defining a custom merge
// driver" describes: [merge "diary"] in .git/config says what to run,
// and .gitattributes sends the posts to it.
const (
	mergeDriver     = "diary"
	mergeDriverName = "diary: posts front matter key by key, tags as sets"
	mergeAttrLine   = "_posts/** merge=" + mergeDriver
)

// driverCommand is the command git runs to merge a post. git runs it
// through the shell, with the PATH of the git process (which for a GUI
// or an editor's git may lack the user's shell PATH): so it names diary
// by its bare name only when PATH finds this very binary there, where
// an upgrade in place keeps it working, and by its absolute path
// otherwise (and for a binary `go run` built, which is gone soon, by
// name). .git/config belongs to one laptop, so an absolute path there
// is this laptop's. %P is the path (git quotes it), %A %O %B the files.
func driverCommand() string {
	prog := "diary"
	if exe, err := os.Executable(); err == nil && !strings.Contains(exe, string(filepath.Separator)+"go-build") {
		onPath := false
		if p, err := exec.LookPath("diary"); err == nil {
			a, err1 := os.Stat(p)
			b, err2 := os.Stat(exe)
			onPath = err1 == nil && err2 == nil && os.SameFile(a, b)
		}
		if !onPath {
			prog = shellQuote(exe)
		}
	}
	return prog + " merge-file --path %P -L HEAD -L base -L theirs %A %O %B"
}

// shellQuote quotes s for sh, when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '/' || r == '.' || r == '-' || r == '_' || r == '+' ||
			r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// registerMergeDriver writes [merge "diary"] into .git/config, unless it
// is there already with a driver that runs diary merge-file. It reports
// whether it wrote.
func registerMergeDriver(r *repo.Repo) (bool, error) {
	if cmd, err := registeredDriver(r); err != nil || strings.Contains(cmd, "merge-file") {
		return false, err
	}
	err := r.SetConfigSection("merge", mergeDriver, [][2]string{
		{"name", mergeDriverName},
		{"driver", driverCommand()},
	})
	return err == nil, err
}

// registeredDriver returns the driver command of [merge "diary"], "" when
// there is none.
func registeredDriver(r *repo.Repo) (string, error) {
	opts, err := r.ConfigSection("merge", mergeDriver)
	if err != nil {
		return "", err
	}
	cmd := ""
	for _, kv := range opts {
		if kv[0] == "driver" {
			cmd = kv[1]
		}
	}
	return cmd, nil
}

// namesMergeDriver reports whether the work tree's .gitattributes sends
// some files to diary's merge driver.
func namesMergeDriver(dir string) bool {
	data, err := os.ReadFile(filepath.Join(dir, ".gitattributes"))
	if err != nil {
		return false
	}
	for _, l := range strings.Split(string(data), "\n") {
		for _, f := range strings.Fields(l) {
			if f == "merge="+mergeDriver {
				return true
			}
		}
	}
	return false
}

// ensureMergeAttributes adds "_posts/** merge=diary" to .gitattributes
// unless it is there; it reports whether it wrote.
func ensureMergeAttributes(dir string) (bool, error) {
	p := filepath.Join(dir, ".gitattributes")
	old, err := os.ReadFile(p)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false, fmt.Errorf("read %s: %w", p, err)
	}
	for _, l := range strings.Split(string(old), "\n") {
		if strings.Join(strings.Fields(l), " ") == mergeAttrLine {
			return false, nil
		}
	}
	content := string(old)
	if content != "" && !strings.HasSuffix(content, "\n") {
		content += "\n"
	}
	content += mergeAttrLine + "\n"
	return true, atomicfile.WriteFile(p, []byte(content), 0o644)
}

// addMergeDriver registers the merge driver in an existing diary: the
// config section, and .gitattributes, committed when it changed.
func addMergeDriver(ctx context.Context, r *repo.Repo, opts Options, res *InitResult) error {
	wrote, err := registerMergeDriver(r)
	if err != nil {
		return err
	}
	res.MergeDriver = wrote
	changed, err := ensureMergeAttributes(r.Root())
	if err != nil || !changed {
		return err
	}
	res.Files = append(res.Files, ".gitattributes")
	cfg, err := config.Load(config.LoadOptions{Env: opts.Env, Flags: opts.Flags, RepoDir: r.Root(), UserFile: opts.ConfigFile})
	if err != nil {
		return err
	}
	id, err := identity(r, cfg, opts.Env)
	if err != nil {
		return err
	}
	hash, err := r.Commit(ctx, repo.CommitOptions{
		Paths:   []string{".gitattributes"},
		Message: fmt.Sprintf("diary(%s): merge posts with diary merge-file", cfg.Host),
		Author:  repo.Signature{Name: id.Name, Email: id.Email, When: repo.CommitTime(opts.now(), opts.Env)},
	})
	if err != nil {
		return err
	}
	res.Committed = hash
	return nil
}
