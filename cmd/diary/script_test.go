package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets testscript run diary, and the small programs the scripts
// need, in this test binary: each is a command on the scripts' PATH.
func TestMain(m *testing.M) {
	// Under -race every process the tests start from this binary (each
	// diary of a script) would sleep a second before it exits, the race
	// runtime's atexit_sleep_ms, which made most of the suite's time;
	// the user's own GORACE options come after, and win.
	os.Setenv("GORACE", strings.TrimSpace("atexit_sleep_ms=0 "+os.Getenv("GORACE")))
	testscript.Main(m, map[string]func(){
		"diary":       func() { os.Exit(Main(os.Args[1:], testSystem())) },
		"fake-editor": fakeEditor,
		"crontab":     crontabNS,
		"pty-run":     ptyRun,
	})
}

// testSystem is the real process's System with what scripts pin: the
// clock (DIARY_TEST_NOW, RFC 3339) and whether there is a terminal
// (DIARY_TEST_TTY=1), and its size (DIARY_TEST_SIZE). Only this test
// binary reads those variables.
func testSystem() System {
	sys := OS()
	if s := os.Getenv("DIARY_TEST_NOW"); s != "" {
		now, err := time.Parse(time.RFC3339, s)
		if err != nil {
			panic("DIARY_TEST_NOW: " + err.Error())
		}
		sys.Now = func() time.Time { return now }
	}
	// The test binary answers as diary only by this name: autosync must
	// run the diary on the scripts' PATH, not the test binary itself.
	if p, err := exec.LookPath("diary"); err == nil {
		sys.Exe, _ = filepath.Abs(p)
	}
	if os.Getenv("DIARY_TEST_TTY") == "1" {
		sys.StdinTTY, sys.StdoutTTY, sys.StderrTTY = true, true, true
	}
	// DIARY_TEST_SIZE=WxH: the terminal's size in cells.
	sys.Width, sys.Height = 0, 0
	if s := os.Getenv("DIARY_TEST_SIZE"); s != "" {
		if _, err := fmt.Sscanf(s, "%dx%d", &sys.Width, &sys.Height); err != nil {
			panic("DIARY_TEST_SIZE: " + err.Error())
		}
	}
	return sys
}

// fakeEditor stands in for the user's editor. FAKE_EDITOR says what it
// does to the file it is given:
//
//	append   append $FAKE_EDITOR_TEXT and a newline (the default)
//	keep     change nothing
//	replace  replace the file with the file named $FAKE_EDITOR_TEXT
//	fail     change nothing and exit 1
//
// It logs its arguments, one call a line, to $WORK/editor.log.
func fakeEditor() {
	args := os.Args[1:]
	if log, err := os.OpenFile(filepath.Join(os.Getenv("WORK"), "editor.log"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644); err == nil {
		fmt.Fprintln(log, strings.Join(args, " "))
		log.Close()
	}
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "fake-editor: no file")
		os.Exit(2)
	}
	file := args[len(args)-1]
	text := os.Getenv("FAKE_EDITOR_TEXT")
	switch os.Getenv("FAKE_EDITOR") {
	case "", "append":
		f, err := os.OpenFile(file, os.O_APPEND|os.O_WRONLY, 0)
		if err == nil {
			_, err = fmt.Fprintln(f, text)
			f.Close()
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "fake-editor:", err)
			os.Exit(1)
		}
	case "keep":
	case "replace":
		data, err := os.ReadFile(text)
		if err == nil {
			err = os.WriteFile(file, data, 0o644)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "fake-editor:", err)
			os.Exit(1)
		}
	case "fail":
		fmt.Fprintln(os.Stderr, "fake-editor: failing as asked")
		os.Exit(1)
	}
}

func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"laptop": laptopCmd,
			"exits":  exitsCmd,
			"poll":   pollCmd,
		},
		Condition: func(cond string) (bool, error) {
			if cond != "crontab" {
				return false, fmt.Errorf("unknown condition %q", cond)
			}
			return crontabUsable()
		},
		Setup: func(env *testscript.Env) error {
			home := filepath.Join(env.WorkDir, "home")
			if err := os.MkdirAll(home, 0o755); err != nil {
				return err
			}
			for k, v := range pinnedEnv(home) {
				env.Setenv(k, v)
			}
			for k, v := range map[string]string{
				"GIT_AUTHOR_DATE":    "2022-04-30T21:30:00+09:00",
				"GIT_COMMITTER_DATE": "2022-04-30T21:30:00+09:00",
				"TZ":                 "Asia/Seoul",
				"DIARY_TEST_NOW":     "2022-04-30T21:30:00+09:00",
				"DIARY_HOST":         "laptop-a",
				"EDITOR":             "fake-editor",
				"VISUAL":             "",
				"FAKE_EDITOR":        "append",
				"FAKE_EDITOR_TEXT":   "Written in the editor.",
				// Script lines cannot hold a newline; titles can.
				"TITLE_NL":   "two\nlines\tand a tab",
				"TITLE_TAB":  "\tTabbed\ttitle ",
				"NONCHAR":    "x\ufffe",
				"DISCLAIMER": "First line.\n\nThird line.",
			} {
				env.Setenv(k, v)
			}
			return nil
		},
	})
}

