package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/gitdiary/diary/internal/app"
	"github.com/gitdiary/diary/internal/schedule"
	dsync "github.com/gitdiary/diary/sync"
)

func newSyncCmd(g *globals) *cobra.Command {
	var so app.SyncOptions
	var asJSON bool
	var logFile string
	var held []string
	c := &cobra.Command{
		Use: "sync",
		Example: `  diary sync
  diary sync --dry-run               # what it would do
  diary sync --json -q | jq .state`,
		Short: "Commit, fetch, merge the other laptops' entries, and push",
		Long: `Commit every change in the diary, fetch the remote, merge what the other
laptops wrote (entry by entry; what cannot be merged is kept as a conflict
copy in _conflicts/), and push. A post that would break the site (conflict
markers, front matter Jekyll cannot read, a value that fails the build) is
held back alone: it stays here as it is, out of what is pushed, and is named
with the fix, while everything else is committed and pushed.

Exit codes: 0 done; 1 failed (nothing lost), also when a post was held back;
3 offline (committed, not pushed); 4 done, with conflict copies to settle
(diary status, diary resolve).`,
		Args: args(cobra.NoArgs),
		RunE: func(c *cobra.Command, _ []string) error {
			if logFile != "" {
				return unattended(c, g, logFile, &held, func() error { return runSync(c, g, so, asJSON, &held) })
			}
			return runSync(c, g, so, asJSON, &held)
		},
	}
	c.Flags().BoolVar(&so.NoPush, "no-push", false, "commit, fetch and merge, but do not push")
	c.Flags().BoolVar(&so.DryRun, "dry-run", false, "say what would be done, and change nothing")
	c.Flags().BoolVar(&asJSON, "json", false, "print the result as a JSON object on stdout")
	// --log is how autosync runs sync: unattended, its output appended to
	// the log, and how it ended recorded beside it for status.
	c.Flags().StringVar(&logFile, "log", "", "append the output to FILE (rotated at 1 MB) and record how the sync ended beside it")
	_ = c.Flags().MarkHidden("log")
	return c
}

func runSync(c *cobra.Command, g *globals, so app.SyncOptions, asJSON bool, held *[]string) error {
	d, err := app.Open(g.options())
	if err != nil {
		return err
	}
	if !asJSON {
		so.Progress = progress(g)
	}
	res, err := d.Sync(c.Context(), so)
	if res != nil {
		for _, w := range res.Warnings {
			g.warn("%s", w)
		}
	}
	if asJSON && res != nil {
		if jerr := writeJSON(g, res); jerr != nil {
			return jerr
		}
	} else if res != nil {
		reportSync(g, res)
	}
	if res != nil {
		*held = res.Unpublishable
	}
	return syncExit(res, err)
}

// syncExit is the error (and so the exit code) of a sync that returned
// res and err: offline 3, conflict copies kept 4.
func syncExit(res *dsync.Result, err error) error {
	switch {
	case errors.Is(err, dsync.ErrOffline):
		return &exitError{code: exitOffline, err: err}
	case err != nil:
		return err
	case res != nil && len(res.Conflicts) > 0:
		return &exitError{code: exitConflicts}
	}
	return nil
}

// unattended runs the sync run with its output appended to the log at
// path, then records how it ended beside the log, for autosync status,
// status and doctor. The log is rotated before it is opened.
func unattended(c *cobra.Command, g *globals, path string, held *[]string, run func() error) error {
	f, err := schedule.OpenLog(path)
	if err != nil {
		return err
	}
	defer f.Close()
	g.sys.Stdout, g.sys.Stderr, g.sys.StderrTTY = f, f, false
	root := g.repo
	if a, aerr := filepath.Abs(root); aerr == nil && root != "" {
		root = a
	}
	r := schedule.Result{Repo: root, Started: time.Now()}
	fmt.Fprintf(f, "%s diary sync of %s (pid %d)\n", r.Started.Format(time.RFC3339), root, os.Getpid())
	err = run()
	if msg := outcome(c, &r, err, *held); msg != "" {
		fmt.Fprintf(f, "diary: %s\n", msg)
	}
	fmt.Fprintf(f, "%s exit %d: %s\n", r.Ended.Format(time.RFC3339), r.Exit, r.Reason)
	if werr := schedule.WriteResult(app.ResultPath(path), r); werr != nil {
		fmt.Fprintf(f, "diary: record the result: %v\n", werr)
	}
	if err != nil {
		// Said in the log: cron would mail it again, for each run.
		return &exitError{code: r.Exit}
	}
	return nil
}

