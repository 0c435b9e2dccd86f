package app

import (
	"context"
	"fmt"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/gitdiary/diary/config"
	"github.com/gitdiary/diary/entry"
	"github.com/gitdiary/diary/internal/regular"
)

// The zone a site is built in, and what it means for when and where a
// post appears. Jekyll reads every date without an offset (a day alone,
// a quoted clock time) in the site's timezone, and without one in the
// zone of the machine that builds: GitHub Pages builds with TZ=UTC. A
// post whose date Jekyll reads as after the build's time is not built
// (Jekyll's future: false), and its :year/:month/:day are that date's in
// the same zone.

// buildZone is the zone the site is built in: its _config.yml timezone,
// else UTC, as GitHub Pages builds a site that names none.
func buildZone(site config.Site) *time.Location {
	if site.Timezone != "" {
		if loc, err := time.LoadLocation(site.Timezone); err == nil {
			return loc
		}
	}
	return time.UTC
}

// zoneSaid names the build zone for messages: "UTC, the zone GitHub Pages
// builds in (_config.yml sets no timezone)" or the site's own.
func zoneSaid(site config.Site) string {
	if site.Timezone == "" {
		return "UTC, the zone GitHub Pages builds in, as _config.yml sets no timezone"
	}
	return site.Timezone + ", the site's timezone"
}

// pagesDate is when, the date of a post about to be written in layout,
// made one that the site's build reads as no later than when. In a layout
// with an offset the text is the instant itself, and nothing changes. In
// one without (a day alone, the fixture's style, or a clock time with no
// zone) Jekyll reads the text in the build zone: written in the diary's
// zone east of it, it would be hours in the future there, and GitHub
// Pages would build the post only then (at 03:13 in Seoul a
// "date: 2026-12-08" is midnight UTC, nine hours away). Then when is
// written as the build zone's clock says it: for a day alone, the day it
// is where the site is built, which is also the day the post's URL and
// file name carry. Of the two things a writer expects, a post that is
// online at once and a URL of their own day, only the first can be had
// on such a site: any date Pages builds now has a UTC day of today or
// before, so the URL says that day whatever diary writes; diary keeps
// file name, date and URL in agreement, and says how to have the writer's
// own day (a timezone in _config.yml). A when that is itself in the
// future (--date next monday) is left as asked. moved reports a change.
func pagesDate(when, now time.Time, layout string, build *time.Location) (t time.Time, moved bool) {
	if when.After(now) {
		return when, false
	}
	read, err := entry.ParseDate(when.Format(layout), build)
	if err != nil || !read.After(now) {
		return when, false
	}
	return when.In(build), true
}

// pagesDateWarning says why a new post is dated as pagesDate made it.
func pagesDateWarning(asked, written time.Time, layout string, site config.Site, zone string) string {
	fix := fmt.Sprintf("to date posts in %s instead, add timezone: %s to _config.yml (diary doctor says which URLs that moves)", asked.Location(), zone)
	if site.Timezone != "" {
		fix = fmt.Sprintf("to date them in %s, make the site's timezone and diary's the same (diary doctor says how)", asked.Location())
	}
	return fmt.Sprintf("dated %s, as it is now in %s: dated %s it would be published only at %s; %s",
		written.Format(layout), zoneSaid(site), asked.Format(layout),
		firstBuild(asked.Format(layout), written.Location()).In(asked.Location()).Format("2006-01-02 15:04 MST"), fix)
}

// firstBuild is the instant at which a build in zone reads the date
// text as no longer in the future.
func firstBuild(text string, zone *time.Location) time.Time {
	t, _ := entry.ParseDate(text, zone)
	return t
}

// futurePost is a post that the site's build does not publish yet.
type futurePost struct {
	Path   string
	Appear time.Time // when a build first publishes it
}

