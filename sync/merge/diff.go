package merge

import (
	"bytes"
	"math"
)

// This file computes line diffs the way git's xdiff does by default (Myers
// with xdiff's pre-pass, cost heuristics and change compaction, no indent
// heuristic), so that the hunks Text merges are the hunks git merges. It
// was written from a reading of git 2.39's xdiff/xprepare.c and
// xdiff/xdiffi.c; the comments say which of git's choices each step keeps,
// because every one of them moves hunks and so changes merges.

// change is one hunk of an edit script: lines [i1, i1+chg1) of file a
// become lines [i2, i2+chg2) of file b.
type change struct {
	i1, chg1 int
	i2, chg2 int
}

// splitLines cuts text into lines, each keeping its "\n"; the last one
// lacks it when the text does not end in a newline. Lines are compared
// byte for byte, so "x\n" and a final "x" differ, as they do in git.
func splitLines(b []byte) [][]byte {
	if len(b) == 0 {
		return nil
	}
	out := make([][]byte, 0, bytes.Count(b, []byte{'\n'})+1)
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			out = append(out, b)
			break
		}
		out = append(out, b[:i+1:i+1])
		b = b[i+1:]
	}
	return out
}

// side is one file of a diff: each line's equivalence class, and which
// lines are changed. changed has a false sentinel at each end, so that
// changed[i+1] is line i, for i from -1 to n.
type side struct {
	class   []int
	changed []bool
	n       int
	// The lines that take part in the Myers search, after the pre-pass:
	// their classes (ha) and their line numbers (index).
	ha    []int
	index []int
}

func (s *side) isChanged(i int) bool { return i >= -1 && s.changed[i+1] }
func (s *side) mark(i int)           { s.changed[i+1] = true }

// diffLines returns git's edit script from a to b.
func diffLines(a, b [][]byte) []change {
	x, y := prepare(a, b)
	if len(x.ha) > 0 || len(y.ha) > 0 {
		m := newMyers(x, y)
		m.compare(0, len(x.ha), 0, len(y.ha), false)
	}
	compact(x, y)
	compact(y, x)
	return script(x, y)
}

// prepare classifies the lines of both files, trims their common head and
// tail, and leaves out of the search the lines that cannot match (xdiff's
// xdl_prepare_env): a line with no equal in the other file is changed
// outright, and so is a line with many equals there that sits among such
// lines. That second rule decides the alignment of repeated lines, so it is
// kept exactly.
func prepare(a, b [][]byte) (*side, *side) {
	classes := make(map[string]int, len(a)+len(b))
	var count1, count2 []int // per class: lines in a, lines in b
	classify := func(lines [][]byte, inA bool) []int {
		out := make([]int, len(lines))
		for i, l := range lines {
			c, ok := classes[string(l)]
			if !ok {
				c = len(count1)
				classes[string(l)] = c
				count1 = append(count1, 0)
				count2 = append(count2, 0)
			}
			if inA {
				count1[c]++
			} else {
				count2[c]++
			}
			out[i] = c
		}
		return out
	}
	x := &side{class: classify(a, true), changed: make([]bool, len(a)+2), n: len(a)}
	y := &side{class: classify(b, false), changed: make([]bool, len(b)+2), n: len(b)}

	// Common head and tail take no part.
	lim := min(x.n, y.n)
	start := 0
	for start < lim && x.class[start] == y.class[start] {
		start++
	}
	tail := 0
	for tail < lim-start && x.class[x.n-1-tail] == y.class[y.n-1-tail] {
		tail++
	}
	xend, yend := x.n-tail-1, y.n-tail-1 // last line of each middle

	filter(x, start, xend, count2)
	filter(y, start, yend, count1)
	return x, y
}

// Classification of a line for the search: no equal in the other file,
// one or a few, or many (at least the square root of the file's length).
const (
	noMatch    = 0
	someMatch  = 1
	manyMatch  = 2
	maxEqLimit = 1024
	scanWindow = 100
	keepRun    = 4
)