// pinnedEnv is the environment every end-to-end test starts from, with
// its home at home: no system git config, the diarist as git's identity.
func pinnedEnv(home string) map[string]string {
	return map[string]string{
		"HOME":                home,
		"XDG_CONFIG_HOME":     filepath.Join(home, ".config"),
		"GIT_CONFIG_NOSYSTEM": "1",
		"GIT_AUTHOR_NAME":     "Daniel Park",
		"GIT_AUTHOR_EMAIL":    "daniel@example.com",
		"GIT_COMMITTER_NAME":  "Daniel Park",
		"GIT_COMMITTER_EMAIL": "daniel@example.com",
		"GORACE":              os.Getenv("GORACE"), // see TestMain
	}
}

// laptopCmd switches the script to another laptop: its own home, config,
// host name and diary ($WORK/NAME/diary), so that one script can play
// several machines syncing through one remote.
//
//	laptop NAME
func laptopCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: laptop NAME")
	}
	name := args[0]
	home := ts.MkAbs(name)
	if err := os.MkdirAll(home, 0o755); err != nil {
		ts.Fatalf("%v", err)
	}
	ts.Setenv("HOME", home)
	ts.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	ts.Setenv("DIARY_HOST", name)
	ts.Setenv("DIARY_REPO", filepath.Join(home, "diary"))
}

// exitsCmd runs a program as exec does (its output is there for stdout
// and stderr to check) and requires the exit code given: the exit codes
// are part of the contract (DESIGN.md, Commands).
//
//	exits CODE PROG [ARG...]
func exitsCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits CODE PROG [ARG...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exits: %q is not an exit code", args[0])
	}
	code := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exits: %v", err)
		}
		code = ee.ExitCode()
	}
	if code != want {
		ts.Fatalf("%s exited %d, want %d", args[1], code, want)
	}
}

// pollCmd runs a program until it succeeds, for at most TIMEOUT: what a
// detached process does happens later, and a fixed sleep is either slow
// or flaky.
//
//	poll TIMEOUT PROG [ARG...]
func pollCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: poll TIMEOUT PROG [ARG...]")
	}
	d, err := time.ParseDuration(args[0])
	if err != nil {
		ts.Fatalf("poll: %v", err)
	}
	deadline := time.Now().Add(d)
	for {
		err := ts.Exec(args[1], args[2:]...)
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("poll: %s did not succeed within %s: %v", strings.Join(args[1:], " "), d, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// realCrontab is Debian's crontab(1), from the cron package.
const realCrontab = "/usr/bin/crontab"

// crontabUsable says whether crontabNS can run: it needs Debian's
// crontab, unshare(1) and root (to mount in a namespace of its own).
// Under CI a missing piece is a failure, not a skip.
func crontabUsable() (bool, error) {
	_, uerr := exec.LookPath("unshare")
	_, cerr := os.Stat(realCrontab)
	ok := uerr == nil && cerr == nil && os.Geteuid() == 0
	if !ok && os.Getenv("CI") == "true" {
		return false, errors.New("the crontab scripts need root, unshare and Debian's cron (.ci/run installs it)")
	}
	return ok, nil
}

// crontabNS runs Debian's real crontab(1) in a mount namespace of its own
// where $WORK/crontabs stands for /var/spool/cron/crontabs: the scripts
// install and remove lines in a real crontab, but in theirs, never in the
// crontab of whoever runs the tests.
func crontabNS() {
	spool := filepath.Join(os.Getenv("WORK"), "crontabs")
	if err := os.MkdirAll(spool, 0o700); err != nil {
		fmt.Fprintln(os.Stderr, "crontab:", err)
		os.Exit(1)
	}
	// crontab(1) wants its spool as cron's package leaves it:
	// root:crontab, mode 1730.
	if g, err := user.LookupGroup("crontab"); err == nil {
		gid, _ := strconv.Atoi(g.Gid)
		_ = os.Chown(spool, 0, gid)
	}
	_ = os.Chmod(spool, 0o730|os.ModeSticky)
	args := append([]string{"-m", "sh", "-c", `mount --bind "$0" /var/spool/cron/crontabs && exec ` + realCrontab + ` "$@"`, spool}, os.Args[1:]...)
	cmd := exec.Command("unshare", args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			os.Exit(ee.ExitCode())
		}
		fmt.Fprintln(os.Stderr, "crontab:", err)
		os.Exit(1)
	}
	os.Exit(0)
}
