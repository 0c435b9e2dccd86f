package app

import (
	"context"
	"errors"
	"sync"

	"github.com/gitdiary/diary/entry"
	"github.com/gitdiary/diary/internal/find"
)

// SearchOptions are `diary search`'s query and flags.
type SearchOptions struct {
	Query        []string // the command line's words (see find.Parse)
	Since, Until string   // days as --date takes them; "" for no bound
	Drafts       bool
	FoldAccents  bool // cafe finds café
	Limit        int  // the best N only; 0 for all
	Width        int  // the snippet's width in cells; 0 for 72
}

// SearchHit is one entry found, best first.
type SearchHit struct {
	Entry   *entry.Entry
	Score   float64
	Snippet find.Snippet
}

// Search finds the entries that match the query, ranked (find.Rank), and
// one error for each file that could not be read. Every post is read
// once, in parallel, and ruled out from its raw bytes where it can be
// (find's prefilter), so that a search costs little more than reading
// the files.
func (d *Diary) Search(ctx context.Context, so SearchOptions) ([]SearchHit, []error, error) {
	if so.Limit < 0 {
		return nil, nil, Usagef("-n %d is not a count: give how many of the best matches to show", so.Limit)
	}
	q, err := find.Parse(so.Query, so.FoldAccents)
	if err != nil {
		if errors.Is(err, find.ErrQuery) {
			return nil, nil, Usagef("%v", err)
		}
		return nil, nil, err
	}
	since, err := d.whenDay(so.Since, "--since")
	if err != nil {
		return nil, nil, err
	}
	until, err := d.whenDay(so.Until, "--until")
	if err != nil {
		return nil, nil, err
	}
	if !until.IsZero() {
		until = until.AddDate(0, 0, 1) // the whole of that day
	}
	width := so.Width
	if width <= 0 {
		width = 72
	}
	// Every post is read once, by Scan's readers, each matched as it is
	// read; with a query only of tags and categories the list cache
	// serves.
	keep := func(e *entry.Entry, m *find.Matcher) (find.Doc, bool) {
		if !since.IsZero() && e.Date.Before(since) || !until.IsZero() && !e.Date.Before(until) {
			return find.Doc{}, false
		}
		doc := find.Doc{Title: e.Title, Tags: e.Tags, Categories: e.Categories, Date: e.Date, Path: e.Path}
		return doc, m.Filter(&doc)
	}
	type found struct {
		e   *entry.Entry
		doc find.Doc
		hit *find.Hit
	}
	var hits []find.Ranked
	var picked []*entry.Entry
	n := 0
	if !q.NeedsText() {
		all, warnings := entry.Scan(ctx, d.Root, entry.ScanOptions{Drafts: so.Drafts, Location: d.Config.Location, Cache: d.listCache(), Site: d.siteReading()})
		if err := ctx.Err(); err != nil {
			return nil, warnings, err
		}
		m := q.NewMatcher()
		for _, e := range all {
			if doc, ok := keep(e, m); ok {
				hits = append(hits, find.Ranked{Hit: &find.Hit{}, Doc: &doc, Key: len(picked)})
				picked = append(picked, e)
			}
		}
		n = len(picked)
		return d.ranked(q, hits, picked, n, so.Limit), warnings, nil
	}
	var mu sync.Mutex
	var pool sync.Pool
	var got []found
	visit := func(e *entry.Entry, data []byte) {
		m, _ := pool.Get().(*find.Matcher)
		if m == nil {
			m = q.NewMatcher()
		}
		defer pool.Put(m)
		doc, ok := keep(e, m)
		if !ok {
			return
		}
		h := m.Match(&doc, data, entry.YAMLAndText, width)
		mu.Lock()
		n++
		if h != nil {
			got = append(got, found{e, doc, h})
		}
		mu.Unlock()
	}
	_, warnings := entry.Scan(ctx, d.Root, entry.ScanOptions{Drafts: so.Drafts, Location: d.Config.Location, Site: d.siteReading(), Visit: visit})
	if err := ctx.Err(); err != nil {
		return nil, warnings, err
	}
	for i := range got {
		hits = append(hits, find.Ranked{Hit: got[i].hit, Doc: &got[i].doc, Key: i})
		picked = append(picked, got[i].e)
	}
	return d.ranked(q, hits, picked, n, so.Limit), warnings, nil
}

// ranked orders the hits of the n entries searched and keeps the best
// limit (0: all).
func (d *Diary) ranked(q *find.Query, hits []find.Ranked, picked []*entry.Entry, n, limit int) []SearchHit {
	find.Rank(hits, q, n)
	if limit > 0 && len(hits) > limit {
		hits = hits[:limit]
	}
	out := make([]SearchHit, len(hits))
	for i, h := range hits {
		out[i] = SearchHit{Entry: picked[h.Key], Score: h.Score, Snippet: h.Snippet}
	}
	return out
}
