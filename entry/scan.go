package entry

import (
	"context"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"
)

// ScanOptions says what Scan reads.
type ScanOptions struct {
	Drafts   bool           // read _drafts/ as well as _posts/
	Location *time.Location // the diary's zone, for dates without one
}

// Scan reads every post under root/_posts (and root/_drafts with
// opts.Drafts) in parallel. Files that cannot be read as entries are
// returned as errors, one each, and the scan goes on: one broken post
// must not hide the other ten thousand. Entries come back newest first.
func Scan(ctx context.Context, root string, opts ScanOptions) ([]*Entry, []error) {
	type job struct {
		rel   string
		draft bool
	}
	var jobs []job
	var errs []error
	walk := func(dir string, draft bool) {
		base := filepath.Join(root, dir)
		err := filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if p == base && os.IsNotExist(err) {
					return nil
				}
				errs = append(errs, err)
				return nil
			}
			name := d.Name()
			if p != base && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() || !d.Type().IsRegular() || strings.HasSuffix(name, "~") {
				return nil
			}
			if _, _, ok := ParseName(name); !ok && !draft {
				return nil // Jekyll ignores such files in _posts too
			}
			rel, _ := filepath.Rel(root, p)
			jobs = append(jobs, job{filepath.ToSlash(rel), draft})
			return nil
		})
		if err != nil {
			errs = append(errs, err)
		}
	}
	walk(PostsDir, false)
	if opts.Drafts {
		walk(DraftsDir, true)
	}

	loc := opts.Location
	if loc == nil {
		loc = time.Local
	}
	results := make([]*Entry, len(jobs))
	fails := make([]error, len(jobs))
	var next int
	var mu sync.Mutex
	var wg sync.WaitGroup
	workers := min(runtime.GOMAXPROCS(0)*2, len(jobs))
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= len(jobs) {
					return
				}
				j := jobs[i]
				results[i], fails[i] = readEntry(root, j.rel, j.draft, loc)
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, append(errs, err)
	}
	out := results[:0]
	for i, e := range results {
		if fails[i] != nil {
			errs = append(errs, fails[i])
			continue
		}
		out = append(out, e)
	}
	SortNewestFirst(out)
	return out, errs
}

func readEntry(root, rel string, draft bool, loc *time.Location) (*Entry, error) {
	p := filepath.Join(root, filepath.FromSlash(rel))
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	e, err := Parse(rel, data, loc, draft)
	if err != nil {
		return nil, err
	}
	if e.Date.IsZero() {
		// Jekyll dates a draft by its modification time.
		if fi, err := os.Stat(p); err == nil {
			e.Date = fi.ModTime().In(loc)
		}
	}
	return e, nil
}

// SortNewestFirst orders entries by date, newest first, then by path so
// that the order is the same on every laptop.
func SortNewestFirst(es []*Entry) {
	sort.SliceStable(es, func(i, j int) bool {
		if !es[i].Date.Equal(es[j].Date) {
			return es[i].Date.After(es[j].Date)
		}
		return path.Base(es[i].Path) > path.Base(es[j].Path)
	})
}
