package schedule

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/gitdiary/diary/internal/atomicfile"
)

// Env looks up an environment variable: os.LookupEnv outside tests.
type Env func(string) (string, bool)

func (env Env) get(k string) string {
	v, _ := env(k)
	return v
}

func home(env Env) string {
	if h := env.get("HOME"); h != "" {
		return h
	}
	return env.get("USERPROFILE")
}

// StateDir is $XDG_STATE_HOME/diary, else ~/.local/state/diary (the XDG
// Base Directory Specification's state directory: kept between runs, not
// worth backing up); "" when neither variable is usable.
func StateDir(env Env) string {
	if x := env.get("XDG_STATE_HOME"); x != "" && filepath.IsAbs(x) {
		return filepath.Join(x, "diary")
	}
	if h := home(env); h != "" {
		return filepath.Join(h, ".local", "state", "diary")
	}
	return ""
}

// configDir is $XDG_CONFIG_HOME, else ~/.config.
func configDir(env Env) string {
	if x := env.get("XDG_CONFIG_HOME"); x != "" && filepath.IsAbs(x) {
		return x
	}
	return filepath.Join(home(env), ".config")
}

// Installed is what a Scheduler found installed.
type Installed struct {
	Backend string   `json:"backend"`
	On      bool     `json:"on"`
	What    []string `json:"what,omitempty"` // files, the crontab line or the task's name
	Command string   `json:"command,omitempty"`
	Next    string   `json:"next,omitempty"` // the next run, where the platform says
}

// A Scheduler installs the job where this platform runs per-user jobs.
// Install and Remove are idempotent; Remove removes what Install wrote
// and nothing else.
type Scheduler interface {
	Name() string
	Install(ctx context.Context, j Job) (Installed, error)
	Remove(ctx context.Context) (removed []string, err error)
	Status(ctx context.Context) (Installed, error)
}

// Names of the backends, as DIARY_TEST_SCHEDULER pins them.
const (
	Systemd  = "systemd"
	Cron     = "cron"
	Launchd  = "launchd"
	Schtasks = "schtasks"
)

// probeTimeout bounds the question to systemd's user manager; one that
// answers does so in milliseconds.
const probeTimeout = 3 * time.Second

// Pick is the scheduler of this platform: launchd on macOS, Task
// Scheduler on Windows, on other systems a systemd user manager when one
// answers, else cron. pin (DIARY_TEST_SCHEDULER in tests) names one.
func Pick(ctx context.Context, env Env, goos, pin string) (Scheduler, error) {
	name := pin
	if name == "" {
		switch goos {
		case "darwin":
			name = Launchd
		case "windows":
			name = Schtasks
		default:
			name = Cron
			if _, err := exec.LookPath("systemctl"); err == nil {
				// A user manager that answers is one that can run the
				// timer; without a user bus (a container, an ssh
				// session without lingering) cron is what runs.
				// Bounded: status and doctor ask on every run, and a
				// wedged bus would hold them for D-Bus's own 25 s.
				pctx, cancel := context.WithTimeout(ctx, probeTimeout)
				if exec.CommandContext(pctx, "systemctl", "--user", "show-environment").Run() == nil {
					name = Systemd
				}
				cancel()
			}
		}
	}
	switch name {
	case Systemd:
		return &systemd{dir: filepath.Join(configDir(env), "systemd", "user")}, nil
	case Cron:
		return &cron{}, nil
	case Launchd:
		return &launchd{path: filepath.Join(home(env), "Library", "LaunchAgents", Label+".plist")}, nil
	case Schtasks:
		return &schtasks{dir: StateDir(env)}, nil
	}
	return nil, fmt.Errorf("scheduler %q: use one of %s, %s, %s, %s", name, Systemd, Cron, Launchd, Schtasks)
}

// run runs a program and returns its standard output; a failure carries
// its standard error.
func run(ctx context.Context, stdin []byte, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return stdout.Bytes(), fmt.Errorf("%s %s: %s", name, strings.Join(args, " "), msg)
	}
	return stdout.Bytes(), nil
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

