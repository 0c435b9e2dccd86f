package app

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"github.com/gitdiary/diary/internal/watch"
	"github.com/gitdiary/diary/repo"
	dsync "github.com/gitdiary/diary/sync"
)

// WatchLock is the lock diary watch holds in the repository's directory
// while it runs (repo.LockNamed): a second watcher names the first from
// it, and status and doctor report it. It is not diary.lock, which the
// watcher takes only during a sync, so that new and edit work meanwhile.
const WatchLock = "diary-watch.lock"

// WatchOptions are what `diary watch` was asked for.
type WatchOptions struct {
	// Interval: how often to ask the remote for news; 0 for the
	// watch_interval setting. At least a minute.
	Interval time.Duration
	// Poll overrides Interval without its minimum (tests).
	Poll time.Duration
	// Debounce: how long after the last change to sync; 3 s when 0.
	Debounce time.Duration
	// Stop asks the watcher to stop: at once between syncs, after the
	// sync under way otherwise. Cancelling the context stops at once
	// (sync is crash-safe: nothing is lost, the next sync finishes it).
	Stop <-chan struct{}
	// Report hears what happens; nil: nobody. It is called from the
	// watcher's loop, one event at a time.
	Report func(WatchEvent)
	// Hook is given to each sync (SyncOptions.Hook): fault-injection
	// tests kill or hold the watcher at a named point of a sync.
	Hook func(point string)

	// For tests: the sync to run (d.Sync when nil), the wall clock (a
	// jump in it is a sleep and wake), how often the wall clock is
	// looked at (a minute when 0), and the first wait when offline.
	sync       func(ctx context.Context) (*dsync.Result, error)
	wall       func() time.Time
	wakeCheck  time.Duration
	backoff    time.Duration
	notifyPath func(string) (string, error)
}

// WatchEventKind names what happened.
type WatchEventKind string

// The events a watcher reports.
const (
	WatchStarted   WatchEventKind = "started"   // Dirs folders watched, Interval
	WatchSynced    WatchEventKind = "synced"    // a sync ended well (Result)
	WatchOffline   WatchEventKind = "offline"   // the first sync that found the remote unreachable (Err); said once
	WatchOnline    WatchEventKind = "online"    // the remote answers again
	WatchConflicts WatchEventKind = "conflicts" // a sync kept conflict copies (Result)
	WatchFailed    WatchEventKind = "failed"    // a sync failed (Err; Result when it got that far)
	WatchWoke      WatchEventKind = "woke"      // the wall clock jumped: the laptop slept
	WatchStopping  WatchEventKind = "stopping"  // asked to stop during a sync: it finishes first
)

// WatchEvent is one thing a watcher reports.
type WatchEvent struct {
	Kind WatchEventKind
	// Why the sync ran: "change", "interval", "wake", "start", "retry".
	Why      string
	Result   *dsync.Result
	Err      error
	Dirs     int
	Interval time.Duration
	Started  time.Time // when the sync began
	Notified string    // the desktop notifier called, if any
}

// WatchRunning says whether a watcher runs for this diary: its pid, 0
// when none does.
func (d *Diary) WatchRunning() (int, error) {
	pid, _, err := d.Repo.LockHolder(WatchLock)
	return pid, err
}

// ResultFile is where a sync that nobody watched records how it ended
// (beside the autosync log): the watcher's syncs are recorded there too.
func (d *Diary) ResultFile() (string, error) {
	log, err := logPath(d.opts)
	if err != nil {
		return "", err
	}
	return ResultPath(log), nil
}

