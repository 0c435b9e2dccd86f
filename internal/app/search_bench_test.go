package app_test

// Benchmarks of search, on-this-day, calendar and stats on the reference
// diary (DESIGN.md, "Speed and size": search no slower than rg -i -c
// WORD over the same files; the others under 100 ms at 10,000 posts).
// bench/search.sh measures the built binary side by side with rg.

import (
	"context"
	"testing"

	"github.com/gitdiary/diary/internal/app"
)

func openReference(b *testing.B) *app.Diary {
	b.Helper()
	env := benchEnv(b)
	ref := referenceDiary(b)
	d, err := app.Open(app.Options{Repo: ref, Env: env, Dir: ref})
	if err != nil {
		b.Fatal(err)
	}
	return d
}

// BenchmarkSearch: a Korean word in about half the posts, an English one
// in about half, and one in none (each post ruled out by the prefilter).
func BenchmarkSearch(b *testing.B) {
	d := openReference(b)
	ctx := context.Background()
	for _, word := range []string{"산책", "coffee", "seoul"} {
		b.Run(word, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, warnings, err := d.Search(ctx, app.SearchOptions{Query: []string{word}}); err != nil || len(warnings) > 0 {
					b.Fatalf("search: %v %v", err, warnings)
				}
			}
		})
	}
}
