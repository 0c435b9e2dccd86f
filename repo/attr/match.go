package attr

import "strings"

// A pattern of an attributes file, as gitignore(5) describes them (no
// negation: gitattributes(5) refuses "!pattern"):
//   - with no slash, it is matched against the path's last component;
//   - a trailing slash makes it match directories only, so in an
//     attributes file, which speaks of files, never;
//   - otherwise it is matched against the path relative to the directory
//     of the file it is in (a leading slash only anchors it there), "*",
//     "?" and "[...]" never matching a slash, and "**" between slashes
//     (or at either end) matching any number of directories.
type pattern struct {
	glob     string
	basename bool // no slash: match the last component
	dirOnly  bool // trailing slash: matches no file
}

func parsePattern(p string) pattern {
	pat := pattern{}
	if strings.HasSuffix(p, "/") {
		pat.dirOnly = true
		p = p[:len(p)-1]
	}
	pat.basename = !strings.Contains(p, "/")
	if !pat.basename {
		p = strings.TrimPrefix(p, "/")
	}
	pat.glob = p
	return pat
}

// matches reports whether the file at rel (relative to the directory of
// the attributes file) matches.
func (p pattern) matches(rel string, fold bool) bool {
	if p.dirOnly {
		return false
	}
	if p.basename {
		if i := strings.LastIndexByte(rel, '/'); i >= 0 {
			rel = rel[i+1:]
		}
		return glob(p.glob, rel, false, fold)
	}
	return glob(p.glob, rel, true, fold)
}

// glob matches text against the shell glob pat. With paths, "*", "?" and
// bracket expressions do not match "/", and "**" standing alone between
// slashes (or at the start or end) matches across them: "**/" any run of
// leading directories, "/**" everything below, "/**/" zero or more
// directories. Elsewhere "**" is "*". A backslash takes the next
// character literally; a malformed bracket, or a trailing backslash,
// matches nothing. fold compares letters case-blind (core.ignorecase).
func glob(pat, text string, paths, fold bool) bool {
	g := globber{pat: pat, text: text, paths: paths, fold: fold, budget: 1 << 12}
	r := g.at(0, 0)
	if g.budget < 0 {
		// A pattern of many stars (from a remote: anyone's) would take
		// exponential time to backtrack through: again, remembering
		// each (pattern, text) position's answer, which bounds it by
		// their product.
		g = globber{pat: pat, text: text, paths: paths, fold: fold, budget: -1,
			memo: make([]result, (len(pat)+1)*(len(text)+1))}
		r = g.at(0, 0)
	}
	return r == matched
}

// globber is one match of glob: the walk, with a budget of steps before
// it starts again remembering answers (memo: unknown + 1 … malformed + 1
// at pi*(len(text)+1)+ti).
type globber struct {
	pat, text   string
	paths, fold bool
	budget      int
	memo        []result
}

func (g *globber) at(pi, ti int) result {
	if g.memo != nil {
		k := pi*(len(g.text)+1) + ti
		if m := g.memo[k]; m != 0 {
			return m - 1
		}
		r := globAt(g, g.pat, pi, g.text, ti, g.paths, g.fold)
		g.memo[k] = r + 1
		return r
	}
	if g.budget--; g.budget < 0 {
		return unmatched // abandoned: glob starts again with memo
	}
	return globAt(g, g.pat, pi, g.text, ti, g.paths, g.fold)
}

type result int

const (
	unmatched result = iota
	matched
	malformed // the pattern can match nothing at all
)

func globAt(g *globber, pat string, pi int, text string, ti int, paths, fold bool) result {
	for pi < len(pat) {
		c := pat[pi]
		switch c {
		case '*':
			stars := pi
			for pi < len(pat) && pat[pi] == '*' {
				pi++
			}
			double := pi-stars >= 2
			before := stars == 0 || pat[stars-1] == '/'
			after := pi == len(pat) || pat[pi] == '/' || (pat[pi] == '\\' && pi+1 < len(pat) && pat[pi+1] == '/')
			if paths && double && before && after {
				if pi == len(pat) {
					return matched // a trailing "**": everything below
				}
				// "**/": zero or more whole directories, tried at the
				// start of each component from here on.
				rest := pi + 1
				if pat[pi] == '\\' {
					rest = pi + 2
				}
				for t := ti; t <= len(text); t++ {
					if t == ti || text[t-1] == '/' {
						if r := g.at(rest, t); r != unmatched {
							return r
						}
					}
				}
				return unmatched
			}
			// One star (or a "**" inside a component): any run of
			// characters, not crossing a slash when matching paths.
			if pi == len(pat) {
				if paths && strings.IndexByte(text[ti:], '/') >= 0 {
					return unmatched
				}
				return matched
			}
			for t := ti; t <= len(text); t++ {
				if r := g.at(pi, t); r != unmatched {
					return r
				}
				if t < len(text) && paths && text[t] == '/' {
					return unmatched
				}
			}
			return unmatched
		case '?':
			if ti >= len(text) || (paths && text[ti] == '/') {
				return unmatched
			}
			pi++
			ti++
		case '[':
			if ti >= len(text) {
				return unmatched
			}
			ok, next, good := bracket(pat, pi, text[ti], fold)
			if !good {
				return malformed
			}
			if !ok || (paths && text[ti] == '/') {
				return unmatched
			}
			pi = next
			ti++
		default:
			if c == '\\' {
				pi++
				if pi == len(pat) {
					return unmatched
				}
				c = pat[pi]
			}
			if ti >= len(text) || !sameByte(c, text[ti], fold) {
				return unmatched
			}
			pi++
			ti++
		}
	}
	if ti == len(text) {
		return matched
	}
	return unmatched
}

