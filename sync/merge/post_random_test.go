package merge

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gitdiary/diary/entry"
)

// A generated post: ordered keys with scalar values, tags as a list in
// some style, and body lines.
type genPost struct {
	keys      []string
	values    map[string]string
	tags      []string
	tagsStyle int // 0 flow, 1 block, 2 words
	body      []string
}

var postWords = []string{"diary", "ai", "google", "한국어", "life", "work", "c++", "yes", "a: b", "2022", "x y"}

func (p genPost) clone() genPost {
	q := p
	q.keys = slices.Clone(p.keys)
	q.values = make(map[string]string, len(p.values))
	for k, v := range p.values {
		q.values[k] = v
	}
	q.tags = slices.Clone(p.tags)
	q.body = slices.Clone(p.body)
	return q
}

func (p genPost) render() []byte {
	var b strings.Builder
	b.WriteString("---\n")
	for _, k := range p.keys {
		if k == "tags" {
			switch p.tagsStyle {
			case 0:
				q := make([]string, len(p.tags))
				for i, t := range p.tags {
					q[i] = quoteFlow(t)
				}
				fmt.Fprintf(&b, "tags: [%s]\n", strings.Join(q, ", "))
			case 1:
				b.WriteString("tags:\n")
				for _, t := range p.tags {
					fmt.Fprintf(&b, "  - %s\n", entry.Quote(t))
				}
			default:
				fmt.Fprintf(&b, "tags: %s\n", entry.Quote(strings.Join(p.tags, " ")))
			}
			continue
		}
		if k == "description" {
			fmt.Fprintf(&b, "description: >\n  %s\n  more\n", p.values[k])
			continue
		}
		fmt.Fprintf(&b, "%s: %s\n", k, entry.Quote(p.values[k]))
	}
	b.WriteString("---\n")
	for _, l := range p.body {
		b.WriteString(l)
		b.WriteString("\n")
	}
	return []byte(b.String())
}

type postGen struct{ r *rand.Rand }

func (g postGen) word() string { return postWords[g.r.IntN(len(postWords))] }

func (g postGen) post() genPost {
	p := genPost{
		keys:   []string{"title", "author", "date", "category", "layout", "tags"},
		values: map[string]string{"title": "Personal Diary", "author": "Dan", "date": "2022-04-30", "category": "etc", "layout": "post"},
		tags:   []string{"diary", "ai"},
	}
	p.tagsStyle = g.r.IntN(3)
	if g.r.IntN(3) == 0 {
		p.keys = append(p.keys, "description")
		p.values["description"] = "a folded text"
	}
	for i := range 8 {
		p.body = append(p.body, fmt.Sprintf("문단 %d", i))
	}
	return p
}

func (g postGen) edit(p *genPost) {
	r := g.r
	switch r.IntN(7) {
	case 0: // change a scalar
		k := []string{"title", "author", "category", "layout", "description"}[r.IntN(5)]
		if _, ok := p.values[k]; ok {
			p.values[k] = g.word() + " " + fmt.Sprint(r.IntN(3))
		}
	case 1: // add a tag
		t := g.word()
		if p.tagsStyle == 2 {
			t = strings.ReplaceAll(t, " ", "-")
		}
		if !slices.Contains(p.tags, t) {
			p.tags = append(p.tags, t)
		}
	case 2: // remove a tag
		if len(p.tags) > 0 {
			i := r.IntN(len(p.tags))
			p.tags = slices.Delete(p.tags, i, i+1)
		}
	case 3: // add a key somewhere
		k := []string{"mood", "weather", "lang"}[r.IntN(3)]
		if !slices.Contains(p.keys, k) {
			p.values[k] = g.word()
			p.keys = slices.Insert(p.keys, r.IntN(len(p.keys)+1), k)
		}
	case 4: // delete an optional key
		k := []string{"category", "layout", "description", "mood"}[r.IntN(4)]
		if i := slices.Index(p.keys, k); i >= 0 {
			p.keys = slices.Delete(p.keys, i, i+1)
			delete(p.values, k)
		}
	default: // the body
		i := r.IntN(len(p.body) + 1)
		p.body = slices.Insert(p.body, i, fmt.Sprintf("새 문단 %d", r.IntN(1000)))
	}
}

