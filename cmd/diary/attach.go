package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/gitdiary/diary/internal/app"
)

func newAttachCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "attach ENTRY FILE…",
		Short: "Copy images or files into the site and link them from an entry",
		Long: `Copy each FILE into the assets folder (the assets setting, default
assets/img) as <assets>/YYYY/MM/<entry slug>-<file slug>.<ext>, YYYY/MM
the entry's date, never over an existing file (-2, -3… are taken
instead); add a line per file at the end of the entry, an image
(png, jpg, jpeg, gif, webp, svg, avif) as ![name]({{ '/path' | relative_url }})
and any other file as [name](…), which works under a baseurl; commit the
entry and the files together. Prints the new files' paths.

ENTRY matches as diary edit's QUERY does. Every FILE is checked first: a
missing, unreadable or non-regular file (a directory, a named pipe) or
one over 100 MB (GitHub's limit) is refused before anything is copied;
over 50 MB is warned about.`,
		Example: `  diary attach jeju-day-1 ~/Pictures/IMG_0001.JPG ~/Pictures/IMG_0002.JPG
  diary attach 2022-04-30 ticket.pdf`,
		Args: args(cobra.MinimumNArgs(2)),
		// The entry first, then the shell's own file names.
		ValidArgsFunction: func(c *cobra.Command, a []string, typed string) ([]cobra.Completion, cobra.ShellCompDirective) {
			if len(a) > 0 {
				return nil, cobra.ShellCompDirectiveDefault
			}
			return completeEntries(g, true, true)(c, a, typed)
		},
		RunE: func(c *cobra.Command, a []string) error {
			d, err := app.Open(g.options())
			if err != nil {
				return err
			}
			res, err := d.Attach(c.Context(), app.AttachOptions{Entry: a[0], Files: a[1:]})
			if err := reportFound(g, d, res.Warnings, res.Matches, err); err != nil {
				return err
			}
			for _, p := range res.Assets {
				fmt.Fprintln(g.sys.Stdout, p)
			}
			g.note("linked from %s and committed", res.Entry)
			return nil
		},
	}
}