// remove removes p; a file already gone is no error.
func remove(p string) (bool, error) {
	err := os.Remove(p)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

// systemd: a user service and timer in ~/.config/systemd/user.
type systemd struct{ dir string }

func (s *systemd) Name() string { return Systemd }

func (s *systemd) files() (svc, tmr string) {
	return filepath.Join(s.dir, Unit+".service"), filepath.Join(s.dir, Unit+".timer")
}

func (s *systemd) Install(ctx context.Context, j Job) (Installed, error) {
	svc, tmr := s.files()
	if err := atomicfile.WriteFile(svc, []byte(SystemdService(j)), 0o644); err != nil {
		return Installed{}, err
	}
	if err := atomicfile.WriteFile(tmr, []byte(SystemdTimer(j)), 0o644); err != nil {
		return Installed{}, err
	}
	if _, err := run(ctx, nil, "systemctl", "--user", "daemon-reload"); err != nil {
		return Installed{}, err
	}
	if _, err := run(ctx, nil, "systemctl", "--user", "enable", "--now", Unit+".timer"); err != nil {
		return Installed{}, err
	}
	return s.Status(ctx)
}

func (s *systemd) Remove(ctx context.Context) ([]string, error) {
	svc, tmr := s.files()
	if !exists(svc) && !exists(tmr) {
		return nil, nil
	}
	// A timer that was never enabled is not an error: the files go.
	_, _ = run(ctx, nil, "systemctl", "--user", "disable", "--now", Unit+".timer")
	var removed []string
	for _, p := range []string{tmr, svc} {
		ok, err := remove(p)
		if err != nil {
			return removed, err
		}
		if ok {
			removed = append(removed, p)
		}
	}
	_, _ = run(ctx, nil, "systemctl", "--user", "daemon-reload")
	return removed, nil
}

func (s *systemd) Status(ctx context.Context) (Installed, error) {
	svc, tmr := s.files()
	st := Installed{Backend: Systemd}
	if !exists(tmr) {
		return st, nil
	}
	st.On = true
	st.What = []string{svc, tmr}
	// The timer is monotonic (OnUnitInactiveSec), so show's
	// NextElapseUSecRealtime is empty; list-timers gives the wall time.
	if out, err := run(ctx, nil, "systemctl", "--user", "list-timers", Unit+".timer", "--no-legend", "--no-pager"); err == nil {
		st.Next = timerNext(string(out))
	}
	return st, nil
}

// timerNext is the NEXT column of systemctl list-timers' line: its
// first four words ("Wed 2026-12-02 18:05:00 KST"), "" when it is n/a.
func timerNext(out string) string {
	f := strings.Fields(out)
	if len(f) < 4 || f[0] == "n/a" || f[0] == "-" {
		return ""
	}
	return strings.Join(f[:4], " ")
}

// cron: one line in the user's crontab, read with crontab -l and
// written with crontab -.
type cron struct{}

func (c *cron) Name() string { return Cron }

func (c *cron) read(ctx context.Context) (string, error) {
	out, err := run(ctx, nil, "crontab", "-l")
	if err != nil {
		// "no crontab for kim" is an empty crontab, not a failure.
		if strings.Contains(err.Error(), "no crontab") {
			return "", nil
		}
		return "", err
	}
	return string(out), nil
}

func (c *cron) Install(ctx context.Context, j Job) (Installed, error) {
	old, err := c.read(ctx)
	if err != nil {
		return Installed{}, err
	}
	line := CronLine(j)
	if CronFind(old) != line {
		if _, err := run(ctx, []byte(CronWith(old, line)), "crontab", "-"); err != nil {
			return Installed{}, err
		}
	}
	return c.Status(ctx)
}

func (c *cron) Remove(ctx context.Context) ([]string, error) {
	old, err := c.read(ctx)
	if err != nil {
		return nil, err
	}
	line := CronFind(old)
	rest, found := CronWithout(old)
	if !found {
		return nil, nil
	}
	if rest == "" {
		// The crontab held only autosync's line: remove it as it was
		// before on made it.
		_, err = run(ctx, nil, "crontab", "-r")
	} else {
		_, err = run(ctx, []byte(rest), "crontab", "-")
	}
	if err != nil {
		return nil, err
	}
	return []string{"crontab line " + line}, nil
}

func (c *cron) Status(ctx context.Context) (Installed, error) {
	tab, err := c.read(ctx)
	if err != nil {
		return Installed{Backend: Cron}, err
	}
	line := CronFind(tab)
	if line == "" {
		return Installed{Backend: Cron}, nil
	}
	return Installed{Backend: Cron, On: true, What: []string{"crontab line " + line}}, nil
}

// launchd: a per-user agent, loaded with launchctl bootstrap gui/<uid>.
type launchd struct{ path string }

func (l *launchd) Name() string { return Launchd }

func domain() string { return fmt.Sprintf("gui/%d", os.Getuid()) }

func (l *launchd) Install(ctx context.Context, j Job) (Installed, error) {
	if err := atomicfile.WriteFile(l.path, []byte(LaunchdPlist(j)), 0o644); err != nil {
		return Installed{}, err
	}
	// bootstrap refuses an agent that is loaded: bootout first, so that
	// a changed interval or path is taken.
	_, _ = run(ctx, nil, "launchctl", "bootout", domain()+"/"+Label)
	if _, err := run(ctx, nil, "launchctl", "bootstrap", domain(), l.path); err != nil {
		return Installed{}, err
	}
	return l.Status(ctx)
}

func (l *launchd) Remove(ctx context.Context) ([]string, error) {
	if !exists(l.path) {
		return nil, nil
	}
	_, _ = run(ctx, nil, "launchctl", "bootout", domain()+"/"+Label)
	if _, err := remove(l.path); err != nil {
		return nil, err
	}
	return []string{l.path}, nil
}

func (l *launchd) Status(ctx context.Context) (Installed, error) {
	if !exists(l.path) {
		return Installed{Backend: Launchd}, nil
	}
	return Installed{Backend: Launchd, On: true, What: []string{l.path}}, nil
}

// schtasks: a Task Scheduler task named Label, created from the XML.
type schtasks struct{ dir string }

func (s *schtasks) Name() string { return Schtasks }

func (s *schtasks) Install(ctx context.Context, j Job) (Installed, error) {
	p := filepath.Join(s.dir, "autosync-task.xml")
	if err := atomicfile.WriteFile(p, utf16LE(TaskXML(j)), 0o644); err != nil {
		return Installed{}, err
	}
	if _, err := run(ctx, nil, "schtasks", "/Create", "/F", "/TN", Label, "/XML", p); err != nil {
		return Installed{}, err
	}
	return s.Status(ctx)
}

func (s *schtasks) Remove(ctx context.Context) ([]string, error) {
	if _, err := run(ctx, nil, "schtasks", "/Query", "/TN", Label); err != nil {
		return nil, nil // no such task
	}
	if _, err := run(ctx, nil, "schtasks", "/Delete", "/F", "/TN", Label); err != nil {
		return nil, err
	}
	_, _ = remove(filepath.Join(s.dir, "autosync-task.xml"))
	return []string{"task " + Label}, nil
}

func (s *schtasks) Status(ctx context.Context) (Installed, error) {
	out, err := run(ctx, nil, "schtasks", "/Query", "/TN", Label, "/FO", "LIST")
	if err != nil {
		return Installed{Backend: Schtasks}, nil
	}
	st := Installed{Backend: Schtasks, On: true, What: []string{"task " + Label}}
	for _, l := range strings.Split(string(out), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "Next Run Time" {
			st.Next = strings.TrimSpace(v)
		}
	}
	return st, nil
}

// utf16LE is s as UTF-16 little-endian with a byte order mark, the
// encoding schtasks /XML reads.
func utf16LE(s string) []byte {
	out := []byte{0xff, 0xfe}
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u), byte(u>>8))
	}
	return out
}
