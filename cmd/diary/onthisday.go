package main

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/gitdiary/diary/internal/app"
)

func newOnThisDayCmd(g *globals) *cobra.Command {
	var asJSON, noPager bool
	c := &cobra.Command{
		Use:   "on-this-day [DATE]",
		Short: "Entries written on this day in earlier years",
		Long: `List the posts written on today's month and day (or DATE's) in the years
before, newest first, as list prints them: a table on a terminal (through
$PAGER when longer than the screen), tab-separated lines (date, title,
path) on a pipe, or with --json the array list --json prints. DATE is a
day as new --date takes it (2022-04-30, yesterday, "last friday", "3 days
ago"), in the diary's zone.

A post of February 29 is shown on February 28 in the years that have no
29th, so that it comes round every year.

Exit status 0, also when nothing was written on that day (that is said on
stderr, not with -q); 2 for a DATE diary cannot read.`,
		Example: `  diary on-this-day                # today's day in earlier years
  diary on-this-day 2026-12-25
  diary on-this-day last friday
  diary on-this-day --json | jq -r '.[].path'`,
		Args:              args(cobra.ArbitraryArgs),
		ValidArgsFunction: completeDay,
		RunE: func(c *cobra.Command, a []string) error {
			d, err := app.Open(g.options())
			if err != nil {
				return err
			}
			res, warnings, err := d.OnThisDay(c.Context(), app.OnThisDayOptions{Date: strings.Join(a, " ")})
			for _, w := range warnings {
				g.warn("%v: skipped", w)
			}
			if err != nil {
				return err
			}
			if len(res.Entries) == 0 {
				g.note("nothing was written on %s in the years before %d", res.Day.Format("January 2"), res.Day.Year())
			}
			if asJSON {
				return printJSON(g, res.Entries)
			}
			if len(res.Entries) == 0 {
				return nil
			}
			return printEntries(g, res.Entries, d.Config.Location, noPager)
		},
	}
	fl := c.Flags()
	fl.BoolVar(&noPager, "no-pager", false, "never page the table")
	fl.BoolVar(&asJSON, "json", false, "print a JSON array")
	return c
}
