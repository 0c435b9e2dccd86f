// Command gendiary writes a large reference diary for benchmarks:
//
//	go run ./internal/cmd/gendiary -posts 10000 -commits 200 -seed 1 DIR
//
// DIR must not exist or be empty. How long it took goes to stderr.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/gitdiary/diary/internal/gen"
)

func main() {
	posts := flag.Int("posts", gen.DefaultPosts, "number of posts, one a day")
	commits := flag.Int("commits", gen.DefaultExtraCommits, "commits after the import, each adding or editing one post (0: none)")
	seed := flag.Int64("seed", 1, "seed of every title, text and edit")
	start := flag.String("start", gen.DefaultStart.Format("2006-01-02"), "the newest post's day, YYYY-MM-DD")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: gendiary [-posts N] [-commits N] [-seed N] [-start YYYY-MM-DD] DIR\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	day, err := time.Parse("2006-01-02", *start)
	if err != nil {
		fmt.Fprintf(os.Stderr, "gendiary: -start %q: use YYYY-MM-DD\n", *start)
		os.Exit(2)
	}
	if *commits == 0 {
		*commits = -1 // the flag's 0 means none; the library's means the default
	}
	dir := flag.Arg(0)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	t0 := time.Now()
	err = gen.Generate(ctx, dir, gen.Options{Posts: *posts, ExtraCommits: *commits, Seed: *seed, Start: day})
	if err != nil {
		fmt.Fprintf(os.Stderr, "gendiary: %v\n", err)
		os.Exit(1)
	}
	took := time.Since(t0)
	n, _ := gen.Git(ctx, dir, "rev-list", "--count", "HEAD")
	fmt.Fprintf(os.Stderr, "gendiary: %d posts, %s commits in %s, in %s\n", *posts, strings.TrimSpace(n), dir, took.Round(time.Millisecond))
}
