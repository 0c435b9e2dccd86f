package app

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/gitdiary/diary/entry"
)

// Stats are `diary stats`: how much was written, when.
type Stats struct {
	Entries, Words int
	Years          []YearStats // oldest first; only years with an entry
	// Current is the run of days with an entry that ends today, or
	// yesterday when nothing is written yet today (a streak is not
	// broken before the day is over); Days 0 when neither has one.
	Current Streak
	Longest Streak // the longest run; the latest of equal ones
	// Weekdays counts the entries written on each weekday (Sunday
	// first, as time.Weekday counts), Busiest the weekday of the most
	// (the first from Monday of equal ones); Busiest is meaningless
	// without entries.
	Weekdays [7]int
	Busiest  time.Weekday
}

// YearStats are one year's entries and words, and each month's.
type YearStats struct {
	Year           int
	Entries, Words int
	Months         [12]Count // January first
}

// Count is a number of entries and the words they hold.
type Count struct {
	Entries, Words int
}

// Streak is a run of consecutive days each with at least one entry, From
// and To (both included) midnight in the diary's zone; zero for none.
type Streak struct {
	Days     int
	From, To time.Time
}

// Stats counts the diary's posts from the list cache (with each post's
// Words, so that no post is read again), days and weekdays as the diary's
// zone has them, and returns one error for each file that could not be
// read.
func (d *Diary) Stats(ctx context.Context) (*Stats, []error, error) {
	all, warnings, err := d.List(ctx, ListOptions{})
	if err != nil {
		return nil, warnings, err
	}
	return stats(all, d.opts.now(), d.Config.Location), warnings, nil
}

// civil is a day by its date alone, as a count of days, so that runs of
// days are counted by date, not by 24 hours (a daylight saving change
// makes a day of 23 or 25).
type civil int64

func civilOf(t time.Time) civil {
	y, m, d := t.Date()
	return civil(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400) // exact, before 1970 too
}

func (c civil) in(loc *time.Location) time.Time {
	y, m, d := time.Unix(int64(c)*86400, 0).UTC().Date()
	return startOfDay(y, m, d, loc)
}

func stats(entries []*entry.Entry, now time.Time, loc *time.Location) *Stats {
	s := &Stats{}
	years := map[int]*YearStats{}
	days := map[civil]bool{}
	for _, e := range entries {
		t := e.Date.In(loc)
		s.Entries++
		s.Words += e.Words
		y := years[t.Year()]
		if y == nil {
			y = &YearStats{Year: t.Year()}
			years[t.Year()] = y
		}
		y.Entries++
		y.Words += e.Words
		y.Months[t.Month()-1].Entries++
		y.Months[t.Month()-1].Words += e.Words
		s.Weekdays[t.Weekday()]++
		days[civilOf(t)] = true
	}
	for y := range years {
		s.Years = append(s.Years, *years[y])
	}
	slices.SortFunc(s.Years, func(a, b YearStats) int { return cmp.Compare(a.Year, b.Year) })
	// Monday first, so that of equal weekdays the week's first wins.
	s.Busiest = time.Monday
	for i := 1; i <= 7; i++ {
		if wd := time.Weekday(i % 7); s.Weekdays[wd] > s.Weekdays[s.Busiest] {
			s.Busiest = wd
		}
	}
	if len(days) == 0 {
		return s
	}
	// The longest run: from each day that starts one (no entry the day
	// before), forward while there are entries.
	for c := range days {
		if days[c-1] {
			continue
		}
		end := c
		for days[end+1] {
			end++
		}
		n := int(end - c + 1)
		if n > s.Longest.Days || n == s.Longest.Days && end.in(loc).After(s.Longest.To) {
			s.Longest = Streak{Days: n, From: c.in(loc), To: end.in(loc)}
		}
	}
	today := civilOf(now.In(loc))
	end := today
	if !days[end] {
		end--
	}
	if days[end] {
		start := end
		for days[start-1] {
			start--
		}
		s.Current = Streak{Days: int(end - start + 1), From: start.in(loc), To: end.in(loc)}
	}
	return s
}
