package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gitdiary/diary/internal/app"
)

type newFlags struct {
	categories []string
	tags       []string
	date       string
	draft      bool
	body       string
	stdin      bool
	noEdit     bool
	noCommit   bool
	template   string
	fields     []string
}

func newNewCmd(g *globals) *cobra.Command {
	var f newFlags
	c := &cobra.Command{
		Use:   "new [TITLE…]",
		Short: "Write a new entry: create it, open the editor, commit it",
		Long: `Create a dated post in _posts/ (or a draft in _drafts/) with the diary's
front matter and disclaimer, open the editor on it when there is a
terminal, and commit it alone. Prints the entry's path, and on stderr
the URL Jekyll publishes a post at (as diary url says).

An entry left unchanged in the editor is discarded. When there is no
diary yet, one is made first, as diary init would.

Front matter: title, author, date, category (or categories), layout and
tags come first, then the other keys of the template, of the front_matter
setting and of -f, in that order; for a key given more than once, -f wins
over the template, which wins over the setting. -f KEY=VALUE types VALUE
as YAML reads it (-f comments=true is a boolean, -f pin=1 a number,
-f series=[a, b] a list); other text is a string, quoted where YAML needs
it. title and date are refused with -f (give the title as arguments, and
--date); -f category, categories and tags join -c's and -t's; author and
layout may be set, over their settings.

--template NAME takes _templates/NAME.EXT (EXT the ext setting, then md)
from the diary: its front matter keys, and its body, which is the body of
the entry instead of the disclaimer. {{ title }}, {{ date }} and
{{ author }} (spaces inside optional) are filled in; any other Liquid,
such as {{ page.title }}, is left for Jekyll. --body or --stdin text
follows the template's body.`,
		Example: `  diary new "Personal Diary" -c etc
  diary new "오늘" --date 2022-04-30 --body "맑음"
  echo "text" | diary new "From a script" --stdin
  diary new "Jeju" --template trip -f comments=true -f rating=5`,
		Args: args(cobra.ArbitraryArgs),
		RunE: func(c *cobra.Command, a []string) error {
			return runNew(c, g, f, a)
		},
	}
	fl := c.Flags()
	fl.StringArrayVarP(&f.categories, "category", "c", nil, "a front matter category; repeat for more (default: the category setting)")
	fl.StringArrayVarP(&f.tags, "tag", "t", nil, "a tag; repeat for more")
	fl.StringVar(&f.date, "date", "", dateFlagHelp)
	fl.BoolVar(&f.draft, "draft", false, "write a draft into _drafts/")
	fl.StringVar(&f.body, "body", "", "the entry's text (no editor is opened)")
	fl.BoolVar(&f.stdin, "stdin", false, "read the entry's text from standard input (no editor is opened)")
	fl.BoolVar(&f.noEdit, "no-edit", false, "do not open the editor")
	fl.BoolVar(&f.noCommit, "no-commit", false, "leave the entry uncommitted")
	fl.StringVar(&f.template, "template", "", "start from _templates/NAME in the diary: its front matter and body")
	fl.StringArrayVarP(&f.fields, "field", "f", nil, "a front matter KEY=VALUE, typed as YAML reads it; repeat for more")
	c.MarkFlagsMutuallyExclusive("body", "stdin")
	_ = c.RegisterFlagCompletionFunc("template", func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		d, err := app.Open(g.options())
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return d.Templates(), cobra.ShellCompDirectiveNoFileComp
	})
	return c
}

func runNew(c *cobra.Command, g *globals, f newFlags, a []string) error {
	ask := app.AddOptions{
		Title:      strings.Join(a, " "),
		Untitled:   len(a) == 0,
		Categories: f.categories,
		Tags:       f.tags,
		Date:       f.date,
		Draft:      f.draft,
		NoCommit:   f.noCommit,
		Template:   f.template,
		Fields:     f.fields,
	}
	switch {
	case c.Flags().Changed("body"):
		ask.Body = &f.body
	case f.stdin:
		data, err := io.ReadAll(g.sys.Stdin)
		if err != nil {
			return err
		}
		s := string(data)
		ask.Body = &s
	case !f.noEdit && g.interactive():
		ask.Editor = g.editor()
	}
	res, err := app.Add(c.Context(), g.options(), ask)
	if res != nil && res.Init != nil {
		g.note("created a new diary at %s", home(g, res.Init.Root))
	}
	if res != nil {
		for _, w := range res.Warnings {
			g.warn("%s", w)
		}
	}
	if err != nil {
		return err
	}
	if res.Discarded {
		g.note("the entry was left unchanged, so it was discarded")
		return nil
	}
	fmt.Fprintln(g.sys.Stdout, res.Path)
	if res.URL != "" {
		g.note("%s", res.URL)
	}
	switch {
	case ask.Editor == nil && ask.Body == nil && !f.noEdit:
		g.note("no terminal, so no editor: write the entry in %s", home(g, res.Abs))
	}
	if res.Commit != "" {
		g.note("committed %s in %s", res.Path, home(g, filepathDir(res.Abs, res.Path)))
	}
	return nil
}
