package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gitdiary/diary/internal/app"
)

func newPublishCmd(g *globals) *cobra.Command {
	var date string
	c := &cobra.Command{
		Use:   "publish DRAFT",
		Short: "Move a draft to _posts/, dated now or --date, and commit it",
		Long: `Move a draft, _drafts/SLUG.EXT, to _posts/DATE-SLUG.EXT, dated now (or
--date) in the diary's zone, with its front matter date set, and commit
the move, which git sees as a rename. DRAFT matches as diary edit's
QUERY does; when several entries match, they are listed and nothing is
moved. A name that is taken gets the next free one, SLUG-2.EXT.`,
		Example: `  diary publish summer-plans
  diary publish "Summer plans" --date yesterday`,
		Args:              args(cobra.MinimumNArgs(1)),
		ValidArgsFunction: completeEntries(g, false, true),
		RunE: func(c *cobra.Command, a []string) error {
			d, err := app.Open(g.options())
			if err != nil {
				return err
			}
			res, err := d.Publish(c.Context(), app.PublishOptions{Query: strings.Join(a, " "), Date: date})
			return reportMove(g, d, res, err)
		},
	}
	c.Flags().StringVar(&date, "date", "", dateFlagHelp)
	return c
}

func newUnpublishCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "unpublish POST",
		Short: "Move a post back to _drafts/ and commit it",
		Long: `Move a post, _posts/DATE-SLUG.EXT, back to _drafts/SLUG.EXT, its date kept
in the front matter, and commit the move, which git sees as a rename.
POST matches as diary edit's QUERY does.`,
		Example:           `  diary unpublish 2022-04-30-personal-diary`,
		Args:              args(cobra.MinimumNArgs(1)),
		ValidArgsFunction: completeEntries(g, true, false),
		RunE: func(c *cobra.Command, a []string) error {
			d, err := app.Open(g.options())
			if err != nil {
				return err
			}
			res, err := d.Unpublish(c.Context(), app.UnpublishOptions{Query: strings.Join(a, " ")})
			return reportMove(g, d, res, err)
		},
	}
}

// reportMove prints what publish, unpublish or rename did: the new path
// on stdout, the rest on stderr.
func reportMove(g *globals, d *app.Diary, res *app.MoveResult, err error) error {
	if err := reportFound(g, d, res.Warnings, res.Matches, err); err != nil {
		return err
	}
	fmt.Fprintln(g.sys.Stdout, res.To)
	switch {
	case res.Commit == "":
		g.note("nothing to change in %s", res.To)
	case res.From == res.To:
		g.note("committed %s", res.To)
	default:
		g.note("moved %s to %s, committed", res.From, res.To)
	}
	return nil
}