// filter picks the lines of s in [start, end] that take part in the
// search; others is, per class, how often it occurs in the other file.
func filter(s *side, start, end int, others []int) {
	mlim := min(bogoSqrt(s.n), maxEqLimit)
	dis := make([]byte, s.n+1)
	for i := start; i <= end; i++ {
		switch nm := others[s.class[i]]; {
		case nm == 0:
			dis[i] = noMatch
		case nm >= mlim:
			dis[i] = manyMatch
		default:
			dis[i] = someMatch
		}
	}
	s.ha = make([]int, 0, max(end-start+1, 0))
	s.index = make([]int, 0, max(end-start+1, 0))
	for i := start; i <= end; i++ {
		if dis[i] == someMatch || (dis[i] == manyMatch && !discardMany(dis, i, start, end)) {
			s.index = append(s.index, i)
			s.ha = append(s.ha, s.class[i])
		} else {
			s.mark(i)
		}
	}
}

// discardMany reports whether line i, which has many equals in the other
// file, is to be left out because it stands among lines without equals
// (xdl_clean_mmatch).
func discardMany(dis []byte, i, s, e int) bool {
	if i-s > scanWindow {
		s = i - scanWindow
	}
	if e-i > scanWindow {
		e = i + scanWindow
	}
	none0, many0 := 0, 1
	for r := 1; i-r >= s; r++ {
		if dis[i-r] == noMatch {
			none0++
		} else if dis[i-r] == manyMatch {
			many0++
		} else {
			break
		}
	}
	if none0 == 0 {
		return false
	}
	none1, many1 := 0, 1
	for r := 1; i+r <= e; r++ {
		if dis[i+r] == noMatch {
			none1++
		} else if dis[i+r] == manyMatch {
			many1++
		} else {
			break
		}
	}
	if none1 == 0 {
		return false
	}
	none1 += none0
	many1 += many0
	return many1*keepRun < many1+none1
}

// bogoSqrt is xdiff's rough square root: the power of two with half the
// bits of n, rounded up.
func bogoSqrt(n int) int {
	i := 1
	for ; n > 0; n >>= 2 {
		i <<= 1
	}
	return i
}

// Limits of the Myers search, as in xdiff: past maxCostMin steps (or the
// square root of the diagonals, if larger) it settles for a good enough
// split; past heurMinCost steps it takes a long enough common run.
const (
	maxCostMin  = 256
	heurMinCost = 256
	snakeCnt    = 20
	kHeur       = 4
	lineMax     = math.MaxInt
)

type myers struct {
	x, y   *side
	kf, kb []int // forward and backward furthest reach, by diagonal + off
	off    int
	mxcost int
}

func newMyers(x, y *side) *myers {
	ndiags := len(x.ha) + len(y.ha) + 3
	return &myers{
		x: x, y: y,
		kf:     make([]int, ndiags+1),
		kb:     make([]int, ndiags+1),
		off:    len(y.ha) + 1,
		mxcost: max(bogoSqrt(ndiags), maxCostMin),
	}
}

// compare marks the changed lines between x.ha[off1:lim1] and
// y.ha[off2:lim2] by divide and conquer around middle snakes.
func (m *myers) compare(off1, lim1, off2, lim2 int, needMin bool) {
	ha1, ha2 := m.x.ha, m.y.ha
	for off1 < lim1 && off2 < lim2 && ha1[off1] == ha2[off2] {
		off1++
		off2++
	}
	for off1 < lim1 && off2 < lim2 && ha1[lim1-1] == ha2[lim2-1] {
		lim1--
		lim2--
	}
	switch {
	case off1 == lim1:
		for ; off2 < lim2; off2++ {
			m.y.mark(m.y.index[off2])
		}
	case off2 == lim2:
		for ; off1 < lim1; off1++ {
			m.x.mark(m.x.index[off1])
		}
	default:
		i1, i2, minLo, minHi := m.split(off1, lim1, off2, lim2, needMin)
		m.compare(off1, i1, off2, i2, minLo)
		m.compare(i1, lim1, i2, lim2, minHi)
	}
}

