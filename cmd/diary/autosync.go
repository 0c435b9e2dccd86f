package main

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/gitdiary/diary/internal/app"
)

func newAutosyncCmd(g *globals) *cobra.Command {
	c := &cobra.Command{
		Use: "autosync on|off|status",
		Example: `  diary autosync on        # every watch_interval (diary config set watch_interval 15m first to change it)
  diary autosync status    # what is installed, when it last ran, how it ended
  diary autosync off`,
		Short: "Install or remove a scheduled diary sync, or say how the last one ended",
		Long: `autosync on installs a per-user scheduled diary sync -q of this diary,
every watch_interval (default 5m): a systemd user timer on Linux (cron
where no systemd user manager answers), a launchd agent on macOS, a Task
Scheduler task on Windows. Its output is appended to autosync.log in
$XDG_STATE_HOME/diary (default ~/.local/state/diary), which is moved
to autosync.log.1 when it reaches 1 MB. autosync off removes exactly what
on installed. Both can be run again.

autosync status says what is installed, when the last unattended sync
ran, how it ended, and the next run where the platform tells.`,
		Args:      args(cobra.ExactArgs(1)),
		ValidArgs: []string{"on", "off", "status"},
	}
	var asJSON bool
	c.Flags().BoolVar(&asJSON, "json", false, "print a JSON object (status)")
	c.RunE = func(c *cobra.Command, a []string) error {
		var rep *app.AutosyncReport
		var err error
		switch a[0] {
		case "on":
			rep, err = app.AutosyncOn(c.Context(), g.options(), g.sys.Exe)
		case "off":
			rep, err = app.AutosyncOff(c.Context(), g.options())
		case "status":
			rep, err = app.AutosyncStatus(c.Context(), g.options())
		default:
			return usageErrorf("autosync %s: say on, off or status", a[0])
		}
		if err != nil {
			return err
		}
		if asJSON {
			return writeJSON(g, rep)
		}
		switch a[0] {
		case "on":
			g.note("autosync is on (%s): %s", rep.Schedule.Backend, rep.Schedule.Command)
			for _, w := range rep.Schedule.What {
				g.note("  %s", home(g, w))
			}
			g.note("its log: %s", home(g, rep.Log))
		case "off":
			if len(rep.Removed) == 0 {
				g.note("autosync was off (%s): nothing to remove", rep.Schedule.Backend)
			}
			for _, w := range rep.Removed {
				g.note("removed %s", home(g, w))
			}
		case "status":
			printAutosync(g, g.sys.Stdout, rep)
		}
		return nil
	}
	return c
}

// printAutosync is the schedule and the last unattended sync, as
// autosync status and status show them.
func printAutosync(g *globals, out io.Writer, rep *app.AutosyncReport) {
	if rep.Schedule.On {
		fmt.Fprintf(out, "autosync: on (%s)\n", rep.Schedule.Backend)
		for _, w := range rep.Schedule.What {
			fmt.Fprintf(out, "  %s\n", home(g, w))
		}
		if rep.Schedule.Next != "" {
			fmt.Fprintf(out, "next run: %s\n", rep.Schedule.Next)
		}
	} else {
		fmt.Fprintf(out, "autosync: off (%s)\n", rep.Schedule.Backend)
	}
	if rep.Last == nil {
		fmt.Fprintln(out, "last unattended sync: never")
		return
	}
	fmt.Fprintf(out, "last unattended sync: %s, exit %d: %s\n", rep.Last.Ended.Format(time.RFC3339), rep.Last.Exit, rep.Last.Reason)
	fmt.Fprintf(out, "log: %s\n", home(g, rep.Log))
}
