package app

import (
	"fmt"
	"testing"
)

func TestCalendar(t *testing.T) {
	seoul := mustZone(t, "Asia/Seoul")
	santiago := mustZone(t, "America/Santiago") // its clock skipped midnight on 2022-09-11
	es := dated(t, seoul, "2020-02-29=50", "2020-12-31T15:30:00Z=9", "2020-03-01=1", "2020-03-01T20:00:00+09:00=2", "2021-01-02=3")
	cal := calendar(es, 2020, seoul)
	if len(cal.Days) != 366 {
		t.Fatalf("2020 has %d days, want 366", len(cal.Days))
	}
	if d := cal.Days[59]; d.Date.Format("01-02") != "02-29" || d.Entries != 1 || d.Words != 50 {
		t.Errorf("Feb 29: %+v", d)
	}
	if d := cal.Days[60]; d.Entries != 2 || d.Words != 3 {
		t.Errorf("Mar 1: %+v", d)
	}
	if d := cal.Days[365]; d.Date.Format("01-02") != "12-31" || d.Entries != 0 {
		t.Errorf("Dec 31: %+v (15:30Z is January 1 in Seoul)", d)
	}
	if n := len(calendar(es, 2021, seoul).Days); n != 365 {
		t.Errorf("2021 has %d days, want 365", n)
	}
	if got := calendar(es, 2021, seoul).Days[0]; got.Entries != 1 || got.Words != 9 {
		t.Errorf("2021-01-01 in Seoul: %+v", got)
	}
	for i, d := range calendar(nil, 2022, santiago).Days {
		if d.Date.YearDay() != i+1 || d.Date.Year() != 2022 {
			t.Fatalf("day %d of 2022 in Santiago is %v", i+1, d.Date)
		}
	}
}

func TestCalendarLevels(t *testing.T) {
	for _, c := range []struct {
		words []int // -1: no entry
		want  []int
	}{
		{[]int{-1, -1}, []int{0, 0}},
		{[]int{10, 20, 30, 40}, []int{1, 2, 3, 4}},
		{[]int{40, -1, 30, 20, 10}, []int{4, 0, 3, 2, 1}},
		{[]int{0, 5, 5, 5}, []int{1, 2, 2, 2}}, // quartiles 0, 5, 5
		{[]int{100, 100, 100}, []int{1, 1, 1}}, // all alike: one level
		{[]int{1, 2, 3, 4, 5, 6, 7, 8}, []int{1, 1, 2, 2, 3, 3, 4, 4}},
		{[]int{1, 1000}, []int{1, 3}}, // two days: ranks 1, 1, 2
	} {
		days := make([]CalendarDay, len(c.words))
		for i, w := range c.words {
			if w >= 0 {
				days[i] = CalendarDay{Entries: 1, Words: w}
			}
		}
		setLevels(days)
		var got []int
		for _, d := range days {
			got = append(got, d.Level)
		}
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("levels of %v: %v, want %v", c.words, got, c.want)
		}
	}
}