// Watch syncs the diary a little after the writer stops changing its
// files and every interval, until asked to stop. One sync runs at a
// time; changes during a sync lead to another after it.
func (d *Diary) Watch(ctx context.Context, wo WatchOptions) error {
	interval, err := d.watchInterval(wo)
	if err != nil {
		return err
	}
	if wo.Debounce <= 0 {
		wo.Debounce = 3 * time.Second
	}
	if wo.sync == nil {
		wo.sync = func(ctx context.Context) (*dsync.Result, error) { return d.Sync(ctx, SyncOptions{Hook: wo.Hook}) }
	}
	if wo.wall == nil {
		wo.wall = time.Now
	}
	if wo.wakeCheck <= 0 {
		wo.wakeCheck = min(time.Minute, interval)
	}
	if wo.backoff <= 0 {
		wo.backoff = min(10*time.Second, interval)
	}
	if wo.notifyPath == nil {
		wo.notifyPath = exec.LookPath
	}
	report := func(e WatchEvent) {
		if wo.Report != nil {
			wo.Report(e)
		}
	}

	unlock, err := d.Repo.LockNamed(ctx, WatchLock, 0)
	var held *repo.HeldError
	if errors.As(err, &held) && held.Pid > 0 {
		return fmt.Errorf("diary watch is already running for %s (pid %d on %s): leave it be, or stop it first", d.Root, held.Pid, held.Host)
	}
	if err != nil {
		return fmt.Errorf("watch %s: %w", d.Root, err)
	}
	defer unlock()

	tree, err := watch.New(d.Root)
	if err != nil {
		return err
	}
	defer tree.Close()
	report(WatchEvent{Kind: WatchStarted, Dirs: len(tree.Watched()), Interval: interval})

	l := &watchLoop{d: d, wo: wo, report: report, interval: interval}
	return l.run(ctx, tree)
}

// watchInterval is --interval (at least a minute), or the hidden poll of
// tests, or watch_interval.
func (d *Diary) watchInterval(wo WatchOptions) (time.Duration, error) {
	switch {
	case wo.Poll > 0:
		return wo.Poll, nil
	case wo.Interval < 0 || (wo.Interval > 0 && wo.Interval < time.Minute):
		return 0, Usagef("--interval %s: say at least 1m (the remote is asked once per interval)", wo.Interval)
	case wo.Interval > 0:
		return wo.Interval, nil
	case d.Config.WatchInterval > 0:
		return d.Config.WatchInterval, nil
	}
	return 5 * time.Minute, nil
}

// watchLoop is the state of a running watcher. Its timers: the poll
// timer (the interval, or the back-off while offline), the debounce
// timer (armed only after a change), and the wall-clock look (a minute):
// nothing wakes the process more often while the writer does nothing.
type watchLoop struct {
	d        *Diary
	wo       WatchOptions
	report   func(WatchEvent)
	interval time.Duration

	offline bool
	wait    time.Duration // the back-off while offline
	failed  string        // the last failure said
}

type syncDone struct {
	res     *dsync.Result
	err     error
	why     string
	started time.Time
}

func (l *watchLoop) run(ctx context.Context, tree *watch.Tree) error {
	poll := time.NewTimer(0) // a first sync at start: what changed while nobody watched
	defer poll.Stop()
	debounce := time.NewTimer(time.Hour)
	debounce.Stop()
	defer debounce.Stop()
	wake := time.NewTicker(l.wo.wakeCheck)
	defer wake.Stop()
	lastLook := l.wo.wall().Round(0)

	var done chan syncDone // non-nil while a sync runs
	why := "start"
	changed := false // files changed while a sync ran
	// pending: a change is waiting for the writer's quiet; a poll that
	// falls due meanwhile waits for it too (pollDue), so that no sync
	// commits a half-saved entry.
	pending, pollDue := false, false
	stopping := false
	stop := l.wo.Stop

	start := func(reason string) {
		done = make(chan syncDone, 1)
		started := time.Now()
		go func() {
			res, err := l.wo.sync(ctx)
			done <- syncDone{res, err, reason, started}
		}()
	}
	// ask starts a sync unless one runs: then a change leads to another
	// after it, and a poll is answered by the one running (it fetches).
	ask := func(reason string) {
		if done != nil {
			changed = changed || reason == "change"
			return
		}
		start(reason)
	}

	for {
		select {
		case <-ctx.Done():
			if done != nil {
				<-done
				return errors.New("stopped in the middle of a sync: nothing is lost; the next diary sync finishes it")
			}
			return nil
		case <-stop:
			stop = nil
			if done == nil {
				return nil
			}
			stopping = true
			l.report(WatchEvent{Kind: WatchStopping})
		case <-tree.Changed:
			pending = true
			debounce.Reset(l.wo.Debounce)
		case err := <-tree.Err:
			l.report(WatchEvent{Kind: WatchFailed, Why: "watch", Err: err})
		case <-debounce.C:
			pending = false
			if done == nil && !l.hasChanges(ctx) {
				// Nothing to commit (a file touched and put back, or the
				// files a sync itself wrote): no need to ask the remote,
				// unless a poll waited for this quiet.
				if pollDue {
					pollDue = false
					ask(why)
				}
				continue
			}
			pollDue = false
			ask("change") // it fetches too: the poll is answered
		case <-poll.C:
			if pending {
				pollDue = true
				continue
			}
			ask(why)
		case <-wake.C:
			now := l.wo.wall().Round(0)
			if gap := now.Sub(lastLook); gap > 2*l.wo.wakeCheck+l.wo.wakeCheck/2 {
				// The ticker runs on the monotonic clock, which stands
				// still while the laptop sleeps; the wall clock does not.
				l.report(WatchEvent{Kind: WatchWoke})
				ask("wake")
			}
			lastLook = now
		case r := <-done:
			done = nil
			l.finished(r)
			if stopping {
				return nil
			}
			next := l.interval
			why = "interval"
			switch {
			case l.offline:
				next, why = l.wait, "retry"
				l.wait = min(2*l.wait, l.interval)
			case errors.Is(r.err, repo.ErrBusyDiary):
				// Another diary (new, edit, a sync by hand) holds the
				// lock for a moment: soon, not in an interval.
				next, why = l.wo.backoff, "retry"
			}
			poll.Reset(next)
			if changed {
				// The writer may still be at it: wait for the quiet.
				pending = true
				debounce.Reset(l.wo.Debounce)
				changed = false
			}
		}
	}
}