func sameByte(a, b byte, fold bool) bool {
	return a == b || (fold && lower(a) == lower(b))
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// bracket matches c against the bracket expression at pat[i] ("["):
// "[abc]", ranges "[a-z]", negation "[!…]" or "[^…]", a "]" first taken
// literally, backslash escapes and the POSIX classes "[:alpha:]" and
// kin. It returns whether c is in the set, the index after the closing
// "]", and false for good when the expression is malformed (unclosed,
// or an unknown class).
func bracket(pat string, i int, c byte, fold bool) (in bool, next int, good bool) {
	i++ // past "["
	negate := false
	if i < len(pat) && (pat[i] == '!' || pat[i] == '^') {
		negate = true
		i++
	}
	first := true
	var prev int = -1 // the last single character, for a range
	for {
		if i >= len(pat) {
			return false, 0, false
		}
		ch := pat[i]
		if ch == ']' && !first {
			i++
			break
		}
		first = false
		switch {
		case ch == '\\':
			i++
			if i >= len(pat) {
				return false, 0, false
			}
			ch = pat[i]
			if sameByte(ch, c, fold) {
				in = true
			}
			prev = int(ch)
			i++
		case ch == '-' && prev >= 0 && i+1 < len(pat) && pat[i+1] != ']':
			hi := pat[i+1]
			i += 2
			if hi == '\\' {
				if i >= len(pat) {
					return false, 0, false
				}
				hi = pat[i]
				i++
			}
			lo := byte(prev)
			if lo <= c && c <= hi {
				in = true
			}
			if fold {
				lc := lower(c)
				if lower(lo) <= lc && lc <= lower(hi) {
					in = true
				}
				if 'a' <= c && c <= 'z' {
					uc := c - 'a' + 'A'
					if lo <= uc && uc <= hi {
						in = true
					}
				}
			}
			prev = -1
		case ch == '[' && i+1 < len(pat) && pat[i+1] == ':':
			end := strings.Index(pat[i+2:], ":]")
			if end < 0 {
				// Not a class: a literal "[".
				if ch == c {
					in = true
				}
				prev = int(ch)
				i++
				continue
			}
			name := pat[i+2 : i+2+end]
			ok, known := inClass(name, c, fold)
			if !known {
				return false, 0, false
			}
			if ok {
				in = true
			}
			i += 2 + end + 2
			prev = -1
		default:
			if sameByte(ch, c, fold) {
				in = true
			}
			prev = int(ch)
			i++
		}
	}
	return in != negate, i, true
}

// inClass says whether c is in the POSIX class name (ASCII only, as in
// the C locale git matches in).
func inClass(name string, c byte, fold bool) (in, known bool) {
	isUpper := 'A' <= c && c <= 'Z'
	isLower := 'a' <= c && c <= 'z'
	isDigit := '0' <= c && c <= '9'
	switch name {
	case "alnum":
		return isUpper || isLower || isDigit, true
	case "alpha":
		return isUpper || isLower, true
	case "blank":
		return c == ' ' || c == '\t', true
	case "cntrl":
		return c < 32 || c == 127, true
	case "digit":
		return isDigit, true
	case "graph":
		return c > 32 && c < 127, true
	case "lower":
		return isLower || (fold && isUpper), true
	case "print":
		return c >= 32 && c < 127, true
	case "punct":
		return c > 32 && c < 127 && !isUpper && !isLower && !isDigit, true
	case "space":
		return c == ' ' || (c >= '\t' && c <= '\r'), true
	case "upper":
		return isUpper || (fold && isLower), true
	case "xdigit":
		return isDigit || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F'), true
	}
	return false, false
}
