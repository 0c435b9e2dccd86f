package app

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"runtime"

	"github.com/gitdiary/diary/internal/schedule"
)

// AutosyncReport is what `diary autosync status` (and status, doctor)
// say about unattended syncs.
type AutosyncReport struct {
	Schedule schedule.Installed `json:"schedule"`
	Log      string             `json:"log"`
	// Last is how the last unattended sync (scheduled, or started after a
	// commit) ended; nil when none has.
	Last *schedule.Result `json:"last,omitempty"`
	// Removed lists what autosync off removed.
	Removed []string `json:"removed,omitempty"`
}

// stateDir is where the autosync log and result live.
func stateDir(opts Options) (string, error) {
	dir := schedule.StateDir(schedule.Env(opts.Env))
	if dir == "" {
		return "", errors.New("neither XDG_STATE_HOME nor HOME is set, so there is nowhere to keep the autosync log: set HOME")
	}
	return dir, nil
}

func logPath(opts Options) (string, error) {
	dir, err := stateDir(opts)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, schedule.LogName), nil
}

// ResultPath is where the unattended sync that logs to log records how it
// ended: beside the log.
func ResultPath(log string) string {
	return filepath.Join(filepath.Dir(log), schedule.ResultName)
}

// scheduler is this platform's, or the one DIARY_TEST_SCHEDULER pins.
func scheduler(ctx context.Context, opts Options) (schedule.Scheduler, error) {
	pin, _ := opts.Env("DIARY_TEST_SCHEDULER")
	return schedule.Pick(ctx, schedule.Env(opts.Env), runtime.GOOS, pin)
}

// AutosyncOn installs the scheduled `diary sync` of the diary every
// watch_interval, run by self (this binary's absolute path). Run again, it
// replaces what it installed (a new interval, path or binary).
func AutosyncOn(ctx context.Context, opts Options, self string) (*AutosyncReport, error) {
	d, err := Open(opts)
	if err != nil {
		return nil, err
	}
	if self == "" || !filepath.IsAbs(self) {
		return nil, fmt.Errorf("autosync on: cannot tell where this diary binary is (%q): run it by its full path", self)
	}
	log, err := logPath(opts)
	if err != nil {
		return nil, err
	}
	s, err := scheduler(ctx, opts)
	if err != nil {
		return nil, err
	}
	job := schedule.Job{Exe: self, Repo: d.Root, Log: log, Interval: d.Config.WatchInterval}
	inst, err := s.Install(ctx, job)
	if err != nil {
		return nil, fmt.Errorf("autosync on (%s): %w: see diary doctor, or sync by hand with diary sync", s.Name(), err)
	}
	inst.Command = fmt.Sprintf("%q every %s", job.Argv(), d.Config.WatchInterval)
	return &AutosyncReport{Schedule: inst, Log: log}, nil
}

// AutosyncOff removes what AutosyncOn installed, and nothing else.
func AutosyncOff(ctx context.Context, opts Options) (*AutosyncReport, error) {
	s, err := scheduler(ctx, opts)
	if err != nil {
		return nil, err
	}
	removed, err := s.Remove(ctx)
	if err != nil {
		return nil, fmt.Errorf("autosync off (%s): %w: remove it by hand", s.Name(), err)
	}
	return &AutosyncReport{Schedule: schedule.Installed{Backend: s.Name()}, Removed: removed}, nil
}

// AutosyncStatus says what is installed and how the last unattended sync
// ended.
func AutosyncStatus(ctx context.Context, opts Options) (*AutosyncReport, error) {
	s, err := scheduler(ctx, opts)
	if err != nil {
		return nil, err
	}
	inst, err := s.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("autosync status (%s): %w", s.Name(), err)
	}
	r := &AutosyncReport{Schedule: inst}
	r.Log, r.Last, err = lastUnattended(opts)
	return r, err
}

// lastUnattended reads how the last unattended sync ended.
func lastUnattended(opts Options) (string, *schedule.Result, error) {
	log, err := logPath(opts)
	if err != nil {
		return "", nil, err
	}
	last, err := schedule.ReadResult(ResultPath(log))
	return log, last, err
}

// UnattendedFailure is a warning about the last unattended sync of this
// diary when it did not end well ("" otherwise): a conflict, a lint
// failure or being offline in the background must not go unseen.
func (d *Diary) UnattendedFailure() string {
	log, last, err := lastUnattended(d.opts)
	if err != nil {
		return err.Error()
	}
	if last == nil || last.OK() || last.Repo != d.Root {
		return ""
	}
	return fmt.Sprintf("the last unattended sync (%s) ended with exit %d: %s; see %s, or run diary sync", last.Ended.Local().Format("2006-01-02 15:04"), last.Exit, last.Reason, log)
}

// startSync starts `diary sync` of this diary in a session of its own,
// its output appended to the autosync log, and does not wait for it:
// autosync's sync after a commit. The command returns at once; a failure
// to start is said, and nothing is lost (the commit is made).
func (d *Diary) startSync() {
	if err := d.spawnSync(); err != nil {
		d.opts.warn(fmt.Sprintf("autosync: the sync after this commit did not start (%v): run diary sync", err))
	}
}

func (d *Diary) spawnSync() error {
	if d.opts.Self == "" {
		return errors.New("this binary's path is unknown")
	}
	log, err := logPath(d.opts)
	if err != nil {
		return err
	}
	cmd := exec.Command(d.opts.Self, schedule.Job{Repo: d.Root, Log: log}.Args()...)
	// No stdin, stdout or stderr: the sync writes to the log itself, and
	// holding the writer's terminal or pipe would keep a caller such as
	// $(diary new …) waiting for it.
	schedule.Detach(cmd)
	if err := cmd.Start(); err != nil {
		return err
	}
	return cmd.Process.Release()
}
