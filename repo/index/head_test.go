package index

import (
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	gitindex "github.com/go-git/go-git/v5/plumbing/format/index"
)

// TestHeadRecord: a record reads back as written, in the text the
// format names, and nothing else reads as one.
func TestHeadRecord(t *testing.T) {
	rec := Head{Commit: plumbing.Hash{1, 2, 3}, Index: plumbing.Hash{0xfe, 0xed}}
	data := rec.Encode()
	want := "diary index-head 1\n" +
		"commit 0102030000000000000000000000000000000000\n" +
		"index feed000000000000000000000000000000000000\n"
	if string(data) != want {
		t.Errorf("encoded as %q, want %q", data, want)
	}
	if got, ok := ParseHead(data); !ok || got != rec {
		t.Errorf("read back as %v %v, want %v", got, ok, rec)
	}
	zero := strings.Repeat("0", 40)
	for _, bad := range []string{
		"",
		"diary index-head 2\ncommit 0102030000000000000000000000000000000000\nindex feed000000000000000000000000000000000000\n",
		"diary index-head 1\ncommit zz\n",
		"diary index-head 1\ncommit 0102030000000000000000000000000000000000\n",
		"diary index-head 1\ncommit " + zero + "\nindex feed000000000000000000000000000000000000\n",
		"diary index-head 1\ncommit 0102030000000000000000000000000000000000\nindex " + zero + "\n",
		"diary index-head 1\ncommit 010203\nindex feed000000000000000000000000000000000000\n",
	} {
		if got, ok := ParseHead([]byte(bad)); ok {
			t.Errorf("%q read as a record: %v", bad, got)
		}
	}
}

// TestSum: the checksum is the last twenty bytes of an index, and zero
// for data too short to be one.
func TestSum(t *testing.T) {
	idx := encode(t, &gitindex.Index{Version: 2, Entries: []*gitindex.Entry{entry("a", 1)}})
	if got := Sum(idx); got != plumbing.Hash(idx[len(idx)-20:]) || got.IsZero() {
		t.Errorf("Sum = %v", got)
	}
	if got := Sum([]byte("DIRC")); !got.IsZero() {
		t.Errorf("Sum of a short file = %v, want zero", got)
	}
}
