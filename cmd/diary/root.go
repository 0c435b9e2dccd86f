package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/gitdiary/diary/config"
	"github.com/gitdiary/diary/internal/app"
	"github.com/gitdiary/diary/internal/editor"
	"github.com/gitdiary/diary/internal/suggest"
)

// System is everything diary takes from the process it runs in, so that
// tests can run it in-process with their own.
type System struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Env            config.Env
	Now            func() time.Time
	Dir            string
	// Terminal reports whether stdin and stdout (or stderr) are terminals.
	StdinTTY, StdoutTTY, StderrTTY bool
	// Exe is this diary binary's absolute path, which autosync runs.
	Exe string
	// Width and Height are the terminal's size in cells (0 when stdout is
	// not a terminal, or its size is unknown).
	Width, Height int
}

// OS is the System of a real process.
func OS() System {
	dir, _ := os.Getwd()
	exe, _ := os.Executable()
	w, h, _ := term.GetSize(int(os.Stdout.Fd()))
	return System{
		Exe:   exe,
		Width: w, Height: h,
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
		Env: os.LookupEnv, Now: time.Now, Dir: dir,
		StdinTTY:  term.IsTerminal(int(os.Stdin.Fd())),
		StdoutTTY: term.IsTerminal(int(os.Stdout.Fd())),
		StderrTTY: term.IsTerminal(int(os.Stderr.Fd())),
	}
}

// globals are the flags every command takes.
type globals struct {
	sys    System
	repo   string
	config string
	quiet  bool
}

func (g *globals) options() app.Options {
	flags := map[string]string{}
	if g.repo != "" {
		flags["repo"] = g.repo
	}
	return app.Options{Repo: g.repo, ConfigFile: g.config, Flags: flags, Env: g.sys.Env, Dir: g.sys.Dir, Now: g.sys.Now, Passphrase: g.passphrase(),
		Self: g.sys.Exe,
		Warn: func(msg string) { g.warn("%s", msg) }}
}

// note prints progress and hints on stderr, unless --quiet.
func (g *globals) note(format string, args ...any) {
	if !g.quiet {
		fmt.Fprintf(g.sys.Stderr, "%s\n", homeText(g, fmt.Sprintf(format, args...)))
	}
}

// warn prints a warning on stderr, even with --quiet.
func (g *globals) warn(format string, args ...any) {
	fmt.Fprintf(g.sys.Stderr, "diary: warning: %s\n", homeText(g, fmt.Sprintf(format, args...)))
}

// interactive says whether an editor can be opened: it needs the
// terminal on stdin, and one on stdout or stderr to draw on.
func (g *globals) interactive() bool {
	return g.sys.StdinTTY && (g.sys.StdoutTTY || g.sys.StderrTTY)
}

// editor makes the user's editor, drawing on stderr when stdout is a pipe
// (as in `vi $(diary new …)`), so that the printed path stays clean.
func (g *globals) editor() func(string) app.Editor {
	out := g.sys.Stdout
	if !g.sys.StdoutTTY {
		out = g.sys.Stderr
	}
	return func(command string) app.Editor {
		return &editor.Editor{Command: command, Stdin: g.sys.Stdin, Stdout: out, Stderr: g.sys.Stderr, Dir: g.sys.Dir}
	}
}

// Main runs diary with args and returns the exit code.
func Main(args []string, sys System) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	g := &globals{sys: sys}
	root := newRoot(g)
	root.SetArgs(args)
	root.SetIn(sys.Stdin)
	root.SetOut(sys.Stdout)
	root.SetErr(sys.Stderr)
	c, err := root.ExecuteContextC(ctx)
	if err == nil {
		return exitOK
	}
	var ex *exitError
	if errors.As(err, &ex) && ex.err == nil {
		return ex.code
	}
	if ctx.Err() != nil && !errors.Is(err, app.ErrUsage) {
		// Ctrl-C: 128+SIGINT, as shells report it. What was committed
		// stays committed; the rest is in the work tree.
		fmt.Fprintf(sys.Stderr, "diary: interrupted (%s): nothing is lost: what was committed stays committed, and the rest is in the work tree for the next diary sync\n", homeText(g, strings.TrimSpace(message(err, c))))
		return exitInterrupted
	}
	fmt.Fprintf(sys.Stderr, "diary: %s\n", homeText(g, strings.TrimSpace(message(err, c))))
	return exitCode(err)
}

