package main

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/gitdiary/diary/internal/app"
)

func newCloneCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use: "clone URL [DIR]",
		Example: `  diary clone git@github.com:you/diary.git
  diary clone https://github.com/you/diary.git ~/notes/diary`,
		Short: "Make this laptop a copy of a diary, and remember where",
		Long: `Clone the diary at URL into DIR (default: the repo setting, ~/diary), and
remember DIR as this machine's diary in the user config.`,
		Args: args(cobra.RangeArgs(1, 2)),
		RunE: func(c *cobra.Command, a []string) error {
			dir := ""
			if len(a) == 2 {
				dir = a[1]
			}
			res, err := app.Clone(c.Context(), g.options(), a[0], dir, progress(g))
			if err != nil {
				return err
			}
			g.note("cloned into %s", home(g, res.Root))
			if res.Remembered != "" {
				g.note("this machine's diary is now %s (repo in %s)", home(g, res.Root), home(g, res.Remembered))
			}
			switch n := len(res.Submodules); {
			case n == 1:
				g.note("%s is a git submodule, left empty: git -C %s submodule update --init, if the site needs it", res.Submodules[0], home(g, res.Root))
			case n > 1:
				g.note("%s are git submodules, left empty: git -C %s submodule update --init, if the site needs them", strings.Join(res.Submodules, ", "), home(g, res.Root))
			}
			return nil
		},
	}
}
