package merge

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gitdiary/diary/entry"
)

const postBase = `---
title: Personal Diary
author: Daniel Park
date: 2022-04-30
category: etc
layout: post
tags: [diary, ai]
---

> 심심할 때 재미로 개인의 생각을 정리하고, 작성하는 곳입니다.

첫 문단.

둘째 문단.
`

// replace1 replaces old with new in s, which must hold old once.
func replace1(t *testing.T, s, old, new string) string {
	t.Helper()
	if strings.Count(s, old) != 1 {
		t.Fatalf("%q is not in the text once", old)
	}
	return strings.Replace(s, old, new, 1)
}

// checkParses fails unless merged is a post whose front matter parses,
// both as YAML and as a diary entry.
func checkParses(t *testing.T, merged []byte) {
	t.Helper()
	if _, ok := splitPost(merged); !ok {
		t.Fatalf("merged front matter does not parse:\n%s", merged)
	}
	if _, err := entry.Parse("_posts/2022-04-30-x.md", merged, time.UTC, false); err != nil {
		t.Fatalf("merged post does not parse as an entry: %v\n%s", err, merged)
	}
}

func TestPost(t *testing.T) {
	type tc struct {
		name          string
		ours, theirs  func(string) string
		base          string // postBase when ""
		want          string // the whole merge, when conflicts == 0
		wantContains  []string
		conflicts     int
		wantMarkers   bool
		skipEntryTest bool
	}
	cases := []tc{
		{
			name: "title on one side, body on the other",
			ours: func(s string) string { return replace1(t, s, "title: Personal Diary", "title: My Diary") },
			theirs: func(s string) string {
				return replace1(t, s, "둘째 문단.\n", "둘째 문단.\n\n셋째 문단.\n")
			},
			want: replace1(t, replace1(t, postBase, "title: Personal Diary", "title: My Diary"),
				"둘째 문단.\n", "둘째 문단.\n\n셋째 문단.\n"),
		},
		{
			name:   "neighbouring keys on each side",
			ours:   func(s string) string { return replace1(t, s, "title: Personal Diary", "title: My Diary") },
			theirs: func(s string) string { return replace1(t, s, "author: Daniel Park", "author: Dan") },
			want: replace1(t, replace1(t, postBase, "title: Personal Diary", "title: My Diary"),
				"author: Daniel Park", "author: Dan"),
		},
		{
			name: "tags added on both: union",
			ours: func(s string) string { return replace1(t, s, "tags: [diary, ai]", "tags: [diary, ai, google]") },
			theirs: func(s string) string {
				return replace1(t, s, "tags: [diary, ai]", "tags: [diary, ai, 한국어, 'c++']")
			},
			want: replace1(t, postBase, "tags: [diary, ai]", "tags: [diary, ai, google, 한국어, c++]"),
		},
		{
			name:   "tags: a removal on one side, an addition on the other",
			ours:   func(s string) string { return replace1(t, s, "tags: [diary, ai]", "tags: [ai, life]") },
			theirs: func(s string) string { return replace1(t, s, "tags: [diary, ai]", "tags: [diary, ai, work]") },
			want:   replace1(t, postBase, "tags: [diary, ai]", "tags: [ai, life, work]"),
		},
		{
			name: "tags in block style",
			base: replace1(t, postBase, "tags: [diary, ai]", "tags:\n  - diary\n  - ai"),
			ours: func(s string) string { return replace1(t, s, "  - ai\n", "  - ai\n  - 'yes'\n") },
			theirs: func(s string) string {
				return replace1(t, s, "  - diary\n", "  - diary\n  - 'a: b'\n")
			},
			want: replace1(t, postBase, "tags: [diary, ai]", "tags:\n  - diary\n  - ai\n  - 'yes'\n  - 'a: b'"),
		},
		{
			name: "tags as a string of words",
			base: replace1(t, postBase, "tags: [diary, ai]", "tags: diary ai"),
			ours: func(s string) string { return replace1(t, s, "tags: diary ai", "tags: diary ai x") },
			theirs: func(s string) string {
				return replace1(t, s, "tags: diary ai", "tags: ai y")
			},
			want: replace1(t, postBase, "tags: [diary, ai]", "tags: ai x y"),
		},
		{
			name: "category as a list: union",
			base: replace1(t, postBase, "category: etc", "categories: [etc]"),
			ours: func(s string) string { return replace1(t, s, "categories: [etc]", "categories: [etc, ai]") },
			theirs: func(s string) string {
				return replace1(t, s, "categories: [etc]", "categories: [life]")
			},
			want: replace1(t, postBase, "category: etc", "categories: [ai, life]"),
		},
		{
			name:        "one category, changed both ways: conflict",
			ours:        func(s string) string { return replace1(t, s, "category: etc", "category: ai") },
			theirs:      func(s string) string { return replace1(t, s, "category: etc", "category: life") },
			conflicts:   1,
			wantMarkers: true,
		},
		{
			name:         "same key edited differently: conflict",
			ours:         func(s string) string { return replace1(t, s, "title: Personal Diary", "title: Mine") },
			theirs:       func(s string) string { return replace1(t, s, "title: Personal Diary", "title: Theirs") },
			conflicts:    1,
			wantMarkers:  true,
			wantContains: []string{"<<<<<<< ours\ntitle: Mine\n=======\ntitle: Theirs\n>>>>>>> theirs\n"},
		},
		{
			name: "same key conflict and a body conflict",
			ours: func(s string) string {
				return replace1(t, replace1(t, s, "title: Personal Diary", "title: Mine"), "첫 문단.", "우리 문단.")
			},
			theirs: func(s string) string {
				return replace1(t, replace1(t, s, "title: Personal Diary", "title: Theirs"), "첫 문단.", "그들 문단.")
			},
			conflicts:   2,
			wantMarkers: true,
		},
		{
			name:   "keys added on each side",
			ours:   func(s string) string { return replace1(t, s, "date: 2022-04-30\n", "date: 2022-04-30\nmood: calm\n") },
			theirs: func(s string) string { return replace1(t, s, "layout: post\n", "layout: post\nweather: rain\n") },
			want: replace1(t, replace1(t, postBase, "date: 2022-04-30\n", "date: 2022-04-30\nmood: calm\n"),
				"layout: post\n", "layout: post\nweather: rain\n"),
		},
		{
			name:   "a key added first on theirs",
			ours:   func(s string) string { return replace1(t, s, "layout: post", "layout: page") },
			theirs: func(s string) string { return replace1(t, s, "---\ntitle:", "---\nlang: ko\ntitle:") },
			want:   replace1(t, replace1(t, postBase, "layout: post", "layout: page"), "---\ntitle:", "---\nlang: ko\ntitle:"),
		},
		{
			name:   "the same key added on both, differently: conflict",
			ours:   func(s string) string { return replace1(t, s, "layout: post\n", "layout: post\nmood: calm\n") },
			theirs: func(s string) string { return replace1(t, s, "layout: post\n", "layout: post\nmood: sad\n") },
			// Text has a conflict on the added line.
			conflicts:   1,
			wantMarkers: true,
		},
		{
			name:   "deleted on one side, unchanged on the other",
			ours:   func(s string) string { return replace1(t, s, "category: etc\n", "") },
			theirs: func(s string) string { return replace1(t, s, "title: Personal Diary", "title: Theirs") },
			want:   replace1(t, replace1(t, postBase, "category: etc\n", ""), "title: Personal Diary", "title: Theirs"),
		},
		{
			name:        "deleted on one side, changed on the other: conflict",
			ours:        func(s string) string { return replace1(t, s, "category: etc\n", "") },
			theirs:      func(s string) string { return replace1(t, s, "category: etc", "category: ai") },
			conflicts:   1,
			wantMarkers: true,
		},
		{
			name: "tags deleted on one side, changed on the other: conflict",
			ours: func(s string) string { return replace1(t, s, "tags: [diary, ai]\n", "") },
			theirs: func(s string) string {
				return replace1(t, s, "tags: [diary, ai]", "tags: [diary, ai, more]")
			},
			conflicts:   1,
			wantMarkers: true,
		},
		{
			name: "CRLF post",
			base: strings.ReplaceAll(postBase, "\n", "\r\n"),
			ours: func(s string) string {
				return replace1(t, s, "tags: [diary, ai]", "tags: [diary, ai, x]")
			},
			theirs: func(s string) string {
				return replace1(t, s, "tags: [diary, ai]", "tags: [z]")
			},
			want: strings.ReplaceAll(replace1(t, postBase, "tags: [diary, ai]", "tags: [x, z]"), "\n", "\r\n"),
		},
		{
			name:   "a side without front matter: Text on the whole file",
			ours:   func(s string) string { return replace1(t, s, "title: Personal Diary", "title: [broken") },
			theirs: func(s string) string { return replace1(t, s, "둘째 문단.", "둘째 문단!") },
			want: replace1(t, replace1(t, postBase, "title: Personal Diary", "title: [broken"),
				"둘째 문단.", "둘째 문단!"),
			skipEntryTest: true,
		},
		{
			// Merging key by key would keep one "tags" block and drop the
			// other's lines; as text, both sides' lines are kept.
			name: "a key given twice: Text on the whole file",
			ours: func(s string) string { return replace1(t, s, "title: Personal Diary", "title: Mine") },
			theirs: func(s string) string {
				return replace1(t, s, "layout: post\n", "layout: post\ntags: [again]\n")
			},
			want: replace1(t, replace1(t, postBase, "title: Personal Diary", "title: Mine"),
				"layout: post\n", "layout: post\ntags: [again]\n"),
			skipEntryTest: true,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			base := c.base
			if base == "" {
				base = postBase
			}
			ours, theirs := c.ours(base), c.theirs(base)
			r := Post([]byte(base), []byte(ours), []byte(theirs), gitLabels)
			if r.Conflicts != c.conflicts {
				t.Fatalf("%d conflicts, want %d:\n%s", r.Conflicts, c.conflicts, r.Merged)
			}
			if c.conflicts == 0 && string(r.Merged) != c.want {
				t.Errorf("merged:\n%s\nwant:\n%s", r.Merged, c.want)
			}
			if c.conflicts == 0 && !c.skipEntryTest {
				checkParses(t, r.Merged)
			}
			if c.wantMarkers != bytes.Contains(r.Merged, []byte("\n=======\n")) {
				t.Errorf("markers: %v, want %v:\n%s", !c.wantMarkers, c.wantMarkers, r.Merged)
			}
			for _, s := range c.wantContains {
				if !bytes.Contains(r.Merged, []byte(s)) {
					t.Errorf("merge lacks %q:\n%s", s, r.Merged)
				}
			}
		})
	}
}

