package main

import (
	"bytes"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/gitdiary/diary/internal/app"
)

func newSearchCmd(g *globals) *cobra.Command {
	var so app.SearchOptions
	var asJSON, noPager bool
	c := &cobra.Command{
		Use:   "search QUERY...",
		Short: "Find entries by words, phrases, tags and categories",
		Long: `Search the titles, front matter values and text of the diary's posts (and
drafts with --drafts) and list those that match, best first: entries with
the words in their title, tags or categories, then by relevance (BM25),
then newest. The disclaimer that opens each post is not searched.

The query:
  word            must occur, anywhere in a word (walk finds walking,
                  산책 finds 산책을); every word must
  "a phrase"      its words in that order (an argument with spaces and no
                  quotes, as the shell passes diary search "moved to Seoul",
                  is a phrase too)
  -word, -"a b"   must not occur (no -- needed: diary search seoul -busan)
  tag:x           has the tag x; -tag:x has not
  category:x      is in category x; -category:x is not

Matching ignores case (Unicode case folding) and NFC/NFD (Korean written
on macOS, in NFD, is found by the same words); with --fold-accents it also
ignores accents and other combining marks (cafe finds café). --since and
--until take days as new --date does (2022-04-30, yesterday, "last
friday", "3 days ago") and include the whole day.

On a terminal each match shows its date, title and path and a line around
the first match, the matched words highlighted (not with NO_COLOR set),
through $PAGER when longer than the screen. On a pipe: one match a line,
tab-separated: date, title, path, snippet. --json prints an array of
{path, title, date (RFC 3339), categories, tags, draft, published, score,
snippet, marks}, list --json's fields and three more: score is the relevance (larger is better; 0 when only tags or
categories were asked for), snippet a line of the text around the first
match, and marks the [start, end) byte offsets of the matches in snippet.

Exit status: 0 when something matched, 1 when nothing did (as grep), 2
for a query that cannot be read (an unclosed quote, nothing to look for,
a date diary cannot read).`,
		Example: `  diary search seoul                    # every entry with the word
  diary search "moved to Seoul"         # a phrase
  diary search 이사 -busan tag:life     # Korean, without busan, tagged life
  diary search cafe --fold-accents --since "2 weeks ago"
  diary search -n 5 --json coffee | jq -r '.[].path'`,
		// -word is a query word, not a flag: the flags are sorted
		// out by hand (searchArgs) and parsed after.
		DisableFlagParsing: true,
		ValidArgsFunction:  completeSearch(g),
		RunE: func(c *cobra.Command, a []string) error {
			c.DisableFlagParsing = false
			if err := c.ParseFlags(searchArgs(c, a)); err != nil {
				return flagError(c, err)
			}
			if help, _ := c.Flags().GetBool("help"); help {
				return c.Help()
			}
			so.Query = c.Flags().Args()
			d, err := app.Open(g.options())
			if err != nil {
				return err
			}
			so.Width = 72
			if g.sys.StdoutTTY && g.sys.Width > 0 {
				so.Width = max(g.sys.Width-4, 20)
			}
			hits, warnings, err := d.Search(c.Context(), so)
			for _, w := range warnings {
				g.warn("%v: skipped", w)
			}
			if err != nil {
				return err
			}
			if asJSON {
				err = printSearchJSON(g, hits)
			} else {
				err = printSearch(g, hits, d, noPager)
			}
			if err == nil && len(hits) == 0 {
				return &exitError{code: exitNoMatch}
			}
			return err
		},
	}
	fl := c.Flags()
	fl.StringVar(&so.Since, "since", "", "only entries on or after this `day` (as new --date takes it)")
	fl.StringVar(&so.Until, "until", "", "only entries on or before this `day`")
	fl.BoolVar(&so.Drafts, "drafts", false, "search drafts too")
	fl.BoolVar(&so.FoldAccents, "fold-accents", false, "ignore accents and combining marks: cafe finds café")
	fl.IntVarP(&so.Limit, "limit", "n", 0, "only the best `N` matches")
	fl.BoolVar(&noPager, "no-pager", false, "never page the results")
	fl.BoolVar(&asJSON, "json", false, "print a JSON array")
	return c
}

