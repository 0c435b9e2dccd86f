// Package merge merges two edits of a file against their common ancestor:
// Text line by line exactly as git merge-file does, and Post a Jekyll post
// front matter key by key and then its body line by line.
package merge

import (
	"bytes"
)

// Result of a 3-way merge.
type Result struct {
	Merged    []byte // the merge; with conflicts, git-style conflict markers around each conflict
	Conflicts int    // 0: a clean merge
}

// Clean reports whether the merge has no conflicts.
func (r Result) Clean() bool { return r.Conflicts == 0 }

// Labels name the sides in conflict markers. An empty label leaves its
// marker bare ("<<<<<<<"). Base is not shown in the merge style's markers;
// it is kept for callers that name all three.
type Labels struct{ Ours, Base, Theirs string }

// MarkerSize is the length of the conflict markers, as in git.
const MarkerSize = 7

// Merge hunk modes, as xdiff's xmerge.c numbers them.
const (
	modeConflict = 0 // both sides changed this region differently
	modeOurs     = 1 // only ours changed it
	modeTheirs   = 2 // only theirs changed it
	modeSame     = 4 // both made the same change (found by refinement)
)

// hunk is a region of the merge: base lines [i0, i0+chg0) (used only to
// build hunks), ours lines [i1, i1+chg1), theirs lines [i2, i2+chg2).
type hunk struct {
	mode     int
	i0, chg0 int
	i1, chg1 int
	i2, chg2 int
}

// Text merges line by line exactly as
// `git merge-file -L ours -L base -L theirs ours base theirs` does (its
// default: merge style, not diff3; zealous-alnum refinement; conflict
// markers of 7 characters), so that diary's merges are git's merges.
//
// In detail, as git 2.39 does it: each side is diffed against base (Myers
// as in xdiff, see diff.go); a change on one side that neither overlaps
// nor touches a change on the other is taken; changes that overlap or
// touch (no unchanged base line between them) are identical, and taken
// once, or a conflict. Conflicts are then refined: the two sides'
// versions are diffed against each other and only the differing runs stay
// conflicts; two conflicts with at most three lines between them, or with
// only lines between them that hold no ASCII letter or digit, become one.
// Inside a conflict a side's last line gains a line end if it has none,
// and the markers' line ends are CRLF when the lines before the conflict
// in ours and in theirs, and base's first line, end in CRLF. When one side
// equals base, the other side is the merge, byte for byte. Unlike git,
// Text also merges text holding NUL bytes (git refuses it as binary).
func Text(base, ours, theirs []byte, l Labels) Result {
	b, o, t := splitLines(base), splitLines(ours), splitLines(theirs)
	s1 := diffLines(b, o)
	s2 := diffLines(b, t)
	if len(s1) == 0 {
		return Result{Merged: bytes.Clone(theirs)}
	}
	if len(s2) == 0 {
		return Result{Merged: bytes.Clone(ours)}
	}
	hs := combine(b, o, t, s1, s2)
	hs = refine(o, t, hs)
	hs = simplify(o, hs)
	n := 0
	for _, h := range hs {
		if h.mode == modeConflict {
			n++
		}
	}
	size := len(ours) + len(theirs)
	out := make([]byte, 0, size+n*(3*MarkerSize+len(l.Ours)+len(l.Theirs)+8))
	return Result{Merged: fill(out, b, o, t, hs, l), Conflicts: n}
}

