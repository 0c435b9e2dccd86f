// Package merge merges two edits of a file against their common
// ancestor: Text line by line as git merge-file does, and Post a Jekyll
// post front matter key by key and then its body line by line.
//
// Everything here was written for diary from published algorithms: the
// line diff is Myers's O(ND) algorithm with its linear-space refinement
// (myers.go), the merge is diff3 as formalised by Khanna, Kunal and
// Pierce (diff3.go). How conflicts are shown follows git's documentation
// and black-box runs of `git merge-file`, which the tests use as an
// oracle.
package merge
