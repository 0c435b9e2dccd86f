package repo

import (
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// This file is the tree check that stands between a remote and the disk
// (DESIGN.md, "Safety: containment"): what a remote, a clone or a merge
// hands to checkout is refused, before anything is written, when one of
// its names means .git to some file system, when two names are one file
// on a case-insensitive or normalising file system, when a name is both a
// file and a directory, or when a link, followed through the tree's other
// links, leads out of the work tree or into .git.

// hfsIgnorable are the code points HFS+ leaves out when it compares
// names (Apple's Technical Note TN1150, "HFS Plus Volume Format", the
// case-folding table's ignorable characters), so that ".g\u200cit" is
// ".git" on a Mac. git's core.protectHFS refuses them for the same reason.
func hfsIgnorable(r rune) bool {
	switch {
	case r >= 0x200c && r <= 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x206a && r <= 0x206f, r == 0xfeff:
		return true
	}
	return false
}

// withoutIgnorables drops the HFS+-ignorable code points of name.
func withoutIgnorables(name string) string {
	if isASCII(name) {
		return name
	}
	return strings.Map(func(r rune) rune {
		if hfsIgnorable(r) {
			return -1
		}
		return r
	}, name)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// ntfsName is what NTFS makes of name: the part before a ':' (the rest
// names an alternate data stream of the same file, as in
// ".git::$INDEX_ALLOCATION"), without the trailing spaces and dots that
// Windows drops.
func ntfsName(name string) string {
	if i := strings.IndexByte(name, ':'); i >= 0 {
		name = name[:i]
	}
	return strings.TrimRight(name, " .")
}

// isDotGit reports whether some file system git runs on reads name as
// .git: any case (Windows, macOS), trailing spaces or dots or a stream
// suffix (NTFS), ignorable code points (HFS+), or NTFS's 8.3 short name
// "GIT~1" (git's documentation of core.protectNTFS and core.protectHFS,
// and fsck's hasDotgit message, describe the same set).
func isDotGit(name string) bool {
	n := ntfsName(withoutIgnorables(name))
	if strings.EqualFold(n, ".git") {
		return true
	}
	// The short name of .git: "GIT~1", or GIT~2… when other names
	// beginning with "git" took the first.
	if len(n) > 4 && strings.EqualFold(n[:4], "git~") {
		for _, c := range n[4:] {
			if c < '0' || c > '9' {
				return false
			}
		}
		return true
	}
	return false
}

// foldName is the key under which a case-insensitive, normalising file
// system (APFS, HFS+, NTFS) files name: NFC, case-folded, without
// HFS+-ignorable code points or NTFS's trailing spaces and dots. Two
// names of one directory with the same key are one file there.
func foldName(name string) string {
	if isASCII(name) {
		return strings.ToLower(strings.TrimRight(name, " ."))
	}
	if caseless(name) && norm.NFC.IsNormalString(name) {
		// Hangul, CJK, digits: nothing to fold, nothing to build.
		return strings.TrimRight(name, " .")
	}
	return strings.TrimRight(cases.Fold().String(norm.NFC.String(withoutIgnorables(name))), " .")
}

// caseless reports whether name has no letter with case (beyond ASCII
// lower case) and no HFS+-ignorable code point: folding leaves it as it
// is.
func caseless(name string) bool {
	for _, r := range name {
		switch {
		case r < utf8.RuneSelf:
			if 'A' <= r && r <= 'Z' {
				return false
			}
		case hfsIgnorable(r), unicode.IsUpper(r), unicode.IsLower(r), unicode.IsTitle(r), unicode.IsMark(r),
			// Symbols and numbers with a case partner (Ⓦ, Ⅰ) fold
			// too, though they are not letters.
			unicode.SimpleFold(r) != r:
			return false
		}
	}
	return true
}

// checkShape refuses a tree that cannot be checked out safely as a
// whole, though each name in it is fine: a name that is both a file (or
// link, or gitlink) and a directory, two names of one directory that a
// case-insensitive or normalising file system takes for one, and a link
// that, followed through the tree's other links, leaves the work tree
// or reaches .git. Shapes that before (the tree the work tree holds
// now; nil: none) already had are the user's own and let through, so
// that a diary made on Linux with README.md and readme.md still syncs.
// target reads a link's blob.
func checkShape(to, before Tree, target func(Hash) (string, error)) error {
	dirs := make(map[string]bool)
	for p := range to {
		for i := strings.IndexByte(p, '/'); i >= 0; {
			dirs[p[:i]] = true
			j := strings.IndexByte(p[i+1:], '/')
			if j < 0 {
				break
			}
			i += 1 + j
		}
	}
	// A file below a file, link or gitlink: writing it would go through
	// the link, or into the submodule.
	var bad []string
	for p := range to {
		if dirs[p] {
			bad = append(bad, p)
		}
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		p := bad[0]
		what := "file"
		switch to[p].Mode {
		case ModeSymlink:
			what = "link"
		case ModeSubmodule:
			what = "submodule (gitlink)"
		}
		return fmt.Errorf("%w: %q is a %s and also holds files; nothing is written into a %s; nothing was written", ErrUnsafePath, p, what, what)
	}

	// Names of one directory that one file system takes for one.
	// Keyed by directory and folded name, kept apart so that no key is
	// built: most names fold to themselves, and this runs on every tree
	// a sync takes.
	seen := make(map[[2]string]string, len(to)+len(dirs))
	var clash [][2]string
	add := func(p string) {
		dir, name := path.Split(p)
		key := [2]string{dir, foldName(name)}
		if other, ok := seen[key]; ok && other != p {
			clash = append(clash, [2]string{other, p})
			return
		}
		seen[key] = p
	}
	for p := range to {
		add(p)
	}
	for d := range dirs {
		add(d)
	}
	if len(clash) > 0 {
		// In order, so that the error names the same pair every time.
		for i, c := range clash {
			if c[0] > c[1] {
				clash[i] = [2]string{c[1], c[0]}
			}
		}
		sort.Slice(clash, func(i, j int) bool {
			return clash[i][0] < clash[j][0] || clash[i][0] == clash[j][0] && clash[i][1] < clash[j][1]
		})
		old := pathsAndDirs(before)
		for _, c := range clash {
			if old[c[0]] && old[c[1]] {
				continue
			}
			a, b := c[0], c[1]
			return fmt.Errorf("%w: %q and %q are one name on macOS and Windows (they differ only in case or Unicode form); nothing was written: rename one of them with git mv on the laptop that made it", ErrUnsafePath, a, b)
		}
	}

	// Links, each followed through the others.
	var links []string
	for p, e := range to {
		if e.Mode == ModeSymlink {
			links = append(links, p)
		}
	}
	if len(links) == 0 {
		return nil
	}
	sort.Strings(links)
	now := newLinkResolver(to, target)
	var was *linkResolver
	for _, p := range links {
		err := now.check(p)
		if err == nil {
			continue
		}
		// A link the user already had, unchanged, that already led out
		// is theirs, not the remote's.
		if prev, ok := before[p]; ok && prev == to[p] {
			if was == nil {
				was = newLinkResolver(before, target)
			}
			if was.check(p) != nil {
				continue
			}
		}
		return err
	}
	return nil
}

// pathsAndDirs is the set of t's paths and of the directories holding
// them.
func pathsAndDirs(t Tree) map[string]bool {
	out := make(map[string]bool, len(t))
	for p := range t {
		out[p] = true
		for d := path.Dir(p); d != "."; d = path.Dir(d) {
			out[d] = true
		}
	}
	return out
}

// linkResolver follows a tree's links as the file system would once
// they are on disk, without touching the disk.
type linkResolver struct {
	tree   Tree
	byFold map[string]string // folded path of each link -> its path
	target func(Hash) (string, error)
}

func newLinkResolver(t Tree, target func(Hash) (string, error)) *linkResolver {
	l := &linkResolver{tree: t, byFold: map[string]string{}, target: target}
	for p, e := range t {
		if e.Mode == ModeSymlink {
			l.byFold[foldPath(p)] = p
		}
	}
	return l
}

func foldPath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = foldName(s)
	}
	return strings.Join(segs, "/")
}