// combine walks the two edit scripts (base→ours and base→theirs) together
// and makes the merge's hunks (xdl_do_merge).
func combine(b, o, t [][]byte, s1, s2 []change) []hunk {
	var hs []hunk
	add := func(h hunk) {
		if n := len(hs); n > 0 {
			m := &hs[n-1]
			if h.i1 <= m.i1+m.chg1 || h.i2 <= m.i2+m.chg2 {
				if h.mode != m.mode {
					m.mode = modeConflict
				}
				m.chg0 = h.i0 + h.chg0 - m.i0
				m.chg1 = h.i1 + h.chg1 - m.i1
				m.chg2 = h.i2 + h.chg2 - m.i2
				return
			}
		}
		hs = append(hs, h)
	}
	i, j := 0, 0
	for i < len(s1) && j < len(s2) {
		x1, x2 := s1[i], s2[j]
		if x1.i1+x1.chg1 < x2.i1 {
			add(hunk{mode: modeOurs, i0: x1.i1, chg0: x1.chg1, i1: x1.i2, chg1: x1.chg2,
				i2: x2.i2 - x2.i1 + x1.i1, chg2: x1.chg1})
			i++
			continue
		}
		if x2.i1+x2.chg1 < x1.i1 {
			add(hunk{mode: modeTheirs, i0: x2.i1, chg0: x2.chg1, i1: x1.i2 - x1.i1 + x2.i1, chg1: x2.chg1,
				i2: x2.i2, chg2: x2.chg2})
			j++
			continue
		}
		if x1.i1 != x2.i1 || x1.chg1 != x2.chg1 || x1.chg2 != x2.chg2 ||
			!sameLines(o[x1.i2:x1.i2+x1.chg2], t[x2.i2:x2.i2+x2.chg2]) {
			off := x1.i1 - x2.i1
			ffo := off + x1.chg1 - x2.chg1
			i0, i1, i2 := x1.i1, x1.i2, x2.i2
			if off > 0 {
				i0 -= off
				i1 -= off
			} else {
				i2 += off
			}
			chg0 := x1.i1 + x1.chg1 - i0
			chg1 := x1.i2 + x1.chg2 - i1
			chg2 := x2.i2 + x2.chg2 - i2
			if ffo < 0 {
				chg0 -= ffo
				chg1 -= ffo
			} else {
				chg2 += ffo
			}
			add(hunk{mode: modeConflict, i0: i0, chg0: chg0, i1: i1, chg1: chg1, i2: i2, chg2: chg2})
		}
		e1, e2 := x1.i1+x1.chg1, x2.i1+x2.chg1
		if e1 >= e2 {
			j++
		}
		if e2 >= e1 {
			i++
		}
	}
	for ; i < len(s1); i++ {
		x1 := s1[i]
		add(hunk{mode: modeOurs, i0: x1.i1, chg0: x1.chg1, i1: x1.i2, chg1: x1.chg2,
			i2: x1.i1 + len(t) - len(b), chg2: x1.chg1})
	}
	for ; j < len(s2); j++ {
		x2 := s2[j]
		add(hunk{mode: modeTheirs, i0: x2.i1, chg0: x2.chg1, i1: x2.i1 + len(o) - len(b), chg1: x2.chg1,
			i2: x2.i2, chg2: x2.chg2})
	}
	return hs
}

func sameLines(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

// refine diffs ours' and theirs' versions of each conflict and keeps as
// conflicts only the hunks of that diff; a conflict whose versions are
// equal is a change made on both sides (xdl_refine_conflicts).
func refine(o, t [][]byte, hs []hunk) []hunk {
	out := make([]hunk, 0, len(hs))
	for _, m := range hs {
		if m.mode != modeConflict || m.chg1 == 0 || m.chg2 == 0 {
			out = append(out, m)
			continue
		}
		cs := diffLines(o[m.i1:m.i1+m.chg1], t[m.i2:m.i2+m.chg2])
		if len(cs) == 0 {
			m.mode = modeSame
			out = append(out, m)
			continue
		}
		for _, c := range cs {
			out = append(out, hunk{mode: modeConflict,
				i1: m.i1 + c.i1, chg1: c.chg1, i2: m.i2 + c.i2, chg2: c.chg2})
		}
	}
	return out
}

// simplify joins two conflicts when what lies between them is at most
// three lines, or lines with no ASCII letter or digit: one conflict reads
// more easily than two so close (xdl_simplify_non_conflicts).
func simplify(o [][]byte, hs []hunk) []hunk {
	if len(hs) == 0 {
		return hs
	}
	out := hs[:1]
	for _, next := range hs[1:] {
		m := &out[len(out)-1]
		begin, end := m.i1+m.chg1, next.i1
		if m.mode != modeConflict || next.mode != modeConflict ||
			(end-begin > 3 && anyAlnum(o[begin:end])) {
			out = append(out, next)
			continue
		}
		m.chg1 = next.i1 + next.chg1 - m.i1
		m.chg2 = next.i2 + next.chg2 - m.i2
	}
	return out
}

// anyAlnum reports whether a line holds an ASCII letter or digit; git's
// isalnum knows no other letters, so a line of Hangul has none.
func anyAlnum(lines [][]byte) bool {
	for _, l := range lines {
		for _, c := range l {
			if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
				return true
			}
		}
	}
	return false
}

