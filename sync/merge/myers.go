package merge

import "bytes"

// The line diff: Eugene W. Myers, "An O(ND) Difference Algorithm and Its
// Variations", Algorithmica 1 (1986) 251-266. The search for the middle
// snake is the paper's linear-space refinement (section 4b): a forward
// and a reverse search for D-paths meet on a snake that lies on an
// optimal path; the two halves on either side of it are solved the same
// way. Changed lines are then slid along runs of equal lines to one
// canonical place (see compact), so that an ambiguous diff comes out the
// same way every time, and the way git places it.

// splitLines cuts data into lines, each with its line end ("\n"); the
// last line has none when data does not end in one.
func splitLines(data []byte) [][]byte {
	if len(data) == 0 {
		return nil
	}
	lines := make([][]byte, 0, bytes.Count(data, []byte("\n"))+1)
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n') + 1
		if i == 0 {
			i = len(data)
		}
		lines = append(lines, data[:i:i])
		data = data[i:]
	}
	return lines
}

// hunk is one change of a diff: a[a0:a1] is replaced by b[b0:b1]. Either
// side may be empty, not both.
type hunk struct{ a0, a1, b0, b1 int }

// interner gives every distinct line a small number, so that the diff
// compares ints.
type interner map[string]int

func (in interner) ids(lines [][]byte) []int {
	out := make([]int, len(lines))
	for i, l := range lines {
		id, ok := in[string(l)]
		if !ok {
			id = len(in)
			in[string(l)] = id
		}
		out[i] = id
	}
	return out
}

// diffLines returns the hunks that turn a into b, in order.
func diffLines(a, b [][]byte) []hunk {
	in := interner{}
	return diffIDs(in.ids(a), in.ids(b))
}

// diffIDs is diffLines on interned lines.
func diffIDs(a, b []int) []hunk {
	ra, rb := make([]bool, len(a)), make([]bool, len(b))
	// A line that the other file does not hold at all is changed on any
	// path: set it aside, and search only among the lines that may match.
	ids := 0
	for _, x := range [][]int{a, b} {
		for _, id := range x {
			ids = max(ids, id+1)
		}
	}
	inA, inB := make([]bool, ids), make([]bool, ids)
	for _, id := range a {
		inA[id] = true
	}
	for _, id := range b {
		inB[id] = true
	}
	sa, ka := keep(a, inB, ra)
	sb, kb := keep(b, inA, rb)
	d := differ{a: sa, b: sb, ra: make([]bool, len(sa)), rb: make([]bool, len(sb))}
	d.compare(0, len(sa), 0, len(sb))
	for i, c := range d.ra {
		ra[ka[i]] = c
	}
	for j, c := range d.rb {
		rb[kb[j]] = c
	}
	compact(a, ra, rb)
	compact(b, rb, ra)
	return hunks(ra, rb)
}

// keep returns the lines of x that other holds, and their indexes, and
// marks the others changed.
func keep(x []int, other []bool, changed []bool) (lines, idx []int) {
	lines, idx = make([]int, 0, len(x)), make([]int, 0, len(x))
	for i, id := range x {
		if other[id] {
			lines = append(lines, id)
			idx = append(idx, i)
		} else {
			changed[i] = true
		}
	}
	return lines, idx
}

// differ holds one diff's state: the lines, which of them are changed,
// and the two searches' furthest-reaching points, indexed by diagonal.
type differ struct {
	a, b   []int
	ra, rb []bool // ra[i]: a[i] is deleted; rb[j]: b[j] is inserted
	vf, vb []int  // by diagonal k = x - y, offset by off
	off    int
}

// grow makes room in the searches' arrays for a range of n+m lines: the
// diagonals run from -(m+D) to n+D, with D at most (n+m+1)/2.
func (d *differ) grow(n, m int) {
	need := 2*(n+m) + 3
	if d.off >= need {
		return
	}
	d.off = need
	d.vf, d.vb = make([]int, 2*need+1), make([]int, 2*need+1)
}

// compare marks the changed lines of a[x0:x1] against b[y0:y1].
func (d *differ) compare(x0, x1, y0, y1 int) {
	for {
		// Lines equal at both ends are on every optimal path's snakes.
		for x0 < x1 && y0 < y1 && d.a[x0] == d.b[y0] {
			x0++
			y0++
		}
		for x0 < x1 && y0 < y1 && d.a[x1-1] == d.b[y1-1] {
			x1--
			y1--
		}
		switch {
		case x0 == x1:
			for j := y0; j < y1; j++ {
				d.rb[j] = true
			}
			return
		case y0 == y1:
			for i := x0; i < x1; i++ {
				d.ra[i] = true
			}
			return
		}
		d.grow(x1-x0, y1-y0)
		sx, sy, ex, ey := d.middleSnake(x0, x1, y0, y1)
		// The half before the snake, then (by looping) the half after.
		d.compare(x0, sx, y0, sy)
		x0, y0 = ex, ey
	}
}

// maxCost bounds the search on pathological inputs (long files that
// share their lines but hardly their order): a search that has grown
// paths of maxCost edits from both ends without meeting gives up on
// the shortest diff and splits at the forward path that got furthest.
// The diff is then still correct, only longer; each give-up costs about
// maxCost² steps and moves at least maxCost lines on. This bound is
// diary's own; posts never come near it.
const maxCost = 4096