// outcome fills in how an unattended sync that returned err (syncExit's)
// ended, held naming the posts it did not publish, and returns the
// error's whole message when there is one to say.
func outcome(c *cobra.Command, r *schedule.Result, err error, held []string) (msg string) {
	r.Ended, r.Reason = time.Now(), "done"
	if err != nil {
		r.Exit = exitCode(err)
		var ex *exitError
		switch {
		case errors.As(err, &ex) && ex.err == nil && ex.code == exitConflicts:
			r.Reason = "kept conflict copies: settle them with diary resolve (see diary status)"
		case errors.As(err, &ex) && ex.err == nil:
			r.Reason = fmt.Sprintf("exit status %d", ex.code)
		default:
			msg = strings.TrimSpace(message(err, c))
			r.Reason, _, _ = strings.Cut(msg, "\n")
		}
	} else if len(held) > 0 {
		r.Held = held
		r.Reason = fmt.Sprintf("not published until fixed: %s", strings.Join(held, "; "))
	}
	return msg
}

// reportSync is the short human summary, on stderr.
func reportSync(g *globals, r *dsync.Result) {
	would := ""
	if r.DryRun {
		would = "would have "
	}
	if n := len(r.Committed); n > 0 {
		g.note("%scommitted %s: %s", would, plural(n, "change"), summary(r.Committed))
	}
	remote := r.Remote + "/" + r.Branch
	switch r.State {
	case dsync.LocalOnly:
		g.note("no remote named %s: the diary is local only (give it one with diary init --remote URL)", r.Remote)
	case dsync.UpToDate:
		g.note("up to date with %s", remote)
	case dsync.NewBranch:
		g.note("%s does not exist yet: pushing creates it", remote)
	}
	if r.FastForwarded || (r.DryRun && r.State == dsync.Behind) {
		g.note("%sreceived %s from %s", would, plural(len(r.Received), "change"), remote)
	}
	if r.Merged || (r.DryRun && r.State == dsync.Diverged) {
		g.note("%smerged %s (%s)", would, remote, plural(len(r.Received), "change"))
	}
	for _, m := range r.Moved {
		g.note("both laptops wrote %s: this laptop's is now %s", m[0], m[1])
	}
	for _, c := range r.Conflicts {
		g.note("conflict: %s kept the remote version; this laptop's is in %s: settle it with diary resolve %s", c.Path, c.Copy, c.Path)
	}
	if r.Pushed {
		g.note("pushed to %s", remote)
	} else if r.DryRun && (r.State == dsync.Ahead || r.State == dsync.Diverged || r.State == dsync.NewBranch) {
		g.note("would have pushed to %s", remote)
	}
	// The reasons and the fix follow in the error (exit 1).
	for _, h := range r.Held {
		g.note("%sheld back %s: not pushed", would, h.Path)
	}
}

// summary names a few paths and counts the rest: a sync of thousands of
// files says so on one line (the commit message and --json have them all).
func summary(paths []string) string {
	const shown = 3
	if len(paths) <= shown+2 {
		return strings.Join(paths, ", ")
	}
	return fmt.Sprintf("%s, and %d more", strings.Join(paths[:shown], ", "), len(paths)-shown)
}

func plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