func newRoot(g *globals) *cobra.Command {
	root := &cobra.Command{
		Use:   "diary",
		Short: "Keep a Jekyll diary in git, on every laptop",
		Long: `diary writes dated posts into a Jekyll site kept in git, and keeps every
laptop's copy in step. Run diary new "Title" to start.`,
		SilenceErrors:     true,
		SilenceUsage:      true,
		Version:           version(),
		CompletionOptions: cobra.CompletionOptions{DisableDefaultCmd: true},
	}
	root.SetVersionTemplate("diary {{.Version}}\n")
	root.SetFlagErrorFunc(flagError)
	pf := root.PersistentFlags()
	pf.StringVar(&g.repo, "repo", "", "the diary's directory (default: $DIARY_REPO, the current git work tree, or ~/diary)")
	pf.StringVar(&g.config, "config", "", "the user config file (default: $XDG_CONFIG_HOME/diary/config.yaml)")
	pf.BoolVarP(&g.quiet, "quiet", "q", false, "print only results and errors")
	root.AddCommand(
		newInitCmd(g),
		newNewCmd(g),
		newEditCmd(g),
		newPublishCmd(g),
		newUnpublishCmd(g),
		newRenameCmd(g),
		newAttachCmd(g),
		newURLCmd(g),
		newListCmd(g),
		newSearchCmd(g),
		newOnThisDayCmd(g),
		newCalendarCmd(g),
		newStatsCmd(g),
		newSyncCmd(g),
		newStatusCmd(g),
		newCloneCmd(g),
		newResolveCmd(g),
		newUndoCmd(g),
		newDoctorCmd(g),
		newConfigCmd(g),
		newAutosyncCmd(g),
		newWatchCmd(g),
		newMergeFileCmd(g),
		newVersionCmd(g),
		newCompletionCmd(g),
		newManCmd(g),
	)
	root.AddCommand(topicCmds()...)
	root.SetHelpCommand(newHelpCmd(g))
	return root
}

// flagError is the error for a flag cobra could not parse: bad usage,
// with the flag the user probably meant.
func flagError(c *cobra.Command, err error) error {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "unknown flag: --"); ok {
		var names []string
		c.Flags().VisitAll(func(f *pflag.Flag) {
			if !f.Hidden {
				names = append(names, f.Name)
			}
		})
		if near := suggest.Nearest(name, names); near != "" {
			return usageErrorf("%v: did you mean --%s? see diary %s --help", err, near, c.Name())
		}
	}
	if c.Name() == "new" && (strings.Contains(msg, "unknown") || strings.Contains(msg, "bad flag syntax")) {
		return usageErrorf("%v: put -- before a title that starts with -, as in diary new -- \"-x\"", err)
	}
	return usageErrorf("%v: see diary %s --help", err, c.Name())
}

// args wraps cobra's argument checks so that a wrong count is bad usage.
func args(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(c *cobra.Command, a []string) error {
		if err := check(c, a); err != nil {
			if len(a) > 0 && !c.HasSubCommands() && strings.HasPrefix(err.Error(), "unknown command") {
				// cobra's NoArgs speaks of commands; this one has none.
				return usageErrorf("%s takes no arguments (got %q): see diary %s --help", c.Name(), strings.Join(a, " "), c.Name())
			}
			return usageErrorf("%v: see diary %s --help", err, c.Name())
		}
		return nil
	}
}
