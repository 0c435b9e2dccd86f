// Package suggest finds what a user probably meant: the setting or flag
// nearest to a mistyped one.
package suggest

// Nearest returns the candidate closest to word by edit distance
// (Levenshtein, "Binary codes capable of correcting deletions, insertions,
// and reversals", 1966), if it is close: at most 2 edits, and at most half
// the candidate's length. A candidate that word is a prefix of (--dat for
// --date) counts as one edit away. "" when none is close.
func Nearest(word string, candidates []string) string {
	best, bestD := "", 3
	for _, c := range candidates {
		d := Distance(word, c)
		if len(word) >= 2 && len(word) < len(c) && c[:len(word)] == word {
			d = min(d, 1)
		}
		if d < bestD && d <= len([]rune(c))/2 {
			best, bestD = c, d
		}
	}
	return best
}

// Distance is the edit distance between a and b, counted in runes, by the
// two-row dynamic programme (Wagner and Fischer, "The String-to-String
// Correction Problem", 1974).
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
