package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/gitdiary/diary/entry"
	"github.com/gitdiary/diary/internal/app"
)

// writeJSON prints v on stdout as every --json does: indented by two
// spaces, and with <, > and & as they are (a title "Q&A" stays
// readable, not \u0026).
func writeJSON(g *globals, v any) error {
	enc := json.NewEncoder(g.sys.Stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// home shows a path under the home directory as ~/…, as people write it.
func home(g *globals, p string) string {
	h, ok := g.sys.Env("HOME")
	if !ok || h == "" {
		return p
	}
	h = filepath.Clean(h)
	if p == h {
		return "~"
	}
	if rest, ok := strings.CutPrefix(p, h+string(filepath.Separator)); ok {
		return "~/" + filepath.ToSlash(rest)
	}
	return p
}

// homeText writes paths under the home directory in text as ~/…, as
// home does for one path, so that errors, warnings and notes name paths
// one way. Only a path that starts a word (after a space or "(") is
// shortened: one inside quotes would not expand in a shell.
func homeText(g *globals, text string) string {
	h, ok := g.sys.Env("HOME")
	if !ok || !filepath.IsAbs(h) {
		return text
	}
	h = filepath.Clean(h)
	if h == string(filepath.Separator) {
		return text
	}
	var b strings.Builder
	for i := 0; i < len(text); {
		j := strings.Index(text[i:], h)
		if j < 0 {
			b.WriteString(text[i:])
			break
		}
		j += i
		end := j + len(h)
		startsWord := j == 0 || text[j-1] == ' ' || text[j-1] == '('
		endsPath := end == len(text) || strings.ContainsRune("/ ):,;", rune(text[end]))
		b.WriteString(text[i:j])
		if startsWord && endsPath {
			b.WriteString("~")
		} else {
			b.WriteString(h)
		}
		i = end
	}
	return b.String()
}

// filepathDir is the diary root, given an entry's absolute and relative paths.
func filepathDir(abs, rel string) string {
	return strings.TrimSuffix(strings.TrimSuffix(abs, filepath.FromSlash(rel)), string(filepath.Separator))
}

// dateFlagHelp describes --date WHEN, of new, publish and rename.
const dateFlagHelp = `the entry's date: "YYYY-MM-DD", "YYYY-MM-DD HH:MM", today, yesterday, tomorrow, friday (the last one), "last friday", "next friday", "3 days ago", "2 weeks ago", a day then HH:MM (default: now)`

// reportFound prints what a command that finds an entry as edit does
// has to say before its result: its warnings, and, when the query matched
// several entries, those entries (date, title, path) on stderr. It
// returns err, for the command to return.
func reportFound(g *globals, d *app.Diary, warnings []string, matches []*entry.Entry, err error) error {
	for _, w := range warnings {
		g.warn("%s", w)
	}
	if errors.Is(err, app.ErrAmbiguous) {
		for _, e := range matches {
			fmt.Fprintf(g.sys.Stderr, "  %s\t%s\t%s\n", e.Date.In(d.Config.Location).Format("2006-01-02"), oneLine(e.Title), e.Path)
		}
	}
	return err
}
