package app_test

// Benchmarks of `diary new --no-edit` and `diary list` on the reference
// diary of DESIGN.md ("Speed and size"): 10,000 posts of about 2 KB, one
// a day, with a few hundred commits of history. They run only with
// -bench:
//
//	go test -run '^$' -bench . -benchmem ./internal/app
//
// The diary is generated once (a few seconds) into
// $TMPDIR/diary-bench-<seed>-<posts> and reused while it is intact.
// DIARY_BENCH_POSTS=N makes a smaller one. bench/newlist.sh measures
// the built binary side by side with git and grep.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gitdiary/diary/config"
	"github.com/gitdiary/diary/entry"
	"github.com/gitdiary/diary/internal/app"
	"github.com/gitdiary/diary/internal/gen"
)

// referenceDiary returns the generated diary (see gen.Reference).
func referenceDiary(b *testing.B) string {
	b.Helper()
	return gen.Reference(b, 1)
}

func benchPosts(b *testing.B) int { return gen.BenchPosts(b, 1) }

// benchEnv pins the environment, so that neither the user's git and
// diary settings nor their DIARY_ variables play a part, and returns
// the lookup to give diary.
func benchEnv(b *testing.B) config.Env {
	b.Helper()
	home := b.TempDir()
	for k, v := range map[string]string{
		"HOME":                home,
		"XDG_CONFIG_HOME":     filepath.Join(home, ".config"),
		"GIT_CONFIG_NOSYSTEM": "1",
		"GIT_CONFIG_GLOBAL":   os.DevNull,
		"GIT_AUTHOR_NAME":     gen.Author,
		"GIT_AUTHOR_EMAIL":    gen.Email,
		"GIT_COMMITTER_NAME":  gen.Author,
		"GIT_COMMITTER_EMAIL": gen.Email,
		"GIT_AUTHOR_DATE":     "", // diary commits at the time it runs
		"GIT_COMMITTER_DATE":  "",
		"TZ":                  "UTC",
		"VISUAL":              "",
		"EDITOR":              "",
	} {
		b.Setenv(k, v)
	}
	return func(k string) (string, bool) {
		if strings.HasPrefix(k, "DIARY_") {
			return "", false
		}
		return os.LookupEnv(k)
	}
}

// copyDiary copies a work tree and its repository. Pack files, which
// nothing rewrites, are hard-linked when the file system allows it.
func copyDiary(b *testing.B, src, dst string) {
	b.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		to := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		if strings.HasPrefix(filepath.ToSlash(rel), ".git/objects/pack/") {
			if os.Link(p, to) == nil {
				return nil
			}
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, fi.Mode().Perm())
		if err != nil {
			return err
		}
		_, err = io.Copy(out, in)
		return errors.Join(err, out.Close(), os.Chtimes(to, fi.ModTime(), fi.ModTime()))
	})
	if err != nil {
		b.Fatalf("copy the reference diary: %v", err)
	}
	// Write the copy out now: on ext4 and others, the first fsync of a
	// benchmarked commit would otherwise wait for all 20 MB of it.
	// Best effort: there is no sync command on Windows.
	_ = exec.Command("sync").Run()
}

// BenchmarkNew is `diary new --no-edit --body TEXT "Title"`, commit
// included, on a copy of the reference diary. DESIGN.md: under 30 ms, and
// it reads no other post.
func BenchmarkNew(b *testing.B) {
	env := benchEnv(b) // before generating: Init must not see the user's config either
	ref := referenceDiary(b)
	dir := filepath.Join(b.TempDir(), "diary")
	copyDiary(b, ref, dir)
	body := gen.SampleBody(gen.BenchSeed, 1500)
	opts := app.Options{Repo: dir, Env: env, Dir: dir}
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		res, err := app.Add(ctx, opts, app.AddOptions{Title: fmt.Sprintf("Benchmark entry %d", i), Body: &body})
		if err != nil {
			b.Fatal(err)
		}
		if res.Commit == "" || !strings.HasPrefix(res.Path, entry.PostsDir+"/") {
			b.Fatalf("new: %+v", res)
		}
	}
}

// BenchmarkList is `diary list` of every post of the reference diary:
// open it, read and sort all entries. DESIGN.md: no slower than
// `grep -m1 '^title:'` over the same files.
func BenchmarkList(b *testing.B) {
	env := benchEnv(b)
	ref := referenceDiary(b)
	posts := benchPosts(b)
	opts := app.Options{Repo: ref, Env: env, Dir: ref}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		d, err := app.Open(opts)
		if err != nil {
			b.Fatal(err)
		}
		entries, warnings, err := d.List(ctx, app.ListOptions{})
		if err != nil || len(warnings) > 0 {
			b.Fatalf("list: %v %v", err, warnings)
		}
		if len(entries) != posts {
			b.Fatalf("list: %d entries, want %d", len(entries), posts)
		}
	}
}
