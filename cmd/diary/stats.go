package main

import (
	"bytes"
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/gitdiary/diary/internal/app"
)

func newStatsCmd(g *globals) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "stats",
		Short: "Entries and words per year and month, streaks, the busiest weekday",
		Long: `Count the diary's posts: entries and words (of the text under the front
matter and the disclaimer) per year and per month, the current streak of
days with an entry (it counts up to today, or to yesterday while nothing
is written yet today), the longest streak, and the weekday with the most
entries. Days and weekdays are the diary's zone's.

--json prints {entries, words, years: [{year, entries, words, months:
[{month (1-12), entries, words}, 12 of them]}], current_streak and
longest_streak: {days, from, to (YYYY-MM-DD, null with 0 days)},
weekdays: [{weekday, entries}, Monday first], busiest_weekday (null
without entries)}.`,
		Example: `  diary stats
  diary stats --json | jq .current_streak.days`,
		Args:              args(cobra.NoArgs),
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(c *cobra.Command, _ []string) error {
			d, err := app.Open(g.options())
			if err != nil {
				return err
			}
			s, warnings, err := d.Stats(c.Context())
			for _, w := range warnings {
				g.warn("%v: skipped", w)
			}
			if err != nil {
				return err
			}
			if asJSON {
				return printStatsJSON(g, s)
			}
			_, err = g.sys.Stdout.Write(statsText(s, g.sys.Width))
			return err
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print the counts as JSON")
	return c
}

// weekOrder is the week from Monday, as stats shows it.
var weekOrder = [7]time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}

func statsText(s *app.Stats, width int) []byte {
	rows := [][]string{{"", "ENTRIES", "WORDS"}}
	num := func(n int) string { return strconv.Itoa(n) }
	for _, y := range s.Years {
		rows = append(rows, []string{strconv.Itoa(y.Year), num(y.Entries), num(y.Words)})
		for m, c := range y.Months {
			if c.Entries > 0 {
				rows = append(rows, []string{"  " + time.Month(m + 1).String()[:3], num(c.Entries), num(c.Words)})
			}
		}
	}
	rows = append(rows, []string{"all", num(s.Entries), num(s.Words)})
	// The numbers right-aligned: padded to their column's width.
	for col := 1; col <= 2; col++ {
		w := 0
		for _, r := range rows {
			w = max(w, len(r[col]))
		}
		for _, r := range rows {
			r[col] = fmt.Sprintf("%*s", w, r[col])
		}
	}
	var b bytes.Buffer
	writeTable(&b, rows, -1, width)
	b.WriteByte('\n')
	streak := func(st app.Streak) string {
		switch st.Days {
		case 0:
			return "none"
		case 1:
			return "1 day, " + st.From.Format("2006-01-02")
		}
		return fmt.Sprintf("%d days, %s to %s", st.Days, st.From.Format("2006-01-02"), st.To.Format("2006-01-02"))
	}
	busiest := "none"
	if s.Entries > 0 {
		busiest = fmt.Sprintf("%s, %s", s.Busiest, entryCount(s.Weekdays[s.Busiest]))
	}
	writeTable(&b, [][]string{
		{"current streak", streak(s.Current)},
		{"longest streak", streak(s.Longest)},
		{"busiest weekday", busiest},
	}, -1, width)
	return b.Bytes()
}

type jsonCount struct {
	Month   int `json:"month,omitempty"`
	Entries int `json:"entries"`
	Words   int `json:"words"`
}

type jsonYear struct {
	Year    int         `json:"year"`
	Entries int         `json:"entries"`
	Words   int         `json:"words"`
	Months  []jsonCount `json:"months"`
}

type jsonStreak struct {
	Days int     `json:"days"`
	From *string `json:"from"`
	To   *string `json:"to"`
}

type jsonWeekday struct {
	Weekday string `json:"weekday"`
	Entries int    `json:"entries"`
}

func printStatsJSON(g *globals, s *app.Stats) error {
	streak := func(st app.Streak) jsonStreak {
		j := jsonStreak{Days: st.Days}
		if st.Days > 0 {
			from, to := st.From.Format("2006-01-02"), st.To.Format("2006-01-02")
			j.From, j.To = &from, &to
		}
		return j
	}
	out := struct {
		Entries  int           `json:"entries"`
		Words    int           `json:"words"`
		Years    []jsonYear    `json:"years"`
		Current  jsonStreak    `json:"current_streak"`
		Longest  jsonStreak    `json:"longest_streak"`
		Weekdays []jsonWeekday `json:"weekdays"`
		Busiest  *string       `json:"busiest_weekday"`
	}{Entries: s.Entries, Words: s.Words, Years: []jsonYear{}, Current: streak(s.Current), Longest: streak(s.Longest)}
	for _, y := range s.Years {
		jy := jsonYear{Year: y.Year, Entries: y.Entries, Words: y.Words}
		for m, c := range y.Months {
			jy.Months = append(jy.Months, jsonCount{Month: m + 1, Entries: c.Entries, Words: c.Words})
		}
		out.Years = append(out.Years, jy)
	}
	for _, wd := range weekOrder {
		out.Weekdays = append(out.Weekdays, jsonWeekday{Weekday: wd.String(), Entries: s.Weekdays[wd]})
	}
	if s.Entries > 0 {
		name := s.Busiest.String()
		out.Busiest = &name
	}
	return writeJSON(g, out)
}
