package app

import (
	"strconv"
	"strings"
	"time"
)

// dateForms is what --date takes, for the error that refuses the rest.
const dateForms = `YYYY-MM-DD, "YYYY-MM-DD HH:MM", now, today, yesterday, tomorrow, a weekday (friday: the last one, today included), "last friday", "next friday", "3 days ago", "2 weeks ago"; a day may be followed by HH:MM`

// weekdays by their names and three-letter abbreviations.
var weekdays = func() map[string]time.Weekday {
	m := map[string]time.Weekday{}
	for d := time.Sunday; d <= time.Saturday; d++ {
		name := strings.ToLower(d.String())
		m[name] = d
		m[name[:3]] = d
	}
	return m
}()

// entryDate reads --date (of new, publish and rename) in the diary's
// zone loc; "" is now. It takes, and nothing else, so that nothing is
// guessed (no "03/04/2026", no "may"):
//
//   - YYYY-MM-DD (midnight), YYYY-MM-DD HH:MM, YYYY-MM-DDTHH:MM,
//     YYYY-MM-DD HH:MM:SS;
//   - now, today, yesterday, tomorrow;
//   - a weekday (friday, fri): the last one, today included, as jrnl
//     reads a bare weekday (a diary is written about the past);
//   - last WEEKDAY (the one before today) and next WEEKDAY (the one after
//     today), 1 to 7 days away;
//   - N day(s) ago, N week(s) ago;
//   - any of these days (not now) followed by HH:MM.
//
// A relative day keeps now's clock time unless HH:MM is given; on a day
// whose clock skipped that time (a daylight saving change), it moves on
// past the gap (02:30 becomes 03:30); one the clock showed twice is
// either. Words are case-insensitive.
func entryDate(s string, now time.Time, loc *time.Location) (time.Time, error) {
	now = now.In(loc)
	s = strings.TrimSpace(s)
	if s == "" {
		return now, nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		y, m, d := t.Date()
		return startOfDay(y, m, d, loc), nil
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	if t, ok := naturalDate(strings.Fields(strings.ToLower(s)), now, loc); ok {
		return t, nil
	}
	return time.Time{}, Usagef("--date %q is not a date diary reads: use %s", s, dateForms)
}

// naturalDate reads the natural forms of entryDate, split into words.
func naturalDate(w []string, now time.Time, loc *time.Location) (time.Time, bool) {
	if len(w) == 1 && w[0] == "now" {
		return now, true
	}
	days, n, ok := relativeDay(w, now.Weekday())
	if !ok {
		return time.Time{}, false
	}
	h, m, sec := now.Clock()
	switch len(w) - n {
	case 0:
	case 1:
		t, err := time.Parse("15:04", w[n])
		if err != nil {
			return time.Time{}, false
		}
		h, m, sec = t.Hour(), t.Minute(), 0
	default:
		return time.Time{}, false
	}
	y, mo, d := now.Date()
	t := time.Date(y, mo, d+days, h, m, sec, 0, loc)
	// A clock time the day skipped: time.Date may give one before the
	// gap (01:30 for 02:30); move it on by the difference, past the gap.
	asked := time.Date(y, mo, d+days, h, m, sec, 0, time.UTC)
	if got := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC); got.Before(asked) {
		t = t.Add(asked.Sub(got))
	}
	return t, true
}

// maxAgo bounds "N days ago" (about 100 years): a diary has no entries
// older, and a larger N would overflow the date.
const maxAgo = 36600

// relativeDay reads the day at the start of w: how many days from today
// (negative: before) and how many words it took.
func relativeDay(w []string, today time.Weekday) (days, n int, ok bool) {
	if len(w) == 0 {
		return 0, 0, false
	}
	switch w[0] {
	case "today":
		return 0, 1, true
	case "yesterday":
		return -1, 1, true
	case "tomorrow":
		return 1, 1, true
	case "last", "next":
		if len(w) < 2 {
			return 0, 0, false
		}
		wd, ok := weekdays[w[1]]
		if !ok {
			return 0, 0, false
		}
		if w[0] == "last" {
			back := (int(today) - int(wd) + 7) % 7
			if back == 0 {
				back = 7
			}
			return -back, 2, true
		}
		ahead := (int(wd) - int(today) + 7) % 7
		if ahead == 0 {
			ahead = 7
		}
		return ahead, 2, true
	}
	if wd, ok := weekdays[w[0]]; ok {
		return -((int(today) - int(wd) + 7) % 7), 1, true
	}
	if len(w) >= 3 && w[2] == "ago" {
		k, err := strconv.Atoi(w[0])
		if err != nil || k < 0 || w[0][0] == '+' {
			return 0, 0, false
		}
		switch w[1] {
		case "day", "days":
		case "week", "weeks":
			k *= 7
		default:
			return 0, 0, false
		}
		if k > maxAgo {
			return 0, 0, false
		}
		return -k, 3, true
	}
	return 0, 0, false
}

// whenDay reads a day as --date takes it (see entryDate) for the flag or
// argument named flag, and returns its midnight in loc: search's --since
// and --until, on-this-day's DATE. "" is the zero time.
func (d *Diary) whenDay(s, flag string) (time.Time, error) {
	if strings.TrimSpace(s) == "" {
		return time.Time{}, nil
	}
	loc := d.Config.Location
	t, err := entryDate(s, d.opts.now(), loc)
	if err != nil {
		return time.Time{}, Usagef("%s %q is not a date diary reads: use %s", flag, s, dateForms)
	}
	y, m, day := t.In(loc).Date()
	return startOfDay(y, m, day, loc), nil
}

// startOfDay is the first instant of the day y-m-d in loc: midnight, or
// where the clock skipped midnight (America/Santiago on 11 September
// 2022 went from 23:59:59 to 01:00), the first time the day has; Go's
// time.Date gives either side of such a gap, here the day before.
func startOfDay(y int, m time.Month, d int, loc *time.Location) time.Time {
	t := time.Date(y, m, d, 0, 0, 0, 0, loc)
	if ty, tm, td := t.Date(); ty == y && tm == m && td == d {
		return t
	}
	// t is before the gap; the day begins where the gap ends, at the
	// end of t's zone period.
	if _, end := t.ZoneBounds(); !end.IsZero() {
		if ey, em, ed := end.Date(); ey == y && em == m && ed == d {
			return end
		}
	}
	return time.Date(y, m, d, 1, 0, 0, 0, loc)
}