// maxHops bounds how many links one name may go through, as the
// kernel's own limit (40 on Linux) does.
const maxHops = 40

// errOut: a link leads out of the work tree or into .git.
var errOut = errors.New("outside the work tree")

// check follows the link at p, and every link its target passes
// through (matched as a case-insensitive file system would), and
// refuses it when the walk leaves the work tree or enters .git.
func (l *linkResolver) check(p string) error {
	t, err := l.target(l.tree[p].Hash)
	if err != nil {
		return err
	}
	if err := l.walk(p, t); err != nil {
		return fmt.Errorf("%w: %q is a link to %q, %v; nothing was written", ErrUnsafePath, p, t, err)
	}
	return nil
}

func (l *linkResolver) walk(p, target string) error {
	stack := strings.Split(p, "/")
	stack = stack[:len(stack)-1] // the directory the link is in
	work, err := linkSegments(target)
	if err != nil {
		return err
	}
	hops := 0
	for len(work) > 0 {
		seg := work[0]
		work = work[1:]
		switch seg {
		case "", ".":
			continue
		case "..":
			if len(stack) == 0 {
				return errOut
			}
			stack = stack[:len(stack)-1]
			continue
		}
		if isDotGit(seg) {
			return fmt.Errorf("%w or into .git", errOut)
		}
		stack = append(stack, seg)
		link, ok := l.byFold[foldPath(strings.Join(stack, "/"))]
		if !ok {
			continue
		}
		if hops++; hops > maxHops {
			return errors.New("a loop of links")
		}
		next, err := l.target(l.tree[link].Hash)
		if err != nil {
			return err
		}
		more, err := linkSegments(next)
		if err != nil {
			return fmt.Errorf("through %q: %w", link, err)
		}
		stack = stack[:len(stack)-1]
		work = append(more, work...)
	}
	return nil
}

// linkSegments splits a link's target, refusing one that is absolute on
// any system (a leading slash or backslash, a drive letter), that holds
// a backslash (a separator on Windows) or NUL, or that is empty.
func linkSegments(target string) ([]string, error) {
	switch {
	case target == "":
		return nil, errors.New("an empty link")
	case strings.HasPrefix(target, "/"), len(target) >= 2 && target[1] == ':':
		return nil, fmt.Errorf("an absolute path, %w", errOut)
	case strings.ContainsAny(target, "\\\x00"):
		return nil, errors.New("a backslash or NUL in a link")
	}
	return strings.Split(target, "/"), nil
}
