package app

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gitdiary/diary/entry"
)

// dated makes entries (named DATE-INDEX, by the date as given) at the instants given (RFC 3339, or YYYY-MM-DD as
// midnight in loc), each with 100 words unless "=N words" follows.
func dated(t *testing.T, loc *time.Location, specs ...string) []*entry.Entry {
	t.Helper()
	var out []*entry.Entry
	for i, s := range specs {
		s, words, _ := strings.Cut(s, "=")
		w := 100
		if words != "" {
			fmt.Sscanf(words, "%d", &w)
		}
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			tm, err = time.ParseInLocation("2006-01-02", s, loc)
		}
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		out = append(out, &entry.Entry{Path: fmt.Sprintf("%s-%d", tm.Format("2006-01-02"), i), Date: tm, Words: w})
	}
	return out
}

func paths(es []*entry.Entry) string {
	var s []string
	for _, e := range es {
		s = append(s, e.Path)
	}
	return strings.Join(s, " ")
}

func TestOnThisDay(t *testing.T) {
	seoul := mustZone(t, "Asia/Seoul")
	entries := dated(t, seoul,
		"2019-04-30", "2020-02-28", "2020-02-29", "2021-04-30", "2022-02-28",
		"2022-04-30", "2023-04-30", // the day asked about, and a later year
		"2021-04-29T16:00:00Z", // 2021-04-30 01:00 in Seoul
		"2021-04-30T16:00:00Z", // 2021-05-01 in Seoul
		"2024-02-29",
	)
	for _, c := range []struct {
		day  string
		loc  *time.Location
		want string
	}{
		// Newest first, earlier years only; the day in the diary's zone.
		{"2022-04-30", seoul, "2021-04-29-7 2021-04-30-3 2019-04-30-0"},
		// In UTC the Seoul midnights are the day before; 16:00Z is not.
		{"2022-04-30", time.UTC, "2021-04-30-8"},
		// February 29 comes round on February 28 of a year without one,
		{"2023-02-28", seoul, "2022-02-28-4 2020-02-29-2 2020-02-28-1"},
		// but not in a leap year, where it has its own day,
		{"2024-02-28", seoul, "2022-02-28-4 2020-02-28-1"},
		{"2024-02-29", seoul, "2020-02-29-2"},
		{"2025-02-28", seoul, "2024-02-29-9 2022-02-28-4 2020-02-29-2 2020-02-28-1"},
		// and not on March 1.
		{"2023-03-01", seoul, ""},
		{"2019-04-30", seoul, ""},
	} {
		day, _ := time.ParseInLocation("2006-01-02", c.day, c.loc)
		if got := paths(onThisDay(entries, day, c.loc)); got != c.want {
			t.Errorf("on %s in %v: %s, want %s", c.day, c.loc, got, c.want)
		}
	}
}
