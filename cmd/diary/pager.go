package main

import (
	"errors"
	"os"
	"os/exec"
	"runtime"
)

// page writes out, lines long, to stdout: through the user's $PAGER (less
// when unset) when stdout is a terminal and out is longer than its
// screen, as git and gh do; straight otherwise, with --no-pager, or with
// PAGER set empty or to cat. A pager that cannot start is warned about,
// and out printed straight.
func page(g *globals, out []byte, lines int, noPager bool) error {
	pager, set := g.sys.Env("PAGER")
	if !set {
		pager = "less"
	}
	if noPager || !g.sys.StdoutTTY || g.sys.Height == 0 || lines < g.sys.Height || pager == "" || pager == "cat" || runtime.GOOS == "windows" {
		_, err := g.sys.Stdout.Write(out)
		return err
	}
	cmd := exec.Command("sh", "-c", pager)
	cmd.Dir = g.sys.Dir
	cmd.Stdout, cmd.Stderr = g.sys.Stdout, g.sys.Stderr
	cmd.Env = pagerEnv(g)
	in, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		g.warn("the pager %q did not start (%v): printing the list straight; set PAGER, or use --no-pager", pager, err)
		_, err := g.sys.Stdout.Write(out)
		return err
	}
	// The user may quit the pager before reading everything: a broken
	// pipe then is no error.
	in.Write(out)
	in.Close()
	if err := cmd.Wait(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) && ee.ExitCode() == 127 {
			g.warn("the pager %q is not installed: printing the list straight; set PAGER, or use --no-pager", pager)
			_, err := g.sys.Stdout.Write(out)
			return err
		}
	}
	return nil
}

// pagerEnv is the environment the pager runs in: diary's, with less and
// lv told to pass colours and to quit when one screen holds everything,
// unless the user said otherwise (git sets the same).
func pagerEnv(g *globals) []string {
	env := os.Environ()
	if _, ok := g.sys.Env("LESS"); !ok {
		env = append(env, "LESS=FRX")
	}
	if _, ok := g.sys.Env("LV"); !ok {
		env = append(env, "LV=-c")
	}
	return env
}
