package gen

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// Cached returns the reference diary for posts, extra commits and seed,
// generating it the first time into os.TempDir()/diary-bench-SEED-POSTS
// and reusing it while it is as it was made. It is built in a temporary
// directory and renamed into place, so that a run that is interrupted,
// or one running at the same time, never sees half a diary. Benchmarks
// and bench/compare.sh share the copy; whoever writes to it must work on
// a copy of their own.
func Cached(ctx context.Context, posts, extraCommits int, seed int64) (string, error) {
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("diary-bench-%d-%d", seed, posts))
	stamp := fmt.Sprintf("gen %s posts=%d commits=%d seed=%d", Version, posts, extraCommits, seed)
	if cacheValid(dir, stamp, posts) {
		return dir, nil
	}
	if err := os.RemoveAll(dir); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(os.TempDir(), filepath.Base(dir)+".tmp-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	if err := Generate(ctx, tmp, Options{Posts: posts, ExtraCommits: extraCommits, Seed: seed}); err != nil {
		return "", err
	}
	head, err := Git(ctx, tmp, "rev-parse", "HEAD")
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(tmp, ".git", "diary-bench"), []byte(stamp+" head="+head), 0o644); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, dir); err != nil {
		if cacheValid(dir, stamp, posts) {
			return dir, nil // another process was quicker
		}
		return "", err
	}
	return dir, nil
}

// cacheValid reports whether dir holds the generated diary as it was
// made: same generator and options, HEAD where it was, every post there.
func cacheValid(dir, stamp string, posts int) bool {
	data, err := os.ReadFile(filepath.Join(dir, ".git", "diary-bench"))
	if err != nil {
		return false
	}
	s, head, ok := strings.Cut(strings.TrimSpace(string(data)), " head=")
	if !ok || s != stamp {
		return false
	}
	ref, err := os.ReadFile(filepath.Join(dir, ".git", "refs", "heads", Branch))
	if err != nil || strings.TrimSpace(string(ref)) != head {
		return false
	}
	des, err := os.ReadDir(filepath.Join(dir, "_posts"))
	return err == nil && len(des) == posts
}

// The benchmarks' reference diary: DIARY_BENCH_POSTS posts (DefaultPosts
// when unset), BenchCommits more commits, BenchSeed.
const (
	BenchSeed    = 1
	BenchCommits = 200
)

// TB is the part of testing.TB the benchmark helpers need.
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
}

// BenchPosts is how many posts the reference diary has: DIARY_BENCH_POSTS,
// at least min, or DefaultPosts.
func BenchPosts(tb TB, min int) int {
	tb.Helper()
	s := os.Getenv("DIARY_BENCH_POSTS")
	if s == "" {
		return DefaultPosts
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < min {
		tb.Fatalf("DIARY_BENCH_POSTS=%q: want a number of posts, %d or more", s, min)
	}
	return n
}

var reference struct {
	once sync.Once
	dir  string
	err  error
}

// Reference returns the reference diary, built (or found in the cache)
// once per process. It must be left as it is: benchmarks that write work
// on a copy.
func Reference(tb TB, minPosts int) string {
	tb.Helper()
	posts := BenchPosts(tb, minPosts)
	reference.once.Do(func() {
		reference.dir, reference.err = Cached(context.Background(), posts, BenchCommits, BenchSeed)
	})
	if reference.err != nil {
		tb.Fatalf("%v", reference.err)
	}
	return reference.dir
}
