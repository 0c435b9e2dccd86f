package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/gitdiary/diary/repo"
)

// progressDelay is how long a network step runs before its line shows:
// a step that is over sooner leaves the terminal as it was.
const progressDelay = time.Second

// progress draws the network steps' progress on stderr, in one line per
// step that redraws ("fetch: 1234 objects, 1.2 MB, 98 KB/s"); nil (no
// progress asked of repo at all) on a pipe and with -q.
func progress(g *globals) func(repo.Progress) {
	if !g.sys.StderrTTY || g.quiet {
		return nil
	}
	drawn := false
	return func(p repo.Progress) {
		if !drawn && (p.Done || p.Elapsed < progressDelay) {
			return
		}
		drawn = true
		var b strings.Builder
		b.WriteString("\r" + p.Step + ": ")
		if p.Objects > 0 {
			fmt.Fprintf(&b, "%d objects, ", p.Objects)
		}
		fmt.Fprintf(&b, "%s, %s/s", byteSize(float64(p.Bytes)), byteSize(p.Rate))
		if p.Done && !p.Failed {
			b.WriteString(", done.")
		}
		b.WriteString("\x1b[K") // erase what a longer line left
		if p.Done {
			b.WriteString("\n")
			drawn = false
		}
		fmt.Fprint(g.sys.Stderr, b.String())
	}
}

// byteSize is n bytes for people: 512 B, 34 KB, 1.2 MB (powers of 1000).
func byteSize(n float64) string {
	switch {
	case n < 1e3:
		return fmt.Sprintf("%.0f B", n)
	case n < 1e6:
		return fmt.Sprintf("%.0f KB", n/1e3)
	case n < 1e9:
		return fmt.Sprintf("%.1f MB", n/1e6)
	}
	return fmt.Sprintf("%.1f GB", n/1e9)
}
