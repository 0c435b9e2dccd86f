package app

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestEntryDate pins "now" and reads every form --date takes, in two
// zones and across their daylight saving changes: a relative day keeps
// the clock time of now on that day, in that day's offset.
func TestEntryDate(t *testing.T) {
	seoul := mustZone(t, "Asia/Seoul")
	ny := mustZone(t, "America/New_York")
	berlin := mustZone(t, "Europe/Berlin")
	santiago := mustZone(t, "America/Santiago")
	// Wednesday 2 December 2026, 21:30:15 in Seoul.
	wed := time.Date(2026, 12, 2, 21, 30, 15, 123, seoul)
	// Monday 2 November 2026, 08:00 in New York: the clocks went back an
	// hour at 02:00 on Sunday 1 November.
	nyMon := time.Date(2026, 11, 2, 8, 0, 0, 0, ny)
	// Monday 26 October 2026, 09:15 in Berlin: the clocks went back at
	// 03:00 on Sunday 25 October.
	berlinMon := time.Date(2026, 10, 26, 9, 15, 0, 0, berlin)
	// Monday 9 March 2026, 02:30 in New York: on Sunday 8 March there was
	// no 02:30 (02:00 became 03:00).
	nySpring := time.Date(2026, 3, 9, 2, 30, 0, 0, ny)

	for _, c := range []struct {
		in   string
		now  time.Time
		loc  *time.Location
		want string // RFC 3339 in loc; "|" between times either of which will do
	}{
		{"", wed, seoul, "2026-12-02T21:30:15+09:00"},
		{"2026-11-30", wed, seoul, "2026-11-30T00:00:00+09:00"},
		{"2026-11-30 21:00", wed, seoul, "2026-11-30T21:00:00+09:00"},
		{"2026-11-30T21:00", wed, seoul, "2026-11-30T21:00:00+09:00"},
		{"2026-11-30 21:00:05", wed, seoul, "2026-11-30T21:00:05+09:00"},
		{"  2026-11-30  ", wed, seoul, "2026-11-30T00:00:00+09:00"},
		{"now", wed, seoul, "2026-12-02T21:30:15+09:00"},
		{"today", wed, seoul, "2026-12-02T21:30:15+09:00"},
		{"Today", wed, seoul, "2026-12-02T21:30:15+09:00"},
		{"yesterday", wed, seoul, "2026-12-01T21:30:15+09:00"},
		{"tomorrow", wed, seoul, "2026-12-03T21:30:15+09:00"},
		{"yesterday 08:05", wed, seoul, "2026-12-01T08:05:00+09:00"},
		// A bare weekday is the last one, today included (a diary is
		// about the past, and jrnl reads it so too).
		{"wednesday", wed, seoul, "2026-12-02T21:30:15+09:00"},
		{"friday", wed, seoul, "2026-11-27T21:30:15+09:00"},
		{"Fri", wed, seoul, "2026-11-27T21:30:15+09:00"},
		{"thursday", wed, seoul, "2026-11-26T21:30:15+09:00"},
		{"tuesday", wed, seoul, "2026-12-01T21:30:15+09:00"},
		{"friday 21:00", wed, seoul, "2026-11-27T21:00:00+09:00"},
		// last: strictly before today; next: strictly after.
		{"last wednesday", wed, seoul, "2026-11-25T21:30:15+09:00"},
		{"last friday", wed, seoul, "2026-11-27T21:30:15+09:00"},
		{"last  Tuesday", wed, seoul, "2026-12-01T21:30:15+09:00"},
		{"next friday", wed, seoul, "2026-12-04T21:30:15+09:00"},
		{"next wednesday", wed, seoul, "2026-12-09T21:30:15+09:00"},
		{"next tue", wed, seoul, "2026-12-08T21:30:15+09:00"},
		{"0 days ago", wed, seoul, "2026-12-02T21:30:15+09:00"},
		{"1 day ago", wed, seoul, "2026-12-01T21:30:15+09:00"},
		{"3 days ago", wed, seoul, "2026-11-29T21:30:15+09:00"},
		{"1 week ago", wed, seoul, "2026-11-25T21:30:15+09:00"},
		{"2 weeks ago", wed, seoul, "2026-11-18T21:30:15+09:00"},
		{"2 weeks ago 07:00", wed, seoul, "2026-11-18T07:00:00+09:00"},
		{"40 days ago", wed, seoul, "2026-10-23T21:30:15+09:00"},
		// The same instant read in another zone is another day.
		{"today", wed, ny, "2026-12-02T07:30:15-05:00"},
		{"yesterday", wed, ny, "2026-12-01T07:30:15-05:00"},

		// New York, the day after the clocks went back.
		{"today", nyMon, ny, "2026-11-02T08:00:00-05:00"},
		{"yesterday", nyMon, ny, "2026-11-01T08:00:00-05:00"},
		{"sunday", nyMon, ny, "2026-11-01T08:00:00-05:00"},
		{"3 days ago", nyMon, ny, "2026-10-30T08:00:00-04:00"},
		{"last saturday", nyMon, ny, "2026-10-31T08:00:00-04:00"},
		{"1 week ago", nyMon, ny, "2026-10-26T08:00:00-04:00"},
		// A clock time that came twice is either of them.
		{"2026-11-01 01:30", nyMon, ny, "2026-11-01T01:30:00-04:00|2026-11-01T01:30:00-05:00"},
		// Berlin, the day after.
		{"last sunday", berlinMon, berlin, "2026-10-25T09:15:00+01:00"},
		{"2 days ago", berlinMon, berlin, "2026-10-24T09:15:00+02:00"},
		{"next monday", berlinMon, berlin, "2026-11-02T09:15:00+01:00"},
		{"yesterday 02:30", berlinMon, berlin, "2026-10-25T02:30:00+02:00|2026-10-25T02:30:00+01:00"},
		// New York, the day after a night without 02:30: the same day,
		// an hour later on the clock.
		{"yesterday", nySpring, ny, "2026-03-08T03:30:00-04:00"},
		{"2 days ago", nySpring, ny, "2026-03-07T02:30:00-05:00"},
		// Santiago's clock went from 23:59:59 on 10 September 2022 to
		// 01:00 on the 11th: that day starts at 01:00, and is not the
		// 10th at 23:00 (Go's time.Date may give either).
		{"2022-09-11", wed, santiago, "2022-09-11T01:00:00-03:00"},
	} {
		got, err := entryDate(c.in, c.now, c.loc)
		if err != nil {
			t.Errorf("entryDate(%q, %s): %v", c.in, c.now.Format(time.RFC3339), err)
			continue
		}
		if s := got.In(c.loc).Format(time.RFC3339); !slices.Contains(strings.Split(c.want, "|"), s) {
			t.Errorf("entryDate(%q, %s) = %s, want %s", c.in, c.now.Format(time.RFC3339), s, c.want)
		}
	}
}

