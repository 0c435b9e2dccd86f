package merge

import (
	"bytes"
)

// The 3-way merge is diff3 as formalised by Sanjeev Khanna, Keshav Kunal
// and Benjamin C. Pierce, "A Formal Investigation of Diff3", FSTTCS 2007:
// base is diffed against each side (myers.go); a base line matched in
// both diffs, with the matched lines following on in step, is stable;
// between the stable chunks lie unstable ones, each taken from the side
// that changed it, once when both changed it the same way, or else a
// conflict.
//
// How a conflict is shown follows git's documentation (git-merge-file(1),
// git-merge(1) "HOW CONFLICTS ARE PRESENTED") and black-box runs of
// `git merge-file` 2.39, so that diary's merges read like git's: a
// conflict is narrowed to the lines where the two sides really differ
// (the sides' chunks are diffed against each other), and neighbouring
// conflicts are joined when only a few unchanged lines, or only lines
// without an ASCII letter or digit, lie between them.

// MarkerSize is the length of the conflict markers, as in git.
const MarkerSize = 7

// Labels name the sides in conflict markers. An empty label leaves its
// marker bare ("<<<<<<<"). Base is not shown in the merge style's
// markers; it is kept for callers that name all three.
type Labels struct{ Ours, Base, Theirs string }

// Result of a 3-way merge.
type Result struct {
	Merged    []byte // the merge; with conflicts, git-style conflict markers around each conflict
	Conflicts int    // 0: a clean merge
}

// Clean reports whether the merge has no conflicts.
func (r Result) Clean() bool { return r.Conflicts == 0 }

// joinGap is how many unchanged lines may lie between two conflicts
// that are shown as one, as git merge-file shows them.
const joinGap = 3

// Text merges line by line as `git merge-file -L ours -L base -L theirs
// ours base theirs` does with its defaults (merge style, not diff3;
// markers of 7 characters):
//
//   - when one side equals base, the other side is the merge, byte for
//     byte; so is either side when both are equal;
//   - otherwise each side is diffed against base, and base is cut into
//     stable and unstable chunks (Khanna, Kunal, Pierce 2007); a change
//     one side made alone is taken, so is a change both made the same
//     way; changes that overlap or touch (no base line kept by both sides
//     between them) and differ are a conflict;
//   - a conflict is narrowed to the lines in which the two sides differ;
//     conflicts with at most three unchanged lines between them, or only
//     lines without an ASCII letter or digit, are shown as one;
//   - inside a conflict a side's last line gains a line end if it has
//     none; the markers end in CRLF when base's first line does and so
//     does, on each side, the line before the conflict (or that side's
//     first line, at the start).
//
// Unlike git, Text also merges text holding NUL bytes (git refuses it as
// binary).
func Text(base, ours, theirs []byte, l Labels) Result {
	switch {
	case bytes.Equal(ours, theirs) || bytes.Equal(theirs, base):
		return Result{Merged: bytes.Clone(ours)}
	case bytes.Equal(ours, base):
		return Result{Merged: bytes.Clone(theirs)}
	}
	b, o, t := splitLines(base), splitLines(ours), splitLines(theirs)
	in := interner{}
	bi, oi, ti := in.ids(b), in.ids(o), in.ids(t)
	m := &merger{b: b, o: o, t: t, bi: bi, oi: oi, ti: ti}
	m.chunks(matches(diffIDs(bi, oi), len(bi)), matches(diffIDs(bi, ti), len(bi)))
	m.join()
	return m.render(l)
}

// matches reads a diff from base as, for each base line, the index of the
// side's line it is kept as, or -1 when the side changed it.
func matches(hs []hunk, n int) []int {
	out := make([]int, n)
	i, j := 0, 0
	for _, h := range append(hs, hunk{a0: n, a1: n}) {
		for ; i < h.a0; i++ {
			out[i] = j
			j++
		}
		for ; i < h.a1; i++ {
			out[i] = -1
		}
		j += h.b1 - h.b0
	}
	return out
}

// segKind says what a piece of the merge is.
type segKind int

