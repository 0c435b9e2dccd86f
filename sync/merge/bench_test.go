package merge

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// benchPost is a post of about 2 KB, as in the design's benchmark diary,
// and two edits of it: ours retitles it and changes a paragraph near the
// top; theirs adds a tag and appends a paragraph.
func benchPost(b *testing.B) (base, ours, theirs []byte) {
	var s strings.Builder
	s.WriteString("---\ntitle: 오늘의 일기\nauthor: Daniel Park\ndate: 2022-04-30\ncategory: etc\nlayout: post\ntags: [diary, ai]\n---\n\n")
	s.WriteString("> 심심할 때 재미로 개인의 생각을 정리하고, 작성하는 곳입니다. When I feel bored, this is an enjoyable place.\n\n")
	for i := 0; s.Len() < 2000; i++ {
		fmt.Fprintf(&s, "문단 %d: 오늘은 비가 왔고 Model Centric 연구에 대해 생각했다. line %d.\n\n", i, i)
	}
	base = []byte(s.String())
	o := strings.Replace(s.String(), "title: 오늘의 일기", "title: 비 오는 날", 1)
	o = strings.Replace(o, "문단 1:", "문단 일:", 1)
	t := strings.Replace(s.String(), "tags: [diary, ai]", "tags: [diary, ai, rain]", 1)
	t += "덧붙임: 저녁에는 맑아졌다.\n"
	if len(base) < 2000 || len(base) > 2300 {
		b.Fatalf("post is %d bytes", len(base))
	}
	return base, []byte(o), []byte(t)
}

func BenchmarkText(b *testing.B) {
	base, ours, theirs := benchPost(b)
	b.ReportAllocs()
	b.SetBytes(int64(len(base)))
	for b.Loop() {
		if r := Text(base, ours, theirs, gitLabels); !r.Clean() {
			b.Fatal("conflict")
		}
	}
}

func BenchmarkPost(b *testing.B) {
	base, ours, theirs := benchPost(b)
	b.ReportAllocs()
	b.SetBytes(int64(len(base)))
	for b.Loop() {
		if r := Post(base, ours, theirs, gitLabels); !r.Clean() {
			b.Fatal("conflict")
		}
	}
}

// benchLongPost is a post of 2,000 lines, front matter included, and two
// edits of it: ours retitles it and rewrites every 100th paragraph line
// in the first half; theirs adds a tag, rewrites every 100th in the
// second half and appends a paragraph. The edits do not touch, so the
// merge is clean.
func benchLongPost(b *testing.B) (base, ours, theirs []byte) {
	head := "---\ntitle: 오늘의 일기\nauthor: Daniel Park\ndate: 2022-04-30\ncategory: etc\nlayout: post\ntags: [diary, ai]\n---\n"
	var bs, os, ts strings.Builder
	bs.WriteString(head)
	os.WriteString(strings.Replace(head, "title: 오늘의 일기", "title: 비 오는 날", 1))
	ts.WriteString(strings.Replace(head, "tags: [diary, ai]", "tags: [diary, ai, rain]", 1))
	const n = 2000 - 8
	for i := range n {
		line := fmt.Sprintf("문단 %d: 오늘은 비가 왔고 Model Centric 연구에 대해 생각했다.\n", i)
		if i%2 == 1 {
			line = "\n"
		}
		bs.WriteString(line)
		switch {
		case i%100 == 50 && i < n/2:
			os.WriteString("고침 " + line)
			ts.WriteString(line)
		case i%100 == 50:
			os.WriteString(line)
			ts.WriteString("고침 " + line)
		default:
			os.WriteString(line)
			ts.WriteString(line)
		}
	}
	ts.WriteString("덧붙임: 저녁에는 맑아졌다.\n")
	return []byte(bs.String()), []byte(os.String()), []byte(ts.String())
}

func BenchmarkTextLong(b *testing.B) {
	base, ours, theirs := benchLongPost(b)
	if n := bytes.Count(base, []byte("\n")); n != 2000 {
		b.Fatalf("post has %d lines", n)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(base)))
	for b.Loop() {
		if r := Text(base, ours, theirs, gitLabels); !r.Clean() {
			b.Fatal("conflict")
		}
	}
}