// hasChanges says whether the work tree has anything to commit; on an
// error it says yes, and the sync says what is wrong.
func (l *watchLoop) hasChanges(ctx context.Context) bool {
	ch, err := l.d.Repo.Changes(ctx)
	return err != nil || len(ch) > 0
}

// finished reports how a sync ended, and keeps track of being offline.
func (l *watchLoop) finished(r syncDone) {
	e := WatchEvent{Why: r.why, Result: r.res, Err: r.err, Started: r.started}
	wasOffline := l.offline
	if r.err == nil {
		l.failed = ""
	}
	l.offline = errors.Is(r.err, dsync.ErrOffline)
	switch {
	case errors.Is(r.err, repo.ErrBusyDiary):
		l.offline = wasOffline // nothing learnt of the remote
		return                 // tried again soon
	case l.offline:
		if wasOffline {
			return // said once
		}
		l.wait = l.wo.backoff
		e.Kind = WatchOffline
	case r.err != nil:
		if r.err.Error() == l.failed {
			return // said already; said again when it changes
		}
		l.failed = r.err.Error()
		e.Kind = WatchFailed
		if errors.Is(r.err, dsync.ErrUnpublishable) {
			e.Notified = l.notify("diary: not published", r.err.Error())
		}
	case r.res != nil && len(r.res.Conflicts) > 0:
		e.Kind = WatchConflicts
		var paths []string
		for _, c := range r.res.Conflicts {
			paths = append(paths, c.Path)
		}
		e.Notified = l.notify("diary: conflicts", "both laptops changed "+strings.Join(paths, ", ")+": settle them with diary resolve")
	default:
		e.Kind = WatchSynced
	}
	if wasOffline && !l.offline {
		l.report(WatchEvent{Kind: WatchOnline})
	}
	l.report(e)
}

// notify shows a desktop notification where a notifier is installed:
// notify-send (freedesktop.org's, on Linux and the BSDs) or osascript's
// "display notification" on macOS. It returns the notifier's name, or ""
// when there is none; its failures are not diary's (the message is said
// on stderr anyway).
func (l *watchLoop) notify(title, msg string) string {
	var cmd *exec.Cmd
	if runtime.GOOS == "darwin" {
		p, err := l.wo.notifyPath("osascript")
		if err != nil {
			return ""
		}
		cmd = exec.Command(p, "-e", fmt.Sprintf("display notification %s with title %s", appleString(msg), appleString(title)))
	} else {
		p, err := l.wo.notifyPath("notify-send")
		if err != nil {
			return ""
		}
		cmd = exec.Command(p, "--app-name=diary", title, msg)
	}
	if err := cmd.Start(); err != nil {
		return ""
	}
	// Waited for in the background: a notifier that hangs (no session
	// bus) must not hold the watcher up.
	go cmd.Wait()
	return cmd.Path
}

// appleString quotes s as an AppleScript string literal: in double
// quotes, with backslash and double quote escaped by a backslash
// (AppleScript Language Guide, "Class Reference: text").
func appleString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(s) + `"`
}
