package main

import (
	"fmt"
	"strings"

	"github.com/mattn/go-runewidth"
	"github.com/spf13/cobra"

	"github.com/gitdiary/diary/internal/app"
)

func newCalendarCmd(g *globals) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "calendar [YEAR]",
		Short: "A year of writing as a grid of weeks",
		Long: `Show a year (this year in the diary's zone without YEAR) as a contribution
graph: one column per week, Monday to Sunday from top to bottom, months
labelled across the top, each day marked by how much was written on it
(the words of its posts, under the front matter and the disclaimer):

  ·  nothing      ░ ▒ ▓ █  the quarters of the year's writing days, from
                           the fewest words to the most

Each day takes two cells, or one when the terminal is narrower than the
year. Where the terminal's locale draws these marks two cells wide (an
East Asian locale, as go-runewidth reads it), . - + * # are used instead,
so that the columns stay aligned.

--json prints {year, days: [{date (YYYY-MM-DD), entries, words, level}]},
one element for every day of the year, January 1 first; level is the mark,
0 (nothing) to 4 (the most).`,
		Example: `  diary calendar                   # this year
  diary calendar 2022
  diary calendar --json 2022 | jq '[.days[] | select(.entries > 0)] | length'`,
		Args:              args(cobra.MaximumNArgs(1)),
		ValidArgsFunction: completeYears(g),
		RunE: func(c *cobra.Command, a []string) error {
			var co app.CalendarOptions
			if len(a) == 1 {
				co.Year = a[0]
			}
			d, err := app.Open(g.options())
			if err != nil {
				return err
			}
			cal, warnings, err := d.Calendar(c.Context(), co)
			for _, w := range warnings {
				g.warn("%v: skipped", w)
			}
			if err != nil {
				return err
			}
			if asJSON {
				return printCalendarJSON(g, cal)
			}
			_, err = fmt.Fprint(g.sys.Stdout, calendarGrid(cal, g.sys.Width))
			return err
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print the days as JSON")
	return c
}

type jsonDay struct {
	Date    string `json:"date"`
	Entries int    `json:"entries"`
	Words   int    `json:"words"`
	Level   int    `json:"level"`
}

func printCalendarJSON(g *globals, cal *app.Calendar) error {
	out := struct {
		Year int       `json:"year"`
		Days []jsonDay `json:"days"`
	}{Year: cal.Year, Days: make([]jsonDay, len(cal.Days))}
	for i, d := range cal.Days {
		out.Days[i] = jsonDay{Date: d.Date.Format("2006-01-02"), Entries: d.Entries, Words: d.Words, Level: d.Level}
	}
	return writeJSON(g, out)
}

// The marks of the levels, 0 to app.CalendarLevels, and the ones used
// where a locale draws those two cells wide.
var (
	calendarMarks      = [app.CalendarLevels + 1]string{"·", "░", "▒", "▓", "█"}
	calendarMarksASCII = [app.CalendarLevels + 1]string{".", "-", "+", "*", "#"}
)

// calendarGrid draws the year: a label column (the year, the weekdays),
// then one column per week from the week of January 1 (weeks begin on
// Monday, as ISO 8601 has them), each cell wide enough for the marks by
// display width (go-runewidth), two cells when width (the terminal's; 0
// for unknown) allows.
func calendarGrid(cal *app.Calendar, width int) string {
	marks := calendarMarks
	for _, m := range marks {
		if runewidth.StringWidth(m) != 1 {
			marks = calendarMarksASCII
			break
		}
	}
	const labelW = 5                                    // "2022 ", "Mon  "
	offset := (int(cal.Days[0].Date.Weekday()) + 6) % 7 // days of the first week before January 1
	weeks := (offset + len(cal.Days) + 6) / 7
	cell := 2
	if width > 0 && width < labelW+2*weeks {
		cell = 1
	}
	var b strings.Builder
	line := func(s string) {
		b.WriteString(strings.TrimRight(s, " "))
		b.WriteByte('\n')
	}
	// The month row: each month's name over the week of its first day.
	var months strings.Builder
	months.WriteString(pad(fmt.Sprint(cal.Year), labelW))
	at := labelW
	for i, d := range cal.Days {
		if d.Date.Day() != 1 {
			continue
		}
		col := labelW + (offset+i)/7*cell
		if col > at {
			months.WriteString(strings.Repeat(" ", col-at))
			at = col
		}
		name := d.Date.Format("Jan")
		months.WriteString(name)
		at += runewidth.StringWidth(name)
	}
	line(months.String())
	for row := range 7 {
		var r strings.Builder
		r.WriteString(pad([]string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}[row], labelW))
		for w := range weeks {
			mark := " "
			if i := w*7 + row - offset; i >= 0 && i < len(cal.Days) {
				mark = marks[cal.Days[i].Level]
			}
			r.WriteString(pad(mark, cell))
		}
		line(r.String())
	}
	entries, words, days := 0, 0, 0
	for _, d := range cal.Days {
		entries += d.Entries
		words += d.Words
		if d.Entries > 0 {
			days++
		}
	}
	sep := strings.Repeat(" ", cell-1)
	line(strings.Repeat(" ", labelW) + "less " + strings.Join(marks[:], sep) + " more")
	line(fmt.Sprintf("%s%s on %s, %s", strings.Repeat(" ", labelW), entryCount(entries), plural(days, "day"), plural(words, "word")))
	return b.String()
}

// pad pads s with spaces to n cells of display width.
func pad(s string, n int) string {
	if w := runewidth.StringWidth(s); w < n {
		return s + strings.Repeat(" ", n-w)
	}
	return s
}

// entryCount is "1 entry" or "N entries" (plural adds an s).
func entryCount(n int) string {
	if n == 1 {
		return "1 entry"
	}
	return fmt.Sprintf("%d entries", n)
}
