package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/gitdiary/diary/internal/app"
)

func newStatusCmd(g *globals) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use: "status",
		Example: `  diary status
  diary status --json | jq .conflicts`,
		Short: "Uncommitted entries, ahead/behind, last sync, conflict copies, problems",
		Args:  args(cobra.NoArgs),
		RunE: func(c *cobra.Command, _ []string) error {
			d, err := app.Open(g.options())
			if err != nil {
				return err
			}
			st, err := d.Status(c.Context())
			if err != nil {
				return err
			}
			for _, w := range st.Warnings {
				g.warn("%s", w)
			}
			if asJSON {
				return writeJSON(g, st)
			}
			out := g.sys.Stdout
			fmt.Fprintf(out, "diary %s on %s\n", home(g, st.Root), st.Branch)
			switch {
			case st.RemoteProblem != "":
				fmt.Fprintf(out, "remote: %s\n", st.RemoteProblem)
			case !st.HasRemote:
				fmt.Fprintf(out, "remote: none named %s, local only\n", st.Remote)
			case !st.Fetched:
				fmt.Fprintf(out, "remote: %s, not fetched yet\n", st.Remote)
			default:
				fmt.Fprintf(out, "remote: %s/%s, %d ahead, %d behind (as of the last fetch)\n", st.Remote, st.Branch, st.Ahead, st.Behind)
			}
			if st.LastSync != nil {
				fmt.Fprintf(out, "last sync: %s\n", st.LastSync.Format(time.RFC3339))
			} else {
				fmt.Fprintln(out, "last sync: never")
			}
			fmt.Fprintf(out, "uncommitted: %d\n", len(st.Uncommitted))
			for _, u := range st.Uncommitted {
				fmt.Fprintf(out, "  %s\t%s\n", u.Kind, u.Path)
			}
			fmt.Fprintf(out, "conflict copies: %d\n", len(st.Conflicts))
			for _, c := range st.Conflicts {
				fmt.Fprintf(out, "  %s\n", c)
			}
			if len(st.Conflicts) > 0 {
				g.note("settle each with diary resolve ENTRY (--take local or --take remote, or merge in the editor)")
			}
			fmt.Fprintf(out, "problems: %d\n", len(st.Problems))
			for _, p := range st.Problems {
				fmt.Fprintf(out, "  %s\n", p)
			}
			if len(st.Held) > 0 {
				fmt.Fprintf(out, "held back from the push: %d\n", len(st.Held))
				for _, h := range st.Held {
					fmt.Fprintf(out, "  %s: %s\n", h.Path, h.Fix)
				}
			}
			if st.Autosync != nil {
				printAutosync(g, out, st.Autosync)
			}
			if st.Watch > 0 {
				fmt.Fprintf(out, "watch: running (pid %d)\n", st.Watch)
			} else {
				fmt.Fprintln(out, "watch: not running")
			}
			return nil
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print a JSON object")
	return c
}