// split finds where to cut the box: the middle snake of Myers' linear
// space search, or when that costs too much, xdiff's approximations of it.
func (m *myers) split(off1, lim1, off2, lim2 int, needMin bool) (s1, s2 int, minLo, minHi bool) {
	ha1, ha2 := m.x.ha, m.y.ha
	kf, kb, o := m.kf, m.kb, m.off
	dmin, dmax := off1-lim2, lim1-off2
	fmid, bmid := off1-off2, lim1-lim2
	odd := (fmid-bmid)&1 != 0
	fmin, fmax := fmid, fmid
	bmin, bmax := bmid, bmid

	kf[o+fmid] = off1
	kb[o+bmid] = lim1

	for ec := 1; ; ec++ {
		gotSnake := false

		// Widen the forward diagonals by one, or narrow them at the box's
		// edge; the one beyond gets a value that loses every comparison.
		if fmin > dmin {
			fmin--
			kf[o+fmin-1] = -1
		} else {
			fmin++
		}
		if fmax < dmax {
			fmax++
			kf[o+fmax+1] = -1
		} else {
			fmax--
		}
		for d := fmax; d >= fmin; d -= 2 {
			var i1 int
			if kf[o+d-1] >= kf[o+d+1] {
				i1 = kf[o+d-1] + 1
			} else {
				i1 = kf[o+d+1]
			}
			prev := i1
			i2 := i1 - d
			for i1 < lim1 && i2 < lim2 && ha1[i1] == ha2[i2] {
				i1++
				i2++
			}
			if i1-prev > snakeCnt {
				gotSnake = true
			}
			kf[o+d] = i1
			if odd && bmin <= d && d <= bmax && kb[o+d] <= i1 {
				return i1, i2, true, true
			}
		}

		if bmin > dmin {
			bmin--
			kb[o+bmin-1] = lineMax
		} else {
			bmin++
		}
		if bmax < dmax {
			bmax++
			kb[o+bmax+1] = lineMax
		} else {
			bmax--
		}
		for d := bmax; d >= bmin; d -= 2 {
			var i1 int
			if kb[o+d-1] < kb[o+d+1] {
				i1 = kb[o+d-1]
			} else {
				i1 = kb[o+d+1] - 1
			}
			prev := i1
			i2 := i1 - d
			for i1 > off1 && i2 > off2 && ha1[i1-1] == ha2[i2-1] {
				i1--
				i2--
			}
			if prev-i1 > snakeCnt {
				gotSnake = true
			}
			kb[o+d] = i1
			if !odd && fmin <= d && d <= fmax && i1 <= kf[o+d] {
				return i1, i2, true, true
			}
		}

		if needMin {
			continue
		}

		// Costly search that has found a long common run: take a
		// diagonal that has come far, if it ends in such a run.
		if gotSnake && ec > heurMinCost {
			best := 0
			for d := fmax; d >= fmin; d -= 2 {
				dd := d - fmid
				if dd < 0 {
					dd = -dd
				}
				i1 := kf[o+d]
				i2 := i1 - d
				v := (i1 - off1) + (i2 - off2) - dd
				if v > kHeur*ec && v > best &&
					off1+snakeCnt <= i1 && i1 < lim1 &&
					off2+snakeCnt <= i2 && i2 < lim2 {
					for k := 1; ha1[i1-k] == ha2[i2-k]; k++ {
						if k == snakeCnt {
							best = v
							s1, s2 = i1, i2
							break
						}
					}
				}
			}
			if best > 0 {
				return s1, s2, true, false
			}
			best = 0
			for d := bmax; d >= bmin; d -= 2 {
				dd := d - bmid
				if dd < 0 {
					dd = -dd
				}
				i1 := kb[o+d]
				i2 := i1 - d
				v := (lim1 - i1) + (lim2 - i2) - dd
				if v > kHeur*ec && v > best &&
					off1 < i1 && i1 <= lim1-snakeCnt &&
					off2 < i2 && i2 <= lim2-snakeCnt {
					for k := 0; ha1[i1+k] == ha2[i2+k]; k++ {
						if k == snakeCnt-1 {
							best = v
							s1, s2 = i1, i2
							break
						}
					}
				}
			}
			if best > 0 {
				return s1, s2, false, true
			}
		}

		// Too costly: cut at the furthest point either search reached.
		if ec >= m.mxcost {
			fbest, fbest1 := -1, -1
			for d := fmax; d >= fmin; d -= 2 {
				i1 := min(kf[o+d], lim1)
				i2 := i1 - d
				if lim2 < i2 {
					i1, i2 = lim2+d, lim2
				}
				if fbest < i1+i2 {
					fbest, fbest1 = i1+i2, i1
				}
			}
			bbest, bbest1 := lineMax, lineMax
			for d := bmax; d >= bmin; d -= 2 {
				i1 := max(off1, kb[o+d])
				i2 := i1 - d
				if i2 < off2 {
					i1, i2 = off2+d, off2
				}
				if i1+i2 < bbest {
					bbest, bbest1 = i1+i2, i1
				}
			}
			if (lim1+lim2)-bbest < fbest-(off1+off2) {
				return fbest1, fbest - fbest1, true, false
			}
			return bbest1, bbest - bbest1, false, true
		}
	}
}

