package main

import (
	"github.com/spf13/cobra"

	"github.com/gitdiary/diary/internal/app"
)

func newUndoCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:     "undo",
		Example: `  diary undo && diary status`,
		Short:   "Put HEAD and the work tree back to before the last sync",
		Long: `Put HEAD and the work tree back to where they were before the last sync
(diary keeps the last 20 under refs/diary/backup/). Refuses when that would
lose uncommitted work, or drop a commit made since that sync that no
branch keeps (it names them). Run it again to go one more sync back.`,
		Args: args(cobra.NoArgs),
		RunE: func(c *cobra.Command, _ []string) error {
			d, err := app.Open(g.options())
			if err != nil {
				return err
			}
			res, err := d.Undo(c.Context())
			if err != nil {
				return err
			}
			g.note("restored %s (was %s): %s", res.To, res.From, plural(len(res.Changed), "file"))
			for _, p := range res.Changed {
				g.note("  %s", p)
			}
			if res.Pushed {
				g.warn("the undone commits are on the remote already: the next diary sync brings them back (nothing is rewritten there)")
			}
			return nil
		},
	}
}