// searchArgs puts search's command line in the order pflag reads: the
// flags (its own and the global ones), then --, then the query, so that
// a query word that starts with - stays a word. An argument is a flag
// when it names one (--since, -n 5, -n5, -q); --anything else is too, so
// that a mistyped flag is reported, not searched for.
func searchArgs(c *cobra.Command, a []string) []string {
	c.InitDefaultHelpFlag()
	fs := pflag.NewFlagSet("all", pflag.ContinueOnError)
	fs.AddFlagSet(c.Flags())
	fs.AddFlagSet(c.InheritedFlags())
	var flags, query []string
	for i := 0; i < len(a); i++ {
		s := a[i]
		switch {
		case s == "--":
			query = append(query, a[i+1:]...)
			i = len(a)
		case strings.HasPrefix(s, "--") && len(s) > 2:
			flags = append(flags, s)
			name, _, hasValue := strings.Cut(s[2:], "=")
			if f := fs.Lookup(name); f != nil && !hasValue && f.NoOptDefVal == "" && i+1 < len(a) {
				i++
				flags = append(flags, a[i])
			}
		case len(s) >= 2 && s[0] == '-' && shorthand(fs, s[1:]):
			flags = append(flags, s)
			if f := fs.ShorthandLookup(s[len(s)-1:]); len(s) == 2 && f != nil && f.NoOptDefVal == "" && i+1 < len(a) {
				i++
				flags = append(flags, a[i])
			}
		default:
			query = append(query, s)
		}
	}
	return append(append(flags, "--"), query...)
}

// shorthand says whether s (what follows a single -) is short flags:
// booleans (-q, -qh), or one that takes a value, last, with it or not
// (-n, -n5, -qn5).
func shorthand(fs *pflag.FlagSet, s string) bool {
	for i := 0; i < len(s); i++ {
		f := fs.ShorthandLookup(s[i : i+1])
		if f == nil {
			return false
		}
		if f.NoOptDefVal == "" { // takes a value: the rest is it
			rest := s[i+1:]
			return rest == "" || strings.Trim(rest, "0123456789") == ""
		}
	}
	return true
}

// jsonHit is search's --json form of a match: list's fields, and the
// score, snippet and marks.
type jsonHit struct {
	jsonEntry
	Score   float64  `json:"score"`
	Snippet string   `json:"snippet"`
	Marks   [][2]int `json:"marks"`
}

func printSearchJSON(g *globals, hits []app.SearchHit) error {
	out := make([]jsonHit, len(hits))
	for i, h := range hits {
		out[i] = jsonHit{
			jsonEntry: jsonEntryOf(h.Entry),
			Score:     float64(int64(h.Score*1000+0.5)) / 1000, Snippet: h.Snippet.Text, Marks: h.Snippet.Marks,
		}
		if out[i].Marks == nil {
			out[i].Marks = [][2]int{}
		}
	}
	return writeJSON(g, out)
}

// Highlighting: bold red, as grep --color and ripgrep mark matches.
const (
	markOn  = "\x1b[1;31m"
	markOff = "\x1b[0m"
)

// colour says whether stdout takes colour: a terminal, and no NO_COLOR
// (https://no-color.org: set and not empty).
func colour(g *globals) bool {
	if !g.sys.StdoutTTY {
		return false
	}
	if v, ok := g.sys.Env("NO_COLOR"); ok && v != "" {
		return false
	}
	if v, _ := g.sys.Env("TERM"); v == "dumb" {
		return false
	}
	return true
}

func printSearch(g *globals, hits []app.SearchHit, d *app.Diary, noPager bool) error {
	loc := d.Config.Location
	if !g.sys.StdoutTTY {
		var b []byte
		for _, h := range hits {
			e := h.Entry
			b = e.Date.In(loc).AppendFormat(b, "2006-01-02")
			b = append(b, '\t')
			b = appendOneLine(b, e.Title)
			b = append(b, '\t')
			b = append(b, e.Path...)
			b = append(b, '\t')
			b = appendOneLine(b, h.Snippet.Text)
			b = append(b, '\n')
		}
		_, err := g.sys.Stdout.Write(b)
		return err
	}
	rows := make([][]string, 0, len(hits))
	for _, h := range hits {
		e := h.Entry
		title := oneLine(e.Title)
		if e.Draft {
			title += " (draft)"
		}
		rows = append(rows, []string{e.Date.In(loc).Format("2006-01-02"), title, e.Path})
	}
	var table bytes.Buffer
	writeTable(&table, rows, 1, g.sys.Width)
	lines := strings.SplitAfter(table.String(), "\n")
	col := colour(g)
	var b strings.Builder
	n := 0
	for i, h := range hits {
		b.WriteString(lines[i])
		n++
		if s := h.Snippet; s.Text != "" {
			b.WriteString("    ")
			at := 0
			for _, m := range s.Marks {
				b.WriteString(s.Text[at:m[0]])
				if col {
					b.WriteString(markOn + s.Text[m[0]:m[1]] + markOff)
				} else {
					b.WriteString(s.Text[m[0]:m[1]])
				}
				at = m[1]
			}
			b.WriteString(s.Text[at:])
			b.WriteByte('\n')
			n++
		}
	}
	return page(g, []byte(b.String()), n, noPager)
}
