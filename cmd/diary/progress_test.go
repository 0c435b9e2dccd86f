package main

import (
	"bytes"
	"testing"
	"time"

	"github.com/gitdiary/diary/repo"
)

// The progress line: nothing for a step over within progressDelay; once
// shown, each report redraws it, and the last ends it with a newline,
// saying done only when the step did not fail.
func TestProgressLine(t *testing.T) {
	step := func(failed bool, reports ...repo.Progress) string {
		var out bytes.Buffer
		draw := progress(&globals{sys: System{Stderr: &out, StderrTTY: true}})
		for _, p := range reports {
			draw(p)
		}
		draw(repo.Progress{Step: "push", Objects: 3, Bytes: 2_500_000, Rate: 98_000, Elapsed: 30 * time.Second, Done: true, Failed: failed})
		return out.String()
	}
	for _, tc := range []struct {
		name    string
		failed  bool
		reports []repo.Progress
		want    string
	}{
		{"quick", false, nil, ""},
		{"quick and failed", true, []repo.Progress{{Step: "push", Bytes: 10, Elapsed: progressDelay / 2}}, ""},
		{"slow", false, []repo.Progress{
			{Step: "push", Bytes: 10, Elapsed: progressDelay / 2},
			{Step: "push", Objects: 3, Bytes: 512, Rate: 999, Elapsed: progressDelay},
			{Step: "push", Objects: 3, Bytes: 34_000, Rate: 1_500, Elapsed: 2 * progressDelay},
		}, "\rpush: 3 objects, 512 B, 999 B/s\x1b[K" +
			"\rpush: 3 objects, 34 KB, 2 KB/s\x1b[K" +
			"\rpush: 3 objects, 2.5 MB, 98 KB/s, done.\x1b[K\n"},
		{"slow and failed", true, []repo.Progress{
			{Step: "push", Bytes: 1_200_000_000, Rate: 0, Elapsed: 2 * progressDelay},
		}, "\rpush: 1.2 GB, 0 B/s\x1b[K" +
			"\rpush: 3 objects, 2.5 MB, 98 KB/s\x1b[K\n"},
	} {
		if got := step(tc.failed, tc.reports...); got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}
	var out bytes.Buffer
	for _, g := range []*globals{{sys: System{Stderr: &out}}, {sys: System{Stderr: &out, StderrTTY: true}, quiet: true}} {
		if progress(g) != nil {
			t.Errorf("progress is drawn with stderr a terminal %v and quiet %v", g.sys.StderrTTY, g.quiet)
		}
	}
}
