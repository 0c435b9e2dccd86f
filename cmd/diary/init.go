package main

import (
	"github.com/spf13/cobra"

	"github.com/gitdiary/diary/internal/app"
)

func newInitCmd(g *globals) *cobra.Command {
	var io app.InitOptions
	c := &cobra.Command{
		Use: "init [DIR]",
		Example: `  diary init ~/diary --remote git@github.com:you/diary.git
  diary init ~/blog                  # adopt an existing Jekyll site
  diary init --remote URL            # give the diary found here its remote`,
		Short: "Make a new diary, or adopt an existing Jekyll site as one",
		Long: `Make DIR (default: where diary looks for the diary, ~/diary at first) a
diary. An empty or missing directory gets a minimal Jekyll site that
GitHub Pages publishes as it is. An existing Jekyll site is adopted: its
_config.yml defaults and recent posts (in subfolders of _posts/ too)
teach diary how new posts look there: layout, author, extension, date
style, categories style and folders, disclaimer. What is learned is
written to .diary.yml, and diary config list says where it came from. Either way .gitignore keeps Jekyll's output out, and the
result is committed.`,
		Args: args(cobra.MaximumNArgs(1)),
		RunE: func(c *cobra.Command, a []string) error {
			if len(a) == 1 {
				io.Dir = a[0]
			}
			res, err := app.Init(c.Context(), g.options(), io)
			if err != nil {
				return err
			}
			root := home(g, res.Root)
			switch {
			case res.Already && io.MergeDriver:
				if res.MergeDriver || len(res.Files) > 0 {
					g.note("registered diary merge-file as git's merge driver for _posts/ in %s", root)
				} else {
					g.note("the merge driver is registered in %s already", root)
				}
				return nil
			case res.Already:
				g.note("%s is a diary already", root)
			case res.Adopted:
				g.note("adopted the Jekyll site in %s as a diary", root)
				for _, l := range res.Learned {
					g.note("  learned from %s, into .diary.yml: %s", l.From, l)
				}
			default:
				g.note("made a new diary in %s", root)
			}
			for _, w := range res.Warnings {
				g.warn("%s", w)
			}
			if res.ZoneAdded {
				g.note("  added timezone: %s to _config.yml, so that Jekyll dates posts as they are written", res.Timezone)
			}
			switch res.ZoneFrom {
			case "":
				g.note("  time zone of new entries: %s (this machine's)", res.Timezone)
			case "flag":
				g.note("  time zone of new entries: %s", res.Timezone)
			default:
				g.note("  time zone of new entries: %s (from %s)", res.Timezone, home(g, res.ZoneFrom))
			}
			if res.MergeDriver {
				g.note("  merge driver: git merge and git pull merge posts with diary merge-file")
			}
			if res.RemoteName != "" {
				g.note("  remote %s: %s", res.RemoteName, io.Remote)
			}
			if !res.Already {
				g.note("write the first entry with: diary new \"Title\"")
			}
			return nil
		},
	}
	c.Flags().StringVar(&io.Remote, "remote", "", "URL of the remote to sync with")
	c.Flags().StringVar(&io.Title, "title", "", "the new site's title (default: My Diary)")
	c.Flags().BoolVar(&io.MergeDriver, "merge-driver", false, "register diary merge-file as git's merge driver for posts (.git/config, .gitattributes)")
	return c
}
