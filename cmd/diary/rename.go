package main

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/gitdiary/diary/internal/app"
)

func newRenameCmd(g *globals) *cobra.Command {
	var date string
	c := &cobra.Command{
		Use:   "rename ENTRY TITLE…",
		Short: "Give an entry a new title (and slug), or a new date, and commit it",
		Long: `Set an entry's front matter title to TITLE and its file name's slug to
match, and with --date its date too (file name and front matter), in one
commit that git sees as a rename. ENTRY matches as diary edit's QUERY
does (quote it when it has spaces). A name that is taken gets the next
free one, SLUG-2.EXT.`,
		Example: `  diary rename personal-diary "A personal diary"
  diary rename 2022-04-30 "Rainy Saturday" --date 'last saturday'`,
		Args:              args(cobra.MinimumNArgs(2)),
		ValidArgsFunction: completeEntries(g, true, true),
		RunE: func(c *cobra.Command, a []string) error {
			d, err := app.Open(g.options())
			if err != nil {
				return err
			}
			res, err := d.Rename(c.Context(), app.RenameOptions{Query: a[0], Title: strings.Join(a[1:], " "), Date: date})
			return reportMove(g, d, res, err)
		},
	}
	c.Flags().StringVar(&date, "date", "", dateFlagHelp)
	return c
}
