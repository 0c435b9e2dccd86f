package app

import (
	"context"
	"slices"
	"time"

	"github.com/gitdiary/diary/entry"
)

// OnThisDayOptions are `diary on-this-day`'s argument.
type OnThisDayOptions struct {
	Date string // a day as --date takes it (see entryDate); "" for today
}

// OnThisDayResult is the day asked about and what was written on its
// month and day in earlier years, newest first.
type OnThisDayResult struct {
	Day     time.Time // midnight of the day, in the diary's zone
	Entries []*entry.Entry
}

// OnThisDay finds the posts written on the month and day of o.Date (today
// without one) in the years before it, from the list cache, and one
// error for each file that could not be read.
func (d *Diary) OnThisDay(ctx context.Context, o OnThisDayOptions) (*OnThisDayResult, []error, error) {
	day, err := d.whenDay(o.Date, "DATE")
	if err != nil {
		return nil, nil, err
	}
	if day.IsZero() {
		y, m, dd := d.opts.now().In(d.Config.Location).Date()
		day = startOfDay(y, m, dd, d.Config.Location)
	}
	all, warnings, err := d.List(ctx, ListOptions{})
	if err != nil {
		return nil, warnings, err
	}
	return &OnThisDayResult{Day: day, Entries: onThisDay(all, day, d.Config.Location)}, warnings, nil
}

// onThisDay picks the entries dated (in loc) on day's month and day in an
// earlier year, newest first. An entry of February 29 is shown on
// February 28 of a year that has no 29th, so that it comes round every
// year, not every fourth.
func onThisDay(entries []*entry.Entry, day time.Time, loc *time.Location) []*entry.Entry {
	year, month, dom := day.Date()
	leapDay := month == time.February && dom == 28 && !isLeap(year)
	var out []*entry.Entry
	for _, e := range entries {
		y, m, d := e.Date.In(loc).Date()
		if y >= year || m != month {
			continue
		}
		if d == dom || leapDay && d == 29 {
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, func(a, b *entry.Entry) int { return b.Date.Compare(a.Date) })
	return out
}

func isLeap(year int) bool {
	return year%4 == 0 && (year%100 != 0 || year%400 == 0)
}
