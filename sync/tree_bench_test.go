package sync

import (
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/gitdiary/diary/repo"
)

// BenchmarkTreeMerge is the tree merge of a diverged sync on a diary of
// 10,000 posts: each side added one entry and appended a paragraph to a
// different old one (the case of bench/compare.sh), so two paths are
// taken from one side or the other and none is merged line by line.
// The trees are in memory; reading and writing them is not timed.
func BenchmarkTreeMerge(b *testing.B) {
	store := memStore{}
	base := repo.Tree{}
	var names []string
	body := strings.Repeat("A line of the diary, written one evening.\n", 50)
	for i := range 10000 {
		p := fmt.Sprintf("_posts/%04d-%02d-%02d-entry-%d.md", 1998+i/365, 1+i/31%12, 1+i%28, i)
		names = append(names, p)
		base[p] = repo.Entry{Hash: store.put([]byte(fmt.Sprintf("---\ntitle: Entry %d\n---\n\n%s", i, body))), Mode: repo.ModeRegular}
	}
	base["_config.yml"] = repo.Entry{Hash: store.put([]byte("title: Diary\n")), Mode: repo.ModeRegular}
	ours, theirs := maps.Clone(base), maps.Clone(base)
	ours["_posts/2025-07-01-from-a.md"] = repo.Entry{Hash: store.put([]byte("---\ntitle: A\n---\n\nfrom a\n")), Mode: repo.ModeRegular}
	theirs["_posts/2025-07-02-from-b.md"] = repo.Entry{Hash: store.put([]byte("---\ntitle: B\n---\n\nfrom b\n")), Mode: repo.ModeRegular}
	editA, editB := names[len(names)/3], names[len(names)*2/3]
	for _, e := range []struct {
		t repo.Tree
		p string
	}{{ours, editA}, {theirs, editB}} {
		old, ok := e.t[e.p]
		if !ok {
			b.Fatalf("no %s", e.p)
		}
		data, _ := store.ReadBlob(old.Hash)
		e.t[e.p] = repo.Entry{Hash: store.put(append(data, "\nAn afterthought.\n"...)), Mode: repo.ModeRegular}
	}
	m := &treeMerge{store: store, host: "a", now: time.Unix(0, 0)}
	b.ReportAllocs()
	for b.Loop() {
		out, err := m.merge(base, ours, theirs)
		if err != nil || len(out.conflicts) > 0 || len(out.tree) != len(base)+2 {
			b.Fatalf("merge: %v, %d conflicts, %d paths", err, len(out.conflicts), len(out.tree))
		}
	}
}
