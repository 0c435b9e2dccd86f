package index

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	gitindex "github.com/go-git/go-git/v5/plumbing/format/index"
)

func entry(name string, n byte) *gitindex.Entry {
	return &gitindex.Entry{Name: name, Mode: filemode.Regular, Size: uint32(n), Hash: plumbing.Hash{n},
		ModifiedAt: time.Unix(1700000000, int64(n)), CreatedAt: time.Unix(1700000000, 0), Inode: uint32(n)}
}

func encode(t *testing.T, idx *gitindex.Index) []byte {
	var buf bytes.Buffer
	if err := gitindex.NewEncoder(&buf).Encode(idx); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSplice(t *testing.T) {
	for _, version := range []uint32{2, 3} {
		idx := &gitindex.Index{Version: version, Entries: []*gitindex.Entry{
			entry("_config.yml", 1), entry("_posts/2022-04-29-a.md", 2), entry("_posts/2022-04-30-c.md", 3), entry("index.html", 4),
		}}
		if version == 3 {
			idx.Entries[1].IntentToAdd = true // an extended flag: its entry is two bytes longer
		}
		long := string(bytes.Repeat([]byte("x"), 5000))
		out, err := Splice(encode(t, idx),
			[]*gitindex.Entry{entry("_posts/2022-04-30-b.md", 9), entry("_config.yml", 8), entry("z/"+long, 7)},
			map[string]bool{"index.html": true})
		if err != nil {
			t.Fatal(err)
		}
		got, err := decode(out)
		if err != nil {
			t.Fatalf("v%d: go-git cannot read the spliced index: %v", version, err)
		}
		want := []string{"_config.yml", "_posts/2022-04-29-a.md", "_posts/2022-04-30-b.md", "_posts/2022-04-30-c.md", "z/" + long}
		if len(got.Entries) != len(want) {
			t.Fatalf("v%d: %d entries, want %d", version, len(got.Entries), len(want))
		}
		for i, e := range got.Entries {
			if e.Name != want[i] {
				t.Errorf("v%d: entry %d is %.40s, want %.40s", version, i, e.Name, want[i])
			}
		}
		if got.Entries[0].Hash != (plumbing.Hash{8}) || got.Entries[2].Hash != (plumbing.Hash{9}) || !got.Entries[2].ModifiedAt.Equal(time.Unix(1700000000, 9)) {
			t.Errorf("v%d: entries %+v %+v", version, got.Entries[0], got.Entries[2])
		}
		if version == 3 && !got.Entries[1].IntentToAdd {
			t.Error("an untouched v3 entry lost its extended flag")
		}
	}
}

func decode(data []byte) (*gitindex.Index, error) {
	idx := &gitindex.Index{}
	return idx, gitindex.NewDecoder(bytes.NewReader(data)).Decode(idx)
}

func TestSpliceShapes(t *testing.T) {
	if out, err := Splice(nil, []*gitindex.Entry{entry("a", 1)}, nil); err != nil {
		t.Fatal(err)
	} else if got, err := decode(out); err != nil || len(got.Entries) != 1 {
		t.Fatalf("from no index: %v %v", got, err)
	}
	v4 := encode(t, &gitindex.Index{Version: 4, Entries: []*gitindex.Entry{entry("a", 1)}})
	if _, err := Splice(v4, nil, nil); !errors.Is(err, ErrShape) {
		t.Errorf("v4: %v", err)
	}
	// A required extension ("link": a split index) cannot be dropped.
	v2 := encode(t, &gitindex.Index{Version: 2, Entries: []*gitindex.Entry{entry("a", 1)}})
	withLink := append(append([]byte(nil), v2[:len(v2)-20]...), 'l', 'i', 'n', 'k', 0, 0, 0, 0)
	withLink = append(withLink, make([]byte, 20)...)
	if _, err := Splice(withLink, nil, nil); !errors.Is(err, ErrShape) {
		t.Errorf("link: %v", err)
	}
	// An optional one (the cache tree) is dropped.
	withTree := append(append([]byte(nil), v2[:len(v2)-20]...), 'T', 'R', 'E', 'E', 0, 0, 0, 0)
	withTree = append(withTree, make([]byte, 20)...)
	out, err := Splice(withTree, nil, nil)
	if err != nil || !bytes.Equal(out, v2) {
		t.Errorf("TREE: %v", err)
	}
	if _, err := Splice([]byte("garbage that is long enough to have a header"), nil, nil); !errors.Is(err, ErrShape) {
		t.Errorf("garbage: %v", err)
	}
}

func TestParseAgreesWithGoGit(t *testing.T) {
	for _, version := range []uint32{2, 3} {
		idx := &gitindex.Index{Version: version, Entries: []*gitindex.Entry{entry("a", 1), entry("b/c", 2), entry("d", 3)}}
		idx.Entries[1].IntentToAdd = version == 3
		idx.Entries[2].Stage = gitindex.TheirMode
		m, _, err := Parse(encode(t, idx))
		if err != nil {
			t.Fatal(err)
		}
		mt := idx.Entries[1].ModifiedAt
		if len(m) != 2 || m["a"].Hash != idx.Entries[0].Hash || m["b/c"].Sec != uint32(mt.Unix()) || m["b/c"].Nsec != uint32(mt.Nanosecond()) ||
			m["a"].Size != 1 || m["a"].Mode != idx.Entries[0].Mode {
			t.Errorf("v%d: %+v", version, m)
		}
	}
}
