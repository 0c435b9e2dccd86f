package app

import (
	"testing"
	"time"
)

func TestStreaks(t *testing.T) {
	seoul := mustZone(t, "Asia/Seoul")
	york := mustZone(t, "America/New_York")
	type streak struct {
		days     int
		from, to string
	}
	for _, c := range []struct {
		name             string
		loc              *time.Location
		entries          []string
		now              string
		current, longest streak
	}{
		{"across the new year", seoul, []string{"2021-12-30", "2021-12-31", "2022-01-01", "2022-01-02"}, "2022-01-02T20:00:00+09:00",
			streak{4, "2021-12-30", "2022-01-02"}, streak{4, "2021-12-30", "2022-01-02"}},
		{"up to yesterday", seoul, []string{"2021-12-30", "2021-12-31", "2022-01-01", "2022-01-02"}, "2022-01-03T23:59:00+09:00",
			streak{4, "2021-12-30", "2022-01-02"}, streak{4, "2021-12-30", "2022-01-02"}},
		{"broken the day before yesterday", seoul, []string{"2021-12-30", "2021-12-31", "2022-01-01", "2022-01-02"}, "2022-01-04T00:01:00+09:00",
			streak{}, streak{4, "2021-12-30", "2022-01-02"}},
		{"a leap day in the run", seoul, []string{"2020-02-28", "2020-02-29", "2020-03-01", "2020-03-03"}, "2020-03-03T12:00:00+09:00",
			streak{1, "2020-03-03", "2020-03-03"}, streak{3, "2020-02-28", "2020-03-01"}},
		{"no leap day: 28th to 1st is a run", seoul, []string{"2021-02-28", "2021-03-01"}, "2021-03-01T12:00:00+09:00",
			streak{2, "2021-02-28", "2021-03-01"}, streak{2, "2021-02-28", "2021-03-01"}},
		{"several a day count once", seoul, []string{"2022-04-29", "2022-04-30", "2022-04-30T08:00:00+09:00", "2022-04-30T22:00:00+09:00"}, "2022-04-30T23:00:00+09:00",
			streak{2, "2022-04-29", "2022-04-30"}, streak{2, "2022-04-29", "2022-04-30"}},
		// 15:30Z and 14:00Z the next day are one Seoul day, two UTC days.
		{"zone: one day in Seoul", seoul, []string{"2022-04-29T15:30:00Z", "2022-04-30T14:00:00Z"}, "2022-04-30T14:30:00Z",
			streak{1, "2022-04-30", "2022-04-30"}, streak{1, "2022-04-30", "2022-04-30"}},
		{"zone: two days in UTC", time.UTC, []string{"2022-04-29T15:30:00Z", "2022-04-30T14:00:00Z"}, "2022-04-30T14:30:00Z",
			streak{2, "2022-04-29", "2022-04-30"}, streak{2, "2022-04-29", "2022-04-30"}},
		// The day clocks spring forward has 23 hours; still one day.
		{"daylight saving", york, []string{"2022-03-12", "2022-03-13", "2022-03-14"}, "2022-03-14T09:00:00-04:00",
			streak{3, "2022-03-12", "2022-03-14"}, streak{3, "2022-03-12", "2022-03-14"}},
		{"of equal runs, the latest", seoul, []string{"2022-01-01", "2022-01-02", "2022-02-01", "2022-02-02"}, "2022-04-30T12:00:00+09:00",
			streak{}, streak{2, "2022-02-01", "2022-02-02"}},
		{"before 1970", seoul, []string{"1969-12-31", "1970-01-01"}, "1970-01-02T12:00:00+09:00",
			streak{2, "1969-12-31", "1970-01-01"}, streak{2, "1969-12-31", "1970-01-01"}},
		{"a post dated after today is no current streak", seoul, []string{"2022-05-03"}, "2022-04-30T12:00:00+09:00",
			streak{}, streak{1, "2022-05-03", "2022-05-03"}},
		{"none", seoul, nil, "2022-04-30T12:00:00+09:00", streak{}, streak{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			now, err := time.Parse(time.RFC3339, c.now)
			if err != nil {
				t.Fatal(err)
			}
			s := stats(dated(t, c.loc, c.entries...), now, c.loc)
			for _, k := range []struct {
				what string
				got  Streak
				want streak
			}{{"current", s.Current, c.current}, {"longest", s.Longest, c.longest}} {
				got := streak{days: k.got.Days}
				if k.got.Days > 0 {
					got.from, got.to = k.got.From.Format("2006-01-02"), k.got.To.Format("2006-01-02")
					if k.got.From.Location() != c.loc || k.got.From.Hour() != 0 {
						t.Errorf("%s streak from %v: want midnight in %v", k.what, k.got.From, c.loc)
					}
				} else if !k.got.From.IsZero() {
					t.Errorf("%s streak of no days from %v", k.what, k.got.From)
				}
				if got != k.want {
					t.Errorf("%s streak %+v, want %+v", k.what, got, k.want)
				}
			}
		})
	}
}

func TestStatsCounts(t *testing.T) {
	seoul := mustZone(t, "Asia/Seoul")
	es := dated(t, seoul,
		"2021-12-31T15:30:00Z=10", // 2022-01-01 00:30 in Seoul: a Saturday
		"2021-05-03=7",            // Monday
		"2022-01-03=5",            // Monday
		"2022-03-05=20",           // Saturday
		"2022-03-12=0",            // Saturday
	)
	now := time.Date(2022, 4, 30, 12, 0, 0, 0, seoul)
	s := stats(es, now, seoul)
	if s.Entries != 5 || s.Words != 42 {
		t.Errorf("%d entries, %d words; want 5, 42", s.Entries, s.Words)
	}
	if len(s.Years) != 2 || s.Years[0].Year != 2021 || s.Years[1].Year != 2022 {
		t.Fatalf("years %+v", s.Years)
	}
	if y := s.Years[0]; y.Entries != 1 || y.Words != 7 || y.Months[4] != (Count{1, 7}) || y.Months[11] != (Count{}) {
		t.Errorf("2021: %+v (the post at 15:30Z on Dec 31 is 2022 in Seoul)", y)
	}
	if y := s.Years[1]; y.Entries != 4 || y.Words != 35 || y.Months[0] != (Count{2, 15}) || y.Months[2] != (Count{2, 20}) {
		t.Errorf("2022: %+v", y)
	}
	if s.Busiest != time.Saturday || s.Weekdays[time.Saturday] != 3 || s.Weekdays[time.Monday] != 2 {
		t.Errorf("busiest %v, weekdays %v", s.Busiest, s.Weekdays)
	}
	// Equal weekdays: the week's first, from Monday (Sunday last).
	s = stats(dated(t, seoul, "2022-05-01", "2022-05-07"), now, seoul) // a Sunday, a Saturday
	if s.Busiest != time.Saturday {
		t.Errorf("of Sunday and Saturday, %v is the busiest; want Saturday", s.Busiest)
	}
	s = stats(dated(t, seoul, "2022-05-01", "2022-05-02"), now, seoul) // a Sunday, a Monday
	if s.Busiest != time.Monday {
		t.Errorf("of Sunday and Monday, %v is the busiest; want Monday", s.Busiest)
	}
}