// futurePosts are the posts whose dates the site's build reads as after
// now, so that Jekyll (future: false, as on GitHub Pages) leaves them out
// until then. The posts are read as the build reads them, in its zone:
// through a list cache of their own when that is not the diary's zone, so
// that neither read throws the other's away.
func (d *Diary) futurePosts(ctx context.Context, site config.Site) []futurePost {
	if site.Future {
		return nil
	}
	build := buildZone(site)
	cache := d.listCache()
	if cache != "" && build.String() != d.Config.Location.String() {
		cache += "-build"
	}
	entries, _ := entry.Scan(ctx, d.Root, entry.ScanOptions{Location: build, Cache: cache})
	now := d.opts.now()
	var out []futurePost
	for _, e := range entries {
		// A post that says published: false is not built at any date.
		if !e.Draft && e.Published && e.Date.After(now) {
			out = append(out, futurePost{Path: e.Path, Appear: e.Date})
		}
	}
	// The next to appear first.
	sort.SliceStable(out, func(i, j int) bool { return out[i].Appear.Before(out[j].Appear) })
	return out
}

// futureAdvice is the one line doctor and status give about future
// posts: how many, the first few with when each appears (in the diary's
// zone), and the fixes.
func futureAdvice(posts []futurePost, site config.Site, diary *time.Location) string {
	var b strings.Builder
	if len(posts) == 1 {
		b.WriteString("1 post is")
	} else {
		fmt.Fprintf(&b, "%d posts are", len(posts))
	}
	fmt.Fprintf(&b, " in the future as the site is built (in %s), and Jekyll and GitHub Pages publish them only then: ", zoneSaid(site))
	for i, p := range posts {
		if i == 3 {
			fmt.Fprintf(&b, ", and %d more", len(posts)-3)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s at %s", p.Path, p.Appear.In(diary).Format("2006-01-02 15:04 MST"))
	}
	b.WriteString("; to publish them now, set future: true in _config.yml, or re-date each with diary rename ENTRY TITLE --date WHEN")
	if site.Timezone == "" {
		b.WriteString(", or give _config.yml the timezone they were written in (diary doctor says which URLs that moves)")
	}
	return b.String()
}

// movedURL is a post whose URL a change of the site's zone moves.
type movedURL struct {
	Path, From, To string
}

func (m movedURL) String() string { return fmt.Sprintf("%s (%s to %s)", m.Path, m.From, m.To) }

// urlsMovedByZone lists the posts whose URL would change if the site
// were built in to instead of from: each post's URL under each, as diary
// url computes it (siteURL), compared. A date with an offset may fall
// on another day in the other zone; a day alone, or a clock time without
// a zone, is read in whichever zone the site has, and stays; a permalink
// without a date placeholder moves nothing.
func urlsMovedByZone(ctx context.Context, root string, site config.Site, paths []string, from, to *time.Location) ([]movedURL, error) {
	var moved []movedURL
	for _, rel := range paths {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if !entry.IsPost(rel) {
			continue
		}
		data, err := regular.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
		if err != nil {
			continue
		}
		_, a, err1 := siteURL(rel, data, site, from)
		_, b, err2 := siteURL(rel, data, site, to)
		if err1 != nil || err2 != nil || a == b {
			continue
		}
		moved = append(moved, movedURL{rel, a, b})
	}
	return moved, nil
}

// movedSaid is "N posts' URLs: a (x to y), b (…) and M more", or "no
// post's URL".
func movedSaid(moved []movedURL) string {
	if len(moved) == 0 {
		return "no post's URL"
	}
	var b strings.Builder
	if len(moved) == 1 {
		b.WriteString("1 post's URL: ")
	} else {
		fmt.Fprintf(&b, "%d posts' URLs: ", len(moved))
	}
	for i, m := range moved {
		if i == 3 {
			fmt.Fprintf(&b, " and %d more", len(moved)-3)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(m.String())
	}
	return b.String()
}

// postPaths are the paths of entries, for urlsMovedByZone.
func postPaths(entries []*entry.Entry) []string {
	out := make([]string, 0, len(entries))
	for _, e := range entries {
		out = append(out, path.Clean(e.Path))
	}
	return out
}
