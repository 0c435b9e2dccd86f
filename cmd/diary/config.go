package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/gitdiary/diary/config"
	"github.com/gitdiary/diary/internal/app"
)

func newConfigCmd(g *globals) *cobra.Command {
	c := &cobra.Command{
		Use: "config",
		Example: `  diary config list
  diary config get timezone
  diary config set author "Daniel Park"
  diary config set disclaimer "" --shared     # no disclaimer, on every laptop`,
		Short: "Get, set and list settings, and where each comes from",
		Long:  configHelp(),
		Args:  args(cobra.NoArgs),
	}
	var shared bool
	set := &cobra.Command{
		Use: "set KEY VALUE",
		Example: `  diary config set editor "code --wait"
  diary config set category_style list --shared`,
		ValidArgsFunction: completeKeys(true),
		Short:             "Set a key in this machine's config, or in .diary.yml with --shared",
		Args:              args(cobra.ExactArgs(2)),
		RunE: func(c *cobra.Command, a []string) error {
			file, err := app.SetConfig(g.options(), a[0], a[1], shared)
			if err != nil {
				return err
			}
			g.note("set %s in %s", a[0], home(g, file))
			if shared {
				g.note("it reaches the other laptops with the next commit and sync")
			}
			return nil
		},
	}
	set.Flags().BoolVar(&shared, "shared", false, "write the diary's .diary.yml, shared by every laptop")
	c.AddCommand(
		&cobra.Command{
			Use:               "get KEY",
			Example:           `  diary config get author`,
			ValidArgsFunction: completeKeys(false),
			Short:             "Print a key's value",
			Args:              args(cobra.ExactArgs(1)),
			RunE: func(c *cobra.Command, a []string) error {
				cfg, err := app.LoadConfig(g.options())
				if err != nil {
					return err
				}
				v, err := cfg.Get(a[0])
				if err != nil {
					return app.Usagef("%v", err)
				}
				fmt.Fprintln(g.sys.Stdout, v)
				return nil
			},
		},
		set,
		&cobra.Command{
			Use:     "list",
			Example: `  diary config list | grep timezone`,
			Short:   "List every key with its value and where it came from",
			Args:    args(cobra.NoArgs),
			RunE: func(c *cobra.Command, a []string) error {
				items, err := app.ConfigItems(g.options())
				if err != nil {
					return err
				}
				for i, it := range items {
					if it.Key == "repo" {
						items[i].Value = home(g, it.Value)
					}
				}
				if !g.sys.StdoutTTY {
					for _, it := range items {
						fmt.Fprintf(g.sys.Stdout, "%s\t%s\t%s\n", it.Key, escapeValue(it.Value), itemSource(g, it))
					}
					return nil
				}
				tw := tabwriter.NewWriter(g.sys.Stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "KEY\tVALUE\tFROM")
				for _, it := range items {
					fmt.Fprintf(tw, "%s\t%s\t%s\n", it.Key, escapeValue(it.Value), itemSource(g, it))
				}
				return tw.Flush()
			},
		},
	)
	return c
}

// escapeValue keeps a multi-line value (a disclaimer) on its line.
func escapeValue(v string) string {
	return strings.NewReplacer("\\", "\\\\", "\n", "\\n", "\t", "\\t").Replace(v)
}

// itemSource is the FROM column of config list: the layer and its file,
// and for a value diary init learned, what it learned it from.
func itemSource(g *globals, it config.Item) string {
	from := source(g, it.Source.Layer, it.Source.File)
	if it.Source.Learned != "" {
		from += ", learned from " + it.Source.Learned
	}
	return from
}

func source[L ~string](g *globals, layer L, file string) string {
	if file == "" {
		return string(layer)
	}
	return string(layer) + " " + home(g, file)
}
