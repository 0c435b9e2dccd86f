package sync

import (
	"time"

	"github.com/gitdiary/diary/entry"
)

// LintWarnings lists, as "path: warning", what Jekyll builds from the post
// p (data, its file) but most likely not as meant (entry's Warnings: a
// date on a day its month lacks, which Jekyll rolls over into the next
// month). They are no reason to hold the post back: sync, status and
// doctor say them and publish it. A post Lint refuses has none here.
func LintWarnings(p string, data []byte, loc *time.Location) []string {
	e, err := entry.Parse(p, data, loc, false)
	if err != nil {
		return nil
	}
	var out []string
	for _, w := range e.Warnings() {
		out = append(out, p+": "+w)
	}
	return out
}
