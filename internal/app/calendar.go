package app

import (
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/gitdiary/diary/entry"
)

// CalendarOptions are `diary calendar`'s argument.
type CalendarOptions struct {
	Year string // YYYY; "" for this year in the diary's zone
}

// CalendarDay is one day of the year: how many posts are dated on it (in
// the diary's zone) and how many words they hold (entry.Entry.Words).
type CalendarDay struct {
	Date    time.Time // the day's start (midnight) in the diary's zone
	Entries int
	Words   int
	// Level marks the day, as a contribution graph shades it: 0 for a
	// day without an entry; 1 to 4 for the quarter of the year's
	// writing days its words fall in (4: the days of the most words).
	Level int
}

// Calendar is a year, a day at a time.
type Calendar struct {
	Year int
	Days []CalendarDay // January 1 to December 31
}

// CalendarLevels is the number of levels above 0 a day can have.
const CalendarLevels = 4

// Calendar counts the entries and words of every day of a year, from the
// list cache (each post's Words is kept there, so that no post is read
// again), and one error for each file that could not be read.
func (d *Diary) Calendar(ctx context.Context, o CalendarOptions) (*Calendar, []error, error) {
	loc := d.Config.Location
	year := d.opts.now().In(loc).Year()
	if o.Year != "" {
		y, err := strconv.Atoi(o.Year)
		if err != nil || y < 1 || y > 9999 {
			return nil, nil, Usagef("%q is not a year: give one as YYYY, from 1 to 9999, as in diary calendar 2022", o.Year)
		}
		year = y
	}
	all, warnings, err := d.List(ctx, ListOptions{})
	if err != nil {
		return nil, warnings, err
	}
	return calendar(all, year, loc), warnings, nil
}

// calendar counts the entries and words of each day of year in loc.
func calendar(entries []*entry.Entry, year int, loc *time.Location) *Calendar {
	cal := &Calendar{Year: year}
	// Each day from its date, not by adding 24 hours to the one before
	// (a daylight saving change makes a day of 23 or 25).
	for i := range daysIn(year) {
		cal.Days = append(cal.Days, CalendarDay{Date: startOfDay(year, time.January, 1+i, loc)})
	}
	for _, e := range entries {
		t := e.Date.In(loc)
		if t.Year() != year {
			continue
		}
		day := &cal.Days[t.YearDay()-1]
		day.Entries++
		day.Words += e.Words
	}
	setLevels(cal.Days)
	return cal
}

// daysIn is the number of days of year: 365, or 366 in a leap year.
func daysIn(year int) int {
	if isLeap(year) {
		return 366
	}
	return 365
}

// setLevels gives each day with an entry its level: the day's words
// against the quartiles of the words of the year's days with entries
// (the nearest-rank method), so that a year of short entries and a year
// of long ones both use every level. A day with an entry and no words
// (a post of only pictures) is level 1, and so is every day of a year
// whose writing days all hold the same number of words.
func setLevels(days []CalendarDay) {
	var words []int
	for _, d := range days {
		if d.Entries > 0 {
			words = append(words, d.Words)
		}
	}
	if len(words) == 0 {
		return
	}
	slices.Sort(words)
	var cut [CalendarLevels - 1]int
	for i := range cut {
		// The nearest rank of the (i+1)/4 quantile, 1-based.
		rank := ((i+1)*len(words) + CalendarLevels - 1) / CalendarLevels
		cut[i] = words[rank-1]
	}
	for i := range days {
		d := &days[i]
		if d.Entries == 0 {
			continue
		}
		d.Level = 1
		for _, c := range cut {
			if d.Words > c {
				d.Level++
			}
		}
	}
}