const (
	segSame     segKind = iota // kept by both, or changed the same way by both
	segOne                     // changed by one side only
	segConflict                // the sides differ
)

// seg is a piece of the merge: for segSame and segOne the lines in
// o[o0:o1] or t[t0:t1] (whichever is taken), for a conflict both.
type seg struct {
	kind           segKind
	o0, o1, t0, t1 int
	fromTheirs     bool // segOne and segSame: the lines are theirs'
}

type merger struct {
	b, o, t    [][]byte
	bi, oi, ti []int
	segs       []seg
}

// chunk is a stable or an unstable chunk of a 3-way parse: base[b0:b1],
// ours[o0:o1], theirs[t0:t1].
type chunk struct {
	stable                 bool
	b0, b1, o0, o1, t0, t1 int
}

// parse walks base, ours and theirs together as in section 2 of Khanna,
// Kunal and Pierce: a stable chunk runs while the next base line is kept
// by both sides as their next lines; an unstable chunk runs to the next
// base line both sides keep. mo and mt are the diffs as matches.
func parse(mo, mt []int, no, nt int) []chunk {
	nb := len(mo)
	var out []chunk
	lb, lo, lt := 0, 0, 0
	for lb < nb || lo < no || lt < nt {
		i := 0
		for lb+i < nb && mo[lb+i] == lo+i && mt[lb+i] == lt+i {
			i++
		}
		if i > 0 {
			out = append(out, chunk{true, lb, lb + i, lo, lo + i, lt, lt + i})
			lb, lo, lt = lb+i, lo+i, lt+i
			continue
		}
		eb, eo, et := nb, no, nt
		for j := lb; j < nb; j++ {
			if mo[j] >= 0 && mt[j] >= 0 {
				eb, eo, et = j, mo[j], mt[j]
				break
			}
		}
		out = append(out, chunk{false, lb, eb, lo, eo, lt, et})
		lb, lo, lt = eb, eo, et
	}
	return out
}

// chunks classifies the chunks of the parse into the merge's pieces.
func (m *merger) chunks(mo, mt []int) {
	for _, c := range parse(mo, mt, len(m.oi), len(m.ti)) {
		if c.stable {
			m.add(seg{kind: segSame, o0: c.o0, o1: c.o1, t0: c.t0, t1: c.t1})
			continue
		}
		m.unstable(c.b0, c.b1, c.o0, c.o1, c.t0, c.t1)
	}
}

func equalIDs(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// unstable classifies the unstable chunk base[b0:b1], ours[o0:o1],
// theirs[t0:t1].
func (m *merger) unstable(b0, b1, o0, o1, t0, t1 int) {
	bs, os, ts := m.bi[b0:b1], m.oi[o0:o1], m.ti[t0:t1]
	s := seg{o0: o0, o1: o1, t0: t0, t1: t1}
	switch {
	case equalIDs(os, ts):
		s.kind = segSame
	case equalIDs(os, bs):
		s.kind, s.fromTheirs = segOne, true
	case equalIDs(ts, bs):
		s.kind = segOne
	default:
		m.refine(s)
		return
	}
	m.add(s)
}

// refine narrows a conflict to the runs where ours and theirs differ:
// the lines they share (by a diff of the two) are taken as they are.
func (m *merger) refine(c seg) {
	hs := diffIDs(m.oi[c.o0:c.o1], m.ti[c.t0:c.t1])
	o, t := c.o0, c.t0
	for _, h := range hs {
		if n := c.o0 + h.a0 - o; n > 0 {
			m.add(seg{kind: segSame, o0: o, o1: o + n, t0: t, t1: t + n})
		}
		o, t = c.o0+h.a1, c.t0+h.b1
		m.add(seg{kind: segConflict, o0: c.o0 + h.a0, o1: o, t0: c.t0 + h.b0, t1: t})
	}
	if n := c.o1 - o; n > 0 {
		m.add(seg{kind: segSame, o0: o, o1: c.o1, t0: t, t1: c.t1})
	}
}

// add appends s, merging it into the last piece when both are the same
// kind and side and meet.
func (m *merger) add(s seg) {
	if k := len(m.segs) - 1; k >= 0 && s.kind != segConflict {
		p := &m.segs[k]
		if p.kind == s.kind && p.fromTheirs == s.fromTheirs && p.o1 == s.o0 && p.t1 == s.t0 {
			p.o1, p.t1 = s.o1, s.t1
			return
		}
	}
	m.segs = append(m.segs, s)
}

// join shows as one the conflicts that only a few unchanged lines, or
// only lines without an ASCII letter or digit, keep apart. A change that
// one side made alone between them keeps them apart.
func (m *merger) join() {
	out := m.segs[:0]
	for i := 0; i < len(m.segs); i++ {
		s := m.segs[i]
		if s.kind != segConflict {
			out = append(out, s)
			continue
		}
		// Look for the next conflict over same pieces only.
		k := len(out) - 1
		for k >= 0 && out[k].kind == segSame {
			k--
		}
		if k >= 0 && out[k].kind == segConflict && m.joinable(out[k+1:]) {
			prev := &out[k]
			prev.o1, prev.t1 = s.o1, s.t1
			out = out[:k+1]
			continue
		}
		out = append(out, s)
	}
	m.segs = out
}

func (m *merger) joinable(gap []seg) bool {
	n := 0
	alnum := false
	for _, s := range gap {
		n += s.o1 - s.o0
		for _, l := range m.o[s.o0:s.o1] {
			alnum = alnum || hasAlnum(l)
		}
	}
	return n <= joinGap || !alnum
}

func hasAlnum(l []byte) bool {
	for _, c := range l {
		if c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			return true
		}
	}
	return false
}