// frontMatterValues reads a merged post back: each key's decoded value.
func frontMatterValues(t *testing.T, data []byte) map[string]any {
	t.Helper()
	p, ok := splitPost(data)
	if !ok {
		t.Fatalf("front matter does not parse:\n%s", data)
	}
	out := map[string]any{}
	for _, b := range p.keys {
		var v any
		if err := b.value.Decode(&v); err != nil {
			t.Fatal(err)
		}
		if b.key == "tags" {
			got, _, _ := listOf("tags", b.value)
			v = got
		}
		out[b.key] = v
	}
	return out
}

// TestPostRandom merges random key-level edits of a post and checks the
// result key by key against what each side meant.
func TestPostRandom(t *testing.T) {
	g := postGen{rand.New(rand.NewPCG(5, 8))}
	var clean, conflicted int
	for n := range 1500 {
		base := g.post()
		ours, theirs := base.clone(), base.clone()
		for range 1 + g.r.IntN(3) {
			g.edit(&ours)
		}
		for range 1 + g.r.IntN(3) {
			g.edit(&theirs)
		}
		bb, ob, tb := base.render(), ours.render(), theirs.render()
		r := checkPost(t, bb, ob, tb)
		if !r.Clean() {
			conflicted++
			continue
		}
		clean++
		if _, err := entry.Parse("_posts/2022-04-30-x.md", r.Merged, time.UTC, false); err != nil {
			t.Fatalf("case %d: %v\n%s", n, err, r.Merged)
		}
		bv, ov, tv, mv := frontMatterValues(t, bb), frontMatterValues(t, ob), frontMatterValues(t, tb), frontMatterValues(t, r.Merged)
		show := func() string {
			return fmt.Sprintf("base:\n%s\nours:\n%s\ntheirs:\n%s\nmerged:\n%s", bb, ob, tb, r.Merged)
		}
		keys := map[string]bool{}
		for _, m := range []map[string]any{bv, ov, tv} {
			for k := range m {
				keys[k] = true
			}
		}
		for k := range keys {
			b, inB := bv[k]
			o, inO := ov[k]
			th, inT := tv[k]
			m, inM := mv[k]
			eq := func(x, y any) bool { return fmt.Sprint(x) == fmt.Sprint(y) }
			switch {
			case inO == inB && eq(o, b): // ours left it: theirs' version
				if inM != inT || inT && !eq(m, th) {
					t.Fatalf("case %d: key %s: want theirs' %v, got %v\n%s", n, k, th, m, show())
				}
			case inT == inB && eq(th, b): // theirs left it: ours' version
				if inM != inO || inO && !eq(m, o) {
					t.Fatalf("case %d: key %s: want ours' %v, got %v\n%s", n, k, o, m, show())
				}
			case k == "tags" && inO && inT:
				bs, _ := b.([]string)
				os, ts, ms := o.([]string), th.([]string), m.([]string)
				for _, tag := range slices.Concat(bs, os, ts) {
					removed := slices.Contains(bs, tag) && (!slices.Contains(os, tag) || !slices.Contains(ts, tag))
					added := !slices.Contains(bs, tag) && (slices.Contains(os, tag) || slices.Contains(ts, tag))
					kept := slices.Contains(bs, tag) && !removed
					if slices.Contains(ms, tag) != (added || kept) {
						t.Fatalf("case %d: tag %q: in merge %v, want %v\n%s", n, tag, !(added || kept), added || kept, show())
					}
				}
			default:
				if !eq(o, th) || inO != inT || !eq(m, o) {
					t.Fatalf("case %d: key %s changed on both sides (%v, %v) merged cleanly as %v\n%s", n, k, o, th, m, show())
				}
			}
		}
	}
	t.Logf("%d clean, %d conflicted", clean, conflicted)
	if clean < 500 {
		t.Errorf("only %d of 1500 merges clean: the test checks too little", clean)
	}
}
