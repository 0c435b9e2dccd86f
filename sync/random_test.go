package sync_test

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/gitdiary/diary/internal/gittest"
	dsync "github.com/gitdiary/diary/sync"
)

// TestRandomLaptops runs seeded random rounds of new entries, edits,
// deletions and syncs on three laptops. At the end every laptop and the
// remote hold one tree, and every line any laptop wrote is still in a
// post or a conflict copy, unless a laptop itself removed it from what
// it could see.
func TestRandomLaptops(t *testing.T) {
	seeds := []int64{1, 2, 3}
	if s := os.Getenv("DIARY_RANDOM_SEED"); s != "" {
		n, _ := strconv.ParseInt(s, 10, 64)
		seeds = []int64{n}
	}
	rounds := 25
	if testing.Short() {
		rounds = 8
	}
	for _, seed := range seeds {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) { randomLaptops(t, seed, rounds) })
	}
}

func randomLaptops(t *testing.T, seed int64, rounds int) {
	rng := rand.New(rand.NewSource(seed))
	w := newWorld(t)
	w.seed(map[string]string{"_config.yml": "title: Diary\n"})
	laptops := []*laptop{w.laptop("a"), w.laptop("b"), w.laptop("c")}
	written := map[string]bool{} // every line written
	removed := map[string]bool{} // lines a laptop removed from its own view
	n := 0
	line := func(l *laptop) string {
		n++
		s := fmt.Sprintf("%s wrote line %d", l.name, n)
		written[s] = true
		return s
	}
	posts := func(l *laptop) []string {
		names, _ := filepath.Glob(filepath.Join(l.dir, "_posts", "*.md"))
		sort.Strings(names)
		return names
	}
	for round := 0; round < rounds; round++ {
		for _, i := range rng.Perm(len(laptops)) {
			l := laptops[i]
			for k := rng.Intn(3); k >= 0; k-- {
				ps := posts(l)
				switch op := rng.Intn(10); {
				case op < 3 || len(ps) == 0: // a new entry; sometimes a name another laptop uses too
					// Each name's slug is its own (the day is in it):
					// every post's front matter has one date, and two
					// posts of one date and slug share a URL, which
					// sync holds back.
					name := fmt.Sprintf("_posts/2022-05-%02d-day-%[1]d.md", 1+rng.Intn(6))
					if _, err := os.Stat(filepath.Join(l.dir, name)); err == nil {
						name = fmt.Sprintf("_posts/2022-06-%02d-%s-%d-%[1]d.md", 1+rng.Intn(28), l.name, round)
					}
					if _, err := os.Stat(filepath.Join(l.dir, name)); err == nil {
						// Not over this laptop's own entry of this round:
						// that would be the laptop dropping its own lines,
						// which the count below would take for diary's.
						name = fmt.Sprintf("_posts/2022-06-%02d-%s-%d-%d-%[1]d.md", 1+rng.Intn(28), l.name, round, n)
					}
					l.write(name, gittest.Post("Day", line(l)+"\n"+line(l)+"\n"))
				case op < 8: // edit: append, insert at the top, or replace a line
					p := ps[rng.Intn(len(ps))]
					data, _ := os.ReadFile(p)
					lines := strings.SplitAfter(string(data), "\n")
					body := 8 // after front matter and disclaimer
					if len(lines) <= body {
						continue
					}
					switch rng.Intn(3) {
					case 0:
						lines = append(lines, line(l)+"\n")
					case 1:
						lines = append(lines[:body], append([]string{line(l) + "\n"}, lines[body:]...)...)
					default:
						j := body + rng.Intn(len(lines)-body)
						removed[strings.TrimSuffix(lines[j], "\n")] = true
						lines[j] = line(l) + "\n"
					}
					os.WriteFile(p, []byte(strings.Join(lines, "")), 0o644)
				default: // delete a post
					p := ps[rng.Intn(len(ps))]
					data, _ := os.ReadFile(p)
					for _, s := range strings.Split(string(data), "\n") {
						removed[s] = true
					}
					os.Remove(p)
				}
			}
			if rng.Intn(3) > 0 {
				// Now and then the sync packs what it left loose, as a
				// lifetime diary's does every few dozen entries.
				limit := func(o *dsync.Options) {
					if rng.Intn(4) == 0 && os.Getenv("ZZ_NOPACK") == "" {
						o.LooseLimit = 1
					}
				}
				if _, err := l.sync(limit); err != nil {
					t.Fatalf("round %d, %s: %v", round, l.name, err)
				}
			}
		}
	}
	// Everyone syncs until nothing moves.
	for pass := 0; pass < 3; pass++ {
		for _, l := range laptops {
			if _, err := l.sync(); err != nil {
				t.Fatalf("final sync, %s: %v", l.name, err)
			}
		}
	}
	files := w.converged(laptops...)
	all := ""
	for p, c := range files {
		if strings.HasPrefix(p, "_posts/") || strings.HasPrefix(p, "_conflicts/") {
			all += c + "\n"
		}
	}
	lost := 0
	for s := range written {
		if !removed[s] && !strings.Contains(all, s+"\n") {
			lost++
			if lost < 5 {
				t.Errorf("seed %d: %q was written and is nowhere", seed, s)
			}
		}
	}
	conflicts := 0
	for p := range files {
		if strings.HasPrefix(p, "_conflicts/") {
			conflicts++
		}
	}
	t.Logf("seed %d: %d lines written, %d removed by their laptops, %d lost; %d posts, %d conflict copies",
		seed, len(written), len(removed), lost, len(files)-conflicts-1, conflicts)
}
