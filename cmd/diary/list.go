package main

import (
	"bytes"
	"strings"
	"time"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/gitdiary/diary/entry"
	"github.com/gitdiary/diary/internal/app"
)

func newListCmd(g *globals) *cobra.Command {
	var lo app.ListOptions
	var asJSON, noPager bool
	c := &cobra.Command{
		Use:   "list",
		Short: "List entries, newest first",
		Long: `List the diary's posts (and drafts with --drafts), newest first: a table
on a terminal (through $PAGER when longer than the screen), tab-separated
lines (date, title, path) on a pipe, or a JSON array with --json. Files
that cannot be read are warned about on stderr and skipped.`,
		Example: `  diary list -n 10                 # the ten newest
  diary list --since 2022-01-01 -c travel
  diary list --json | jq -r '.[].title'`,
		Args: args(cobra.NoArgs),
		RunE: func(c *cobra.Command, _ []string) error {
			d, err := app.Open(g.options())
			if err != nil {
				return err
			}
			entries, warnings, err := d.List(c.Context(), lo)
			for _, w := range warnings {
				g.warn("%v: skipped", w)
			}
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(g, entries)
			}
			return printEntries(g, entries, d.Config.Location, noPager)
		},
	}
	fl := c.Flags()
	fl.StringVar(&lo.Since, "since", "", "only entries on or after this day (YYYY-MM-DD)")
	fl.StringVar(&lo.Until, "until", "", "only entries on or before this day (YYYY-MM-DD)")
	fl.StringVarP(&lo.Category, "category", "c", "", "only entries in this category")
	fl.StringVarP(&lo.Tag, "tag", "t", "", "only entries with this tag")
	fl.BoolVar(&lo.Drafts, "drafts", false, "include drafts")
	fl.IntVarP(&lo.Limit, "limit", "n", 0, "only the newest `N` entries")
	fl.BoolVar(&noPager, "no-pager", false, "never page the table")
	fl.BoolVar(&asJSON, "json", false, "print a JSON array")
	return c
}

// jsonEntry is the --json form of an entry, fixed by DESIGN.md.
type jsonEntry struct {
	Path       string   `json:"path"`
	Title      string   `json:"title"`
	Date       string   `json:"date"`
	Categories []string `json:"categories"`
	Tags       []string `json:"tags"`
	Draft      bool     `json:"draft"`
	Published  bool     `json:"published"`
}

func printJSON(g *globals, entries []*entry.Entry) error {
	out := make([]jsonEntry, len(entries))
	for i, e := range entries {
		out[i] = jsonEntryOf(e)
	}
	return writeJSON(g, out)
}

// jsonEntryOf is e as list --json prints it, and search --json within
// each match.
func jsonEntryOf(e *entry.Entry) jsonEntry {
	return jsonEntry{
		Path: e.Path, Title: e.Title, Date: e.Date.Format(time.RFC3339),
		Categories: nonNil(e.Categories), Tags: nonNil(e.Tags),
		// published is Jekyll's (data["published"], true unless the
		// front matter says otherwise), for drafts too; draft says it
		// is built only with --drafts.
		Draft: e.Draft, Published: e.Published,
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func printEntries(g *globals, entries []*entry.Entry, loc *time.Location, noPager bool) error {
	if !g.sys.StdoutTTY {
		// One entry a line, tab-separated, for scripts: no header, and
		// tabs or newlines in a title cannot break the columns.
		b := make([]byte, 0, len(entries)*64)
		for _, e := range entries {
			b = e.Date.In(loc).AppendFormat(b, "2006-01-02")
			b = append(b, '\t')
			b = appendOneLine(b, e.Title)
			b = append(b, '\t')
			b = append(b, e.Path...)
			b = append(b, '\n')
		}
		_, err := g.sys.Stdout.Write(b)
		return err
	}
	rows := [][]string{{"DATE", "TITLE", "PATH"}}
	for _, e := range entries {
		title := oneLine(e.Title)
		if e.Draft {
			title += " (draft)"
		}
		rows = append(rows, []string{e.Date.In(loc).Format("2006-01-02"), title, e.Path})
	}
	var b bytes.Buffer
	writeTable(&b, rows, 1, g.sys.Width)
	return page(g, b.Bytes(), len(rows), noPager)
}

// appendOneLine appends oneLine(s): s itself when it has no white space
// to fold, which is nearly always.
func appendOneLine(b []byte, s string) []byte {
	prevSpace := true // no space at the start
	for _, r := range s {
		sp := unicode.IsSpace(r)
		if sp && (r != ' ' || prevSpace) {
			return append(b, oneLine(s)...)
		}
		prevSpace = sp
	}
	if prevSpace && s != "" {
		return append(b, oneLine(s)...) // a space at the end
	}
	return append(b, s...)
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
