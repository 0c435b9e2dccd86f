package main

import (
	"context"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/gitdiary/diary/internal/app"
	"github.com/gitdiary/diary/internal/schedule"
	dsync "github.com/gitdiary/diary/sync"
)

// watchHook is given to the watcher's syncs (app.WatchOptions.Hook).
// Nothing in diary sets it: the fault-injection tests build diary with
// one more file (go build -overlay) that does.
var watchHook func(point string)

func newWatchCmd(g *globals) *cobra.Command {
	var wo app.WatchOptions
	c := &cobra.Command{
		Use: "watch",
		Example: `  diary watch
  diary watch --interval 15m`,
		Short: "Stay in the foreground: sync after each change and every watch_interval",
		Long: `diary watch watches the diary's files and syncs a few seconds after
you stop changing them (an editor's save is one commit), and every
watch_interval (default 5m; --interval overrides it) to fetch what the
other laptops wrote. It syncs once when it starts and soon after the
laptop wakes from sleep. Offline, it says so once and tries again less
and less often (up to the interval). Conflict copies and posts not fit
to publish are said on stderr and, where notify-send (or macOS's
osascript) is installed, on the desktop.

Ctrl-C (or SIGTERM) stops it: at once between syncs, after the sync
under way otherwise; a second one stops at once (nothing is lost: the
next diary sync finishes what was cut short). One watcher runs per
diary; it does not keep new or edit from running. diary status says
whether one runs.

Exit codes: 0 stopped by Ctrl-C or SIGTERM (a stop is how a watcher
ends, not a failure); 1 it could not start (another watcher runs, the
diary cannot be watched), or a second SIGTERM cut a sync short; 130 a
second Ctrl-C cut a sync short, as for every command.`,
		Args: args(cobra.NoArgs),
		RunE: func(c *cobra.Command, _ []string) error { return runWatch(c, g, wo) },
	}
	c.Flags().DurationVar(&wo.Interval, "interval", 0, "fetch the other laptops' entries this often (at least 1m; default: watch_interval)")
	// For tests: a shorter quiet, and an interval below the minute.
	c.Flags().DurationVar(&wo.Debounce, "debounce", 3*time.Second, "sync this long after the last change")
	c.Flags().DurationVar(&wo.Poll, "poll", 0, "the interval, without its minimum")
	_ = c.Flags().MarkHidden("debounce")
	_ = c.Flags().MarkHidden("poll")
	return c
}

func runWatch(c *cobra.Command, g *globals, wo app.WatchOptions) error {
	d, err := app.Open(g.options())
	if err != nil {
		return err
	}
	// The first signal asks the watcher to stop after the sync under way;
	// the second cancels it. (Main's context, cancelled by the first
	// Ctrl-C, would cut the sync short at once.)
	ctx, cancel := context.WithCancel(context.WithoutCancel(c.Context()))
	defer cancel()
	stop := make(chan struct{})
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	go func() {
		select {
		case <-sigs:
			close(stop)
		case <-ctx.Done():
			return
		}
		select {
		case <-sigs:
			cancel()
		case <-ctx.Done():
		}
	}()
	wo.Stop = stop
	wo.Hook = watchHook
	result, rerr := d.ResultFile()
	if rerr != nil {
		g.warn("%v: how watch's syncs end is not recorded for diary status", rerr)
	}
	wo.Report = func(e app.WatchEvent) {
		reportWatch(c, g, d.Root, e)
		if result != "" && e.Started != (time.Time{}) {
			recordWatch(c, g, result, d.Root, e)
		}
	}
	return d.Watch(ctx, wo)
}

// reportWatch says what the watcher did, on stderr: a sync only when it
// did something, being offline once, conflicts and failures as warnings.
func reportWatch(c *cobra.Command, g *globals, root string, e app.WatchEvent) {
	if e.Result != nil {
		for _, w := range e.Result.Warnings {
			g.warn("%s", w)
		}
	}
	switch e.Kind {
	case app.WatchStarted:
		g.note("watching %s (%d folders): syncing after each change and every %s; Ctrl-C stops", home(g, root), e.Dirs, e.Interval)
	case app.WatchSynced:
		if busy(e.Result) {
			reportSync(g, e.Result)
		}
	case app.WatchConflicts:
		reportSync(g, e.Result)
		var paths []string
		for _, cf := range e.Result.Conflicts {
			paths = append(paths, cf.Path)
		}
		g.warn("conflict copies kept for %s: settle them with diary resolve (see diary status)", strings.Join(paths, ", "))
	case app.WatchOffline:
		g.warn("%s; diary watch tries again, less and less often", message(e.Err, c))
	case app.WatchOnline:
		g.note("online again")
	case app.WatchFailed:
		g.warn("%s", message(e.Err, c))
	case app.WatchWoke:
		g.note("the laptop slept: syncing now")
	case app.WatchStopping:
		g.note("stopping after the sync under way (again to stop at once; nothing is lost)")
	}
}

// busy says whether a sync did anything worth saying.
func busy(r *dsync.Result) bool {
	return r != nil && (len(r.Committed) > 0 || r.FastForwarded || r.Merged || r.Pushed || len(r.Moved) > 0)
}

// recordWatch records how a watcher's sync ended where autosync's
// unattended syncs record theirs, so that status, doctor and the next
// command show a conflict or a failure the writer did not see.
func recordWatch(c *cobra.Command, g *globals, path, root string, e app.WatchEvent) {
	r := schedule.Result{Repo: root, Started: e.Started}
	var held []string
	if e.Result != nil {
		held = e.Result.Unpublishable
	}
	outcome(c, &r, syncExit(e.Result, e.Err), held)
	if err := schedule.WriteResult(path, r); err != nil {
		g.warn("record how the sync ended: %v", err)
	}
}
