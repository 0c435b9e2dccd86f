package sync

import (
	"bytes"
	"crypto/sha1"
	"strings"
	"testing"
	"time"

	"github.com/gitdiary/diary/repo"
)

// memStore is a blob store in memory, for merging without a repository.
type memStore map[repo.Hash][]byte

func (m memStore) put(data []byte) repo.Hash {
	h := repo.Hash(sha1.Sum(data))
	m[h] = append([]byte(nil), data...)
	return h
}
func (m memStore) ReadBlob(h repo.Hash) ([]byte, error)  { return m[h], nil }
func (m memStore) WriteBlob(d []byte) (repo.Hash, error) { return m.put(d), nil }
func (m memStore) BlobSize(h repo.Hash) (int64, error)   { return int64(len(m[h])), nil }

// FuzzMergeLosesNoLine: whatever two laptops did to one post, after the
// tree merge every line either of them added is in the post or in the
// conflict copy, and a conflict copy holds the local version byte for
// byte.
func FuzzMergeLosesNoLine(f *testing.F) {
	post := "---\ntitle: T\ntags: [a]\n---\n\n> d\n\none\ntwo\nthree\n"
	f.Add(post, strings.Replace(post, "two", "two a", 1), strings.Replace(post, "two", "two b", 1))
	f.Add(post, post+"four\n", "---\ntitle: U\ntags: [a, b]\n---\n\n> d\n\none\ntwo\nthree\n")
	f.Add("", "a\n", "b\n")
	f.Add("x\n", "", "y\n")
	f.Fuzz(func(t *testing.T, base, ours, theirs string) {
		store := memStore{}
		const p = "_posts/2022-04-30-t.md"
		tree := func(s string) repo.Tree { return repo.Tree{p: {Hash: store.put([]byte(s)), Mode: repo.ModeRegular}} }
		m := &treeMerge{store: store, host: "a", now: time.Unix(0, 0)}
		out, err := m.merge(tree(base), tree(ours), tree(theirs))
		if err != nil {
			t.Fatal(err)
		}
		var all bytes.Buffer
		for path, e := range out.tree {
			all.Write(store[e.Hash])
			all.WriteByte('\n')
			if strings.HasPrefix(path, ConflictsDir+"/") && string(store[e.Hash]) != ours {
				t.Fatalf("the conflict copy differs from the local version")
			}
		}
		baseLines := map[string]bool{}
		for _, l := range strings.Split(base, "\n") {
			baseLines[l] = true
		}
		for _, side := range []string{ours, theirs} {
			for _, l := range strings.Split(side, "\n") {
				if l == "" || baseLines[l] || strings.HasPrefix(l, "<<<<<<<") || strings.HasPrefix(l, ">>>>>>>") || l == "=======" {
					continue
				}
				// Tags and categories are merged as sets and written
				// again (quoted where YAML needs it): what must survive is
				// each value, not the line.
				if key, vals, ok := setLine(l); ok {
					for _, v := range vals {
						if !bytes.Contains(all.Bytes(), []byte(v)) {
							t.Fatalf("%s value %q was lost\nbase %q\nours %q\ntheirs %q\nresult %q", key, v, base, ours, theirs, all.String())
						}
					}
					continue
				}
				if !bytes.Contains(all.Bytes(), []byte(l)) {
					t.Fatalf("line %q was lost\nbase %q\nours %q\ntheirs %q\nresult %q", l, base, ours, theirs, all.String())
				}
			}
		}
	})
}

// setLine splits a front matter line of a key merged as a set into the
// key and its values, unquoted.
func setLine(l string) (string, []string, bool) {
	key, rest, ok := strings.Cut(l, ":")
	switch key {
	case "tags", "tag", "categories", "category":
	default:
		return "", nil, false
	}
	if !ok {
		return "", nil, false
	}
	var vals []string
	for _, v := range strings.FieldsFunc(rest, func(r rune) bool { return r == '[' || r == ']' || r == ',' || r == ' ' }) {
		if v = strings.Trim(v, `'"`); v != "" {
			vals = append(vals, v)
		}
	}
	return key, vals, true
}