// TestPostFixture edits the fixture post on two laptops: each appends a
// paragraph in a different place, and no one touches the long Korean
// disclaimer line. The merge is clean, keeps that line byte for byte, and
// is what git merge-file makes of it.
func TestPostFixture(t *testing.T) {
	base, err := os.ReadFile(filepath.Join("testdata", "2022-04-30-personal-diary.md"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(base)
	ours := replace1(t, s, "\n\n### Technology Cycle", "\n\n 노트북 A에서 덧붙인 문단.\n\n### Technology Cycle")
	theirs := s + "\nAdded on laptop B, after the links.\n"
	r := Post(base, []byte(ours), []byte(theirs), gitLabels)
	if !r.Clean() {
		t.Fatalf("%d conflicts:\n%s", r.Conflicts, r.Merged)
	}
	checkParses(t, r.Merged)
	want := replace1(t, ours, "  [4]: https://www.researchgate.net/figure/Life-cycle-of-a-technological-revolution_fig1_5104909\n",
		"  [4]: https://www.researchgate.net/figure/Life-cycle-of-a-technological-revolution_fig1_5104909\n"+
			"\nAdded on laptop B, after the links.\n")
	if string(r.Merged) != want {
		t.Errorf("merged:\n%s\nwant:\n%s", r.Merged, want)
	}
	disclaimer := entry.LeadingQuote(base)
	if got := entry.LeadingQuote(r.Merged); got != disclaimer || !strings.Contains(disclaimer, "When I feel bored") {
		t.Errorf("disclaimer changed: %q", got)
	}
	if git, err := lookGit(); err == nil {
		out, n, err := newGitMerger(t, git).merge(base, []byte(ours), []byte(theirs))
		if err != nil {
			t.Fatal(err)
		}
		if n != 0 || !bytes.Equal(out, r.Merged) {
			t.Errorf("git merge-file (%d conflicts):\n%s", n, out)
		}
	}
}

// TestPostAddedOnBoth merges a post added on both sides (an empty base).
func TestPostAddedOnBoth(t *testing.T) {
	r := Post(nil, []byte(postBase), []byte(postBase), gitLabels)
	if !r.Clean() || string(r.Merged) != postBase {
		t.Errorf("the same post: %d conflicts\n%s", r.Conflicts, r.Merged)
	}
	other := replace1(t, replace1(t, postBase, "tags: [diary, ai]", "tags: [x]"), "첫 문단.", "다른 문단.")
	r = Post(nil, []byte(postBase), []byte(other), gitLabels)
	if r.Clean() {
		t.Errorf("different bodies merged cleanly:\n%s", r.Merged)
	}
	other = replace1(t, postBase, "tags: [diary, ai]", "tags: [x]")
	r = Post(nil, []byte(postBase), []byte(other), gitLabels)
	want := replace1(t, postBase, "tags: [diary, ai]", "tags: [diary, ai, x]")
	if !r.Clean() || string(r.Merged) != want {
		t.Errorf("tags added on both: %d conflicts\n%s", r.Conflicts, r.Merged)
	}
}

// TestPostAlias checks that a merge whose keys each merge cleanly but
// whose YAML no longer parses together is a conflict.
func TestPostAlias(t *testing.T) {
	base := "---\ntitle: &t Diary\nauthor: Dan\nlayout: post\n---\nbody\n"
	ours := "---\ntitle: Diary\nauthor: Dan\nlayout: post\n---\nbody\n"     // the anchor goes
	theirs := "---\ntitle: &t Diary\nauthor: *t\nlayout: post\n---\nbody\n" // an alias to it comes
	r := Post([]byte(base), []byte(ours), []byte(theirs), gitLabels)
	if r.Clean() {
		t.Errorf("merged cleanly into YAML that does not parse:\n%s", r.Merged)
	}
}

func lookGit() (string, error) { return exec.LookPath("git") }