// group is a run of changed lines [start, end) in one file; an empty
// group sits just above line start.
type group struct{ start, end int }

func (s *side) firstGroup() group {
	g := group{}
	for s.isChanged(g.end) {
		g.end++
	}
	return g
}

func (s *side) nextGroup(g *group) bool {
	if g.end == s.n {
		return false
	}
	g.start = g.end + 1
	g.end = g.start
	for s.isChanged(g.end) {
		g.end++
	}
	return true
}

func (s *side) prevGroup(g *group) bool {
	if g.start == 0 {
		return false
	}
	g.end = g.start - 1
	g.start = g.end
	for s.isChanged(g.start - 1) {
		g.start--
	}
	return true
}

// slideDown moves g one line later when its first line equals the line
// after it, swallowing a group it then touches.
func (s *side) slideDown(g *group) bool {
	if g.end < s.n && s.class[g.start] == s.class[g.end] {
		s.changed[g.start+1] = false
		g.start++
		s.changed[g.end+1] = true
		g.end++
		for s.isChanged(g.end) {
			g.end++
		}
		return true
	}
	return false
}

// slideUp moves g one line earlier when its last line equals the line
// before it.
func (s *side) slideUp(g *group) bool {
	if g.start > 0 && s.class[g.start-1] == s.class[g.end-1] {
		g.start--
		s.changed[g.start+1] = true
		g.end--
		s.changed[g.end+1] = false
		for s.isChanged(g.start - 1) {
			g.start--
		}
		return true
	}
	return false
}

// compact slides each group of changed lines in s as far down as it goes,
// joining groups that meet, then back up to line up with a change in the
// other file if one was passed (xdl_change_compact without the indent
// heuristic, which git merge-file does not use).
func compact(s, o *side) {
	g, og := s.firstGroup(), o.firstGroup()
	for {
		if g.end != g.start {
			var earliestEnd, endMatchingOther int
			for {
				size := g.end - g.start
				endMatchingOther = -1
				for s.slideUp(&g) {
					if !o.prevGroup(&og) {
						panic("merge: group sync broken sliding up")
					}
				}
				earliestEnd = g.end
				if og.end > og.start {
					endMatchingOther = g.end
				}
				for s.slideDown(&g) {
					if !o.nextGroup(&og) {
						panic("merge: group sync broken sliding down")
					}
					if og.end > og.start {
						endMatchingOther = g.end
					}
				}
				if size == g.end-g.start {
					break
				}
			}
			if g.end != earliestEnd && endMatchingOther != -1 {
				for og.end == og.start {
					if !s.slideUp(&g) {
						panic("merge: match disappeared")
					}
					if !o.prevGroup(&og) {
						panic("merge: group sync broken sliding to match")
					}
				}
			}
		}
		if !s.nextGroup(&g) {
			break
		}
		if !o.nextGroup(&og) {
			panic("merge: group sync broken moving to next group")
		}
	}
}

// script collects the changed lines of x and y into hunks, in order.
func script(x, y *side) []change {
	var rev []change
	for i1, i2 := x.n, y.n; i1 >= 0 || i2 >= 0; i1, i2 = i1-1, i2-1 {
		if x.isChanged(i1-1) || y.isChanged(i2-1) {
			l1, l2 := i1, i2
			for x.isChanged(i1 - 1) {
				i1--
			}
			for y.isChanged(i2 - 1) {
				i2--
			}
			rev = append(rev, change{i1: i1, chg1: l1 - i1, i2: i2, chg2: l2 - i2})
		}
	}
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	return rev
}
