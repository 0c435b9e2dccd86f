package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gitdiary/diary/internal/app"
)

func newURLCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "url ENTRY",
		Short: "Print the URL Jekyll publishes an entry at",
		Long: `Print the URL Jekyll publishes the post at, from the site's _config.yml
(url, baseurl, permalink or collections.posts.permalink, and a permalink
that front matter defaults give every post) and the post's own front
matter (permalink, slug, categories, date). Every built-in permalink style
(date, pretty, ordinal, weekdate, none) and custom templates with any of
Jekyll's placeholders are understood; dates are taken in the site's
timezone. The URL is absolute when the site has a url, else the path from
the server's root. A post Jekyll does not build yet (published: false, a
future date) gets its URL and a warning.

ENTRY matches as diary edit's query does: a path, a slug, a date
(YYYY-MM-DD) or words of the title. A draft has no URL until it is
published (exit 1).`,
		Example: `  diary url personal-diary
  diary url _posts/2022-04-30-personal-diary.md
  diary url 2022-04-30`,
		Args:              args(cobra.MinimumNArgs(1)),
		ValidArgsFunction: completeEntries(g, true, false),
		RunE: func(c *cobra.Command, a []string) error {
			d, err := app.Open(g.options())
			if err != nil {
				return err
			}
			res, err := d.URL(c.Context(), app.URLOptions{Entry: strings.Join(a, " ")})
			if err := reportFound(g, d, res.Warnings, res.Matches, err); err != nil {
				return err
			}
			fmt.Fprintln(g.sys.Stdout, res.URL)
			return nil
		},
	}
}