// TestEntryDateRefused: what is ambiguous or unknown is a usage error
// that lists the forms there are; nothing is guessed.
func TestEntryDateRefused(t *testing.T) {
	now := time.Date(2026, 12, 2, 21, 30, 0, 0, time.UTC)
	for _, in := range []string{
		"03/04/2026", // March or April?
		"may",        // a month, or "may" as in maybe?
		"2026-02-30",
		"2026-11-30 25:00",
		"yesterday 25:00",
		"friday 9",
		"next",
		"last",
		"last day",
		"next month",
		"3 days",
		"days ago",
		"-1 days ago",
		"1.5 days ago",
		"3 months ago",
		"99999999 days ago",
		"in 3 days",
		"friday friday",
		"yesterday today",
		"tomorrow at 9",
	} {
		_, err := entryDate(in, now, time.UTC)
		if err == nil {
			t.Errorf("entryDate(%q) took it", in)
			continue
		}
		if !errors.Is(err, ErrUsage) {
			t.Errorf("entryDate(%q): %v is not a usage error", in, err)
		}
		for _, form := range []string{"YYYY-MM-DD", "yesterday", "last friday", "3 days ago"} {
			if !strings.Contains(err.Error(), form) {
				t.Errorf("entryDate(%q): %q does not list %q", in, err, form)
			}
		}
	}
}