// eolCRLF says whether line i of f ends in CRLF: 1 yes, 0 no, -1 cannot
// tell (an empty file, or a single line without an end). A last line
// without an end is judged by the line before it.
func eolCRLF(f [][]byte, i int) int {
	crlf := func(l []byte) int {
		if n := len(l); n > 1 && l[n-2] == '\r' {
			return 1
		}
		return 0
	}
	if i < len(f)-1 {
		return crlf(f[i])
	}
	if len(f) == 0 {
		return -1
	}
	if l := f[i]; len(l) > 0 && l[len(l)-1] == '\n' {
		return crlf(l)
	}
	if i == 0 {
		return -1
	}
	return crlf(f[i-1])
}

// needsCR says whether the line ends the merge adds in a conflict are
// CRLF: when the lines before the conflict on both sides, and base's first
// line, all end so (or cannot tell, but base can).
func needsCR(b, o, t [][]byte, m hunk) bool {
	prev := func(i int) int {
		if i > 0 {
			return i - 1
		}
		return 0
	}
	cr := eolCRLF(o, prev(m.i1))
	if cr != 0 {
		cr = eolCRLF(t, prev(m.i2))
	}
	if cr != 0 {
		cr = eolCRLF(b, 0)
	}
	return cr > 0
}

// appendLines appends lines; with addNL, a line end after the last when
// it has none.
func appendLines(out []byte, lines [][]byte, addNL, cr bool) []byte {
	for _, l := range lines {
		out = append(out, l...)
	}
	if addNL && len(lines) > 0 {
		if l := lines[len(lines)-1]; len(l) == 0 || l[len(l)-1] != '\n' {
			if cr {
				out = append(out, '\r')
			}
			out = append(out, '\n')
		}
	}
	return out
}

func appendMarker(out []byte, c byte, label string, cr bool) []byte {
	for range MarkerSize {
		out = append(out, c)
	}
	if label != "" {
		out = append(out, ' ')
		out = append(out, label...)
	}
	if cr {
		out = append(out, '\r')
	}
	return append(out, '\n')
}

// fill writes the merge (xdl_fill_merge_buffer in the merge style).
func fill(out []byte, b, o, t [][]byte, hs []hunk, l Labels) []byte {
	i := 0
	for _, m := range hs {
		switch m.mode {
		case modeConflict:
			cr := needsCR(b, o, t, m)
			out = appendLines(out, o[i:m.i1], false, false)
			out = appendMarker(out, '<', l.Ours, cr)
			out = appendLines(out, o[m.i1:m.i1+m.chg1], true, cr)
			out = appendMarker(out, '=', "", cr)
			out = appendLines(out, t[m.i2:m.i2+m.chg2], true, cr)
			out = appendMarker(out, '>', l.Theirs, cr)
		case modeOurs:
			out = appendLines(out, o[i:m.i1+m.chg1], false, false)
		case modeTheirs:
			out = appendLines(out, o[i:m.i1], false, false)
			out = appendLines(out, t[m.i2:m.i2+m.chg2], false, false)
		default: // modeSame: ours' lines are theirs; they are copied with the rest
			continue
		}
		i = m.i1 + m.chg1
	}
	return appendLines(out, o[i:], false, false)
}
