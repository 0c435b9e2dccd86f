// Package index is the room of repo that reads and writes git's index
// as bytes, and looks at the work tree for the change scan: the index
// parsed in one pass (Parse: the stage-0 entries, the trailing checksum,
// the root of git's cache tree) and spliced without decoding it (Splice),
// the format of diary's index-head record (Head, Sum), and the scan's
// stat and directory reading (LstatAt, FillStat, ReadDir). The formats
// are git's (Documentation/gitformat-index.txt) and diary's own.
//
// When the index can stand for HEAD's tree, and the scan itself, are
// repo's: they need its state. Like repo/odb, this room speaks go-git's
// hash, mode and index entry; go-git's index package is imported as
// gitindex here and in repo, so that index.Entry is always this one.
// Only repo imports it.
package index
