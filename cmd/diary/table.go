package main

import (
	"io"
	"strings"

	"github.com/mattn/go-runewidth"
)

// minCut is the fewest cells a column that is cut to fit keeps.
const minCut = 6

// writeTable writes rows as columns two spaces apart, aligned by display
// width (Hangul, CJK and emoji take two cells, combining marks none),
// not by bytes or runes as text/tabwriter does. When width (the
// terminal's, 0 for unknown) is too small for every row, the column cut
// is cut with "…" at a character boundary, keeping at least minCut cells.
func writeTable(w io.Writer, rows [][]string, cut, width int) {
	if len(rows) == 0 {
		return
	}
	n := len(rows[0])
	widths := make([]int, n)
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], runewidth.StringWidth(c))
		}
	}
	if width > 0 && cut >= 0 && cut < n {
		total := 2 * (n - 1)
		for _, cw := range widths {
			total += cw
		}
		if over := total - width; over > 0 {
			widths[cut] = max(widths[cut]-over, min(widths[cut], minCut))
		}
	}
	var b strings.Builder
	for _, r := range rows {
		b.Reset()
		for i, c := range r {
			if runewidth.StringWidth(c) > widths[i] {
				c = runewidth.Truncate(c, widths[i], "…")
			}
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-runewidth.StringWidth(c)+2))
			}
		}
		b.WriteByte('\n')
		io.WriteString(w, b.String())
	}
}