// middleSnake finds a snake (sx,sy)-(ex,ey) on an optimal path from
// (x0,y0) to (x1,y1), as in section 4b of the paper: D-paths are grown
// forward from the start and backward from the end, alternately, until
// they overlap on a diagonal. Both ranges are non-empty and differ at
// both ends.
func (d *differ) middleSnake(x0, x1, y0, y1 int) (sx, sy, ex, ey int) {
	n, m := x1-x0, y1-y0
	delta := n - m
	odd := delta&1 != 0
	vf, vb, off := d.vf, d.vb, d.off
	// Coordinates are relative to (x0, y0); diagonal k is x - y.
	vf[off+1] = 0
	vb[off+delta-1] = n
	maxD := (n + m + 1) / 2
	for D := 0; D <= maxD; D++ {
		// Forward D-paths, on diagonals -D..D.
		for k := D; k >= -D; k -= 2 {
			var x int
			if k == -D || (k != D && vf[off+k-1] < vf[off+k+1]) {
				x = vf[off+k+1] // down: a line of b inserted
			} else {
				x = vf[off+k-1] + 1 // right: a line of a deleted
			}
			y := x - k
			px, py := x, y
			for x < n && y < m && d.a[x0+x] == d.b[y0+y] {
				x++
				y++
			}
			vf[off+k] = x
			if odd && k >= delta-(D-1) && k <= delta+(D-1) && x >= vb[off+k] {
				return x0 + px, y0 + py, x0 + x, y0 + y
			}
		}
		// Reverse D-paths, on diagonals delta-D..delta+D.
		for k := delta + D; k >= delta-D; k -= 2 {
			var x int
			if k == delta+D || (k != delta-D && vb[off+k+1]-1 >= vb[off+k-1]) {
				x = vb[off+k-1] // up: a line of b inserted
			} else {
				x = vb[off+k+1] - 1 // left: a line of a deleted
			}
			y := x - k
			px, py := x, y
			for x > 0 && y > 0 && d.a[x0+x-1] == d.b[y0+y-1] {
				x--
				y--
			}
			vb[off+k] = x
			if !odd && k >= -D && k <= D && x <= vf[off+k] {
				return x0 + x, y0 + y, x0 + px, y0 + py
			}
		}
		if D >= maxCost {
			// Give up on the optimum: split at the forward path that
			// got furthest (largest x+y), which is on a valid path.
			best, bk := -1, 0
			for k := -D; k <= D; k += 2 {
				x := min(vf[off+k], n)
				y := x - k
				if y < 0 || y > m {
					continue
				}
				if x+y > best {
					best, bk = x+y, k
				}
			}
			x := min(vf[off+bk], n)
			y := x - bk
			if x+y == 0 || x+y == n+m {
				// No progress from the split: change it all.
				return x0 + n, y0, x0 + n, y0
			}
			return x0 + x, y0 + y, x0 + x, y0 + y
		}
	}
	panic("merge: the searches for the middle snake did not meet")
}

// compact slides each run of changed lines in x (changed marks them,
// other marks the other file's) along the equal lines around it, first
// as far up and then as far down as it goes, merging with the runs it
// meets. It stays at the lowest place where it lines up with a run of
// changes in the other file, or else at the lowest place. Sliding keeps
// the diff valid: the unchanged lines of x keep their contents in order.
func compact(x []int, changed, other []bool) {
	// gapRun[u]: the other file has changed lines between its u-th and
	// (u+1)-th unchanged line.
	var gapRun []bool
	u := 0
	run := false
	for _, c := range other {
		if c {
			run = true
			continue
		}
		gapRun = append(gapRun, run)
		run = false
		u++
	}
	gapRun = append(gapRun, run)

	n := len(x)
	unchangedBefore := 0 // unchanged lines of x before s
	for s := 0; s < n; {
		if !changed[s] {
			unchangedBefore++
			s++
			continue
		}
		e := s
		for e < n && changed[e] {
			e++
		}
		u := unchangedBefore
		for {
			length := e - s
			// Up, merging with runs above.
			for s > 0 && !changed[s-1] && x[s-1] == x[e-1] {
				s--
				e--
				changed[s], changed[e] = true, false
				u--
				for s > 0 && changed[s-1] {
					s--
				}
			}
			// Down, merging with runs below; remember the lowest
			// place lined up with the other file's changes.
			aligned := -1
			if gapRun[u] {
				aligned = e
			}
			for e < n && !changed[e] && x[s] == x[e] {
				changed[s], changed[e] = false, true
				s++
				e++
				u++
				for e < n && changed[e] {
					e++
				}
				if gapRun[u] {
					aligned = e
				}
			}
			if e-s != length {
				continue // it grew: slide the new run again
			}
			for aligned >= 0 && e > aligned {
				s--
				e--
				changed[s], changed[e] = true, false
				u--
			}
			break
		}
		unchangedBefore = u
		s = e
	}
}

// hunks reads the changed-line marks of a diff as hunks.
func hunks(ra, rb []bool) []hunk {
	var out []hunk
	i, j := 0, 0
	for i < len(ra) || j < len(rb) {
		if i < len(ra) && j < len(rb) && !ra[i] && !rb[j] {
			i++
			j++
			continue
		}
		h := hunk{a0: i, b0: j}
		for i < len(ra) && ra[i] {
			i++
		}
		for j < len(rb) && rb[j] {
			j++
		}
		h.a1, h.b1 = i, j
		out = append(out, h)
	}
	return out
}
