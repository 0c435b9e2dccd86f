package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gitdiary/diary/entry"
	"github.com/gitdiary/diary/internal/app"
)

func newEditCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "edit [QUERY]",
		Short: "Open an entry in the editor and commit it if it changed",
		Long: `Open the newest entry, or the one whose path, slug, date (YYYY-MM-DD) or
title matches QUERY, in the editor; commit it if it changed. When several
entries match, they are listed and nothing is opened.`,
		Args: args(cobra.ArbitraryArgs),
		RunE: func(c *cobra.Command, a []string) error {
			d, err := app.Open(g.options())
			if err != nil {
				return err
			}
			eo := app.EditOptions{Query: strings.Join(a, " ")}
			if g.interactive() {
				eo.Editor = g.editor()
			}
			res, err := d.Edit(c.Context(), eo)
			for _, w := range res.Warnings {
				g.warn("%s", w)
			}
			if errors.Is(err, app.ErrAmbiguous) {
				printMatches(g, d, res.Matches)
			}
			if err != nil {
				return err
			}
			fmt.Fprintln(g.sys.Stdout, res.Path)
			if !res.Changed {
				g.note("no change to %s", res.Path)
			} else {
				g.note("committed %s", res.Path)
			}
			return nil
		},
	}
}

// printMatches lists the entries a query matched, on stderr.
func printMatches(g *globals, d *app.Diary, matches []*entry.Entry) {
	for _, e := range matches {
		fmt.Fprintf(g.sys.Stderr, "  %s\t%s\t%s\n", e.Date.In(d.Config.Location).Format("2006-01-02"), oneLine(e.Title), e.Path)
	}
}
