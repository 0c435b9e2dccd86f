package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/gitdiary/diary/internal/app"
)

func newResolveCmd(g *globals) *cobra.Command {
	var take string
	c := &cobra.Command{
		Use: "resolve [ENTRY]",
		Example: `  diary resolve                      # the only conflict copy, merged in the editor
  diary resolve rainy-day --take local`,
		Short: "Settle a conflict copy: take one side, or merge in the editor",
		Long: `Settle the conflict copy of ENTRY (or the only one): --take local puts this
laptop's version (kept in _conflicts/) back at the entry's path, --take
remote puts the remote's there (as of the last fetch, even after a sync
committed a merge left half done), and without --take the editor opens
on the entry with conflict markers to merge by hand; the result must
parse and carry no markers. Then the copy is removed and the result
committed.

A side that holds conflict markers, or that sync would not publish, is
not taken; nor is one taken over changes to the entry not committed yet.
Then nothing changes, the copy is kept, and the message says what to do.`,
		Args: args(cobra.MaximumNArgs(1)),
		RunE: func(c *cobra.Command, a []string) error {
			d, err := app.Open(g.options())
			if err != nil {
				return err
			}
			ro := app.ResolveOptions{Take: take}
			if len(a) == 1 {
				ro.Entry = a[0]
			}
			if take == "" && g.interactive() {
				ro.Editor = g.editor()
			}
			res, err := d.Resolve(c.Context(), ro)
			if errors.Is(err, app.ErrAmbiguous) {
				for _, cp := range res.Copies {
					fmt.Fprintf(g.sys.Stderr, "  %s\n", cp)
				}
			}
			if err != nil {
				return err
			}
			fmt.Fprintln(g.sys.Stdout, res.Path)
			g.note("resolved %s; removed %s and committed", res.Path, res.Copy)
			return nil
		},
	}
	c.Flags().StringVar(&take, "take", "", "local or remote: take that side whole")
	c.ValidArgsFunction = completeConflicts(g)
	_ = c.RegisterFlagCompletionFunc("take", cobra.FixedCompletions([]cobra.Completion{"local", "remote"}, cobra.ShellCompDirectiveNoFileComp))
	return c
}