// render writes the merge.
func (m *merger) render(l Labels) Result {
	size := 0
	for _, x := range [][][]byte{m.o, m.t} {
		size += lenLines(x)
	}
	out := make([]byte, 0, size)
	conflicts := 0
	for _, s := range m.segs {
		switch {
		case s.kind == segConflict:
			conflicts++
			eol := "\n"
			if m.crlf(s) {
				eol = "\r\n"
			}
			out = marker(out, '<', l.Ours, eol)
			out = appendSide(out, m.o[s.o0:s.o1], eol)
			out = marker(out, '=', "", eol)
			out = appendSide(out, m.t[s.t0:s.t1], eol)
			out = marker(out, '>', l.Theirs, eol)
		case s.fromTheirs:
			for _, x := range m.t[s.t0:s.t1] {
				out = append(out, x...)
			}
		default:
			for _, x := range m.o[s.o0:s.o1] {
				out = append(out, x...)
			}
		}
	}
	return Result{Merged: out, Conflicts: conflicts}
}

func marker(out []byte, c byte, label, eol string) []byte {
	for range MarkerSize {
		out = append(out, c)
	}
	if label != "" {
		out = append(out, ' ')
		out = append(out, label...)
	}
	return append(out, eol...)
}

// appendSide writes a side's lines in a conflict, its last line given a
// line end if it has none.
func appendSide(out []byte, lines [][]byte, eol string) []byte {
	for _, x := range lines {
		out = append(out, x...)
	}
	if len(lines) > 0 && !bytes.HasSuffix(out, []byte("\n")) {
		out = append(out, eol...)
	}
	return out
}

func isCRLF(l []byte) bool { return bytes.HasSuffix(l, []byte("\r\n")) }

// crlf decides the markers' line ends for conflict s, as git does: CRLF
// when base's first line ends in one, and so does each side's line
// before the conflict (its first line when the conflict starts the file;
// a side with no lines has no say).
func (m *merger) crlf(s seg) bool {
	if len(m.b) == 0 || !isCRLF(m.b[0]) {
		return false
	}
	for _, x := range []struct {
		lines [][]byte
		at    int
	}{{m.o, s.o0}, {m.t, s.t0}} {
		switch {
		case x.at > 0:
			if !isCRLF(x.lines[x.at-1]) {
				return false
			}
		case len(x.lines) > 0:
			if !isCRLF(x.lines[0]) {
				return false
			}
		}
	}
	return true
}
