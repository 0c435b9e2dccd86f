package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"

	"golang.org/x/term"
)

// passphrase asks for an SSH key's passphrase on the terminal itself
// (not stdin, which may be a pipe), echo off, and puts the terminal back
// as it was even when the step's time runs out meanwhile.
func (g *globals) passphrase() func(prompt string) (string, error) {
	if !g.sys.StdinTTY || !g.sys.StderrTTY {
		return nil
	}
	return func(prompt string) (string, error) {
		name := "/dev/tty"
		if runtime.GOOS == "windows" {
			name = "CONIN$"
		}
		tty, err := os.OpenFile(name, os.O_RDWR, 0)
		if err != nil {
			return "", fmt.Errorf("open the terminal to ask for the passphrase: %w: set DIARY_SSH_PASSPHRASE or add the key to ssh-agent", err)
		}
		defer tty.Close()
		fd := int(tty.Fd())
		state, err := term.GetState(fd)
		if err != nil {
			return "", err
		}
		ctx, stop := context.WithCancel(context.Background())
		defer stop()
		go func() {
			<-ctx.Done()
			term.Restore(fd, state)
		}()
		fmt.Fprint(g.sys.Stderr, prompt)
		pw, err := term.ReadPassword(fd)
		fmt.Fprintln(g.sys.Stderr)
		if err != nil {
			return "", errors.Join(errors.New("read the passphrase"), err)
		}
		return string(pw), nil
	}
}
