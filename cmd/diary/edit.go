package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gitdiary/diary/internal/app"
)

func newEditCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "edit [QUERY]",
		Short: "Open an entry in the editor and commit it if it changed",
		Long: `Open the newest entry, or the one QUERY names, in the editor; commit it if
it changed. QUERY is tried as a path, a file name (with or without its
extension), a slug (the name without its date), a date (YYYY-MM-DD), the
title, and then a part of the title or slug. When several entries match,
they are listed and nothing is opened. With autosync: true, the
remote's news is fetched and fast-forwarded first (only a clean work tree
that is behind; offline, nothing is said), and a sync starts after the
commit.`,
		Example: `  diary edit                      # the newest entry
  diary edit 2022-04-30           # the entry of that day
  diary edit personal-diary.md    # by file name, without the date
  diary edit rain                 # "Rainy day", if no other title or slug has "rain"`,
		Args:              args(cobra.ArbitraryArgs),
		ValidArgsFunction: completeEntries(g, true, true),
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
			if err := reportFound(g, d, res.Warnings, res.Matches, err); err != nil {
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
