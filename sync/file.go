package sync

import "github.com/gitdiary/diary/sync/merge"

// MergeFile merges one file's three versions the way sync merges a path
// changed on both sides: an entry (a file of _posts/ or _drafts/, named
// by p, a slash path from the work tree's root; or any file when post is
// true) front matter key by key, anything else as text. ok is false for
// binary data, which sync never merges line by line.
func MergeFile(p string, post bool, base, ours, theirs []byte, l merge.Labels) (res merge.Result, ok bool) {
	if binary(base) || binary(ours) || binary(theirs) {
		return merge.Result{}, false
	}
	if post || isEntry(p) {
		return merge.Post(base, ours, theirs, l), true
	}
	return merge.Text(base, ours, theirs, l), true
}

// Binary reports whether data is binary as git judges it: a NUL byte in
// its first 8,000 bytes.
func Binary(data []byte) bool { return binary(data) }
