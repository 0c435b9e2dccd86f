package entry

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gitdiary/diary/internal/regular"
)

// ScanOptions says what Scan reads.
type ScanOptions struct {
	Drafts   bool           // read _drafts/ as well as _posts/
	Location *time.Location // the diary's zone, for dates without one
	// Site is what of the site's _config.yml decides which files are
	// posts and drafts (exclude, include) and what they hold before
	// their front matter (defaults); nil for Jekyll's own settings.
	Site *Site

	// Cache is a file in which Scan keeps what it read, so that the next
	// Scan reads only the files that changed: see cache.go for when a
	// file is read again (in short: whenever its stat data changed, and
	// while it was changed too recently to tell). "" for no cache.
	// Scan creates it and its directory as needed; one that cannot be
	// read or written is no error, only slower.
	Cache string

	// Visit, when set, is called with each entry Scan reads and the
	// bytes of its file (valid only during the call), on Scan's reading
	// goroutines, several at once: search reads every post once this way.
	// A file taken from the cache is not read, so give Visit no Cache.
	// Entries read for Visit have no Words.
	Visit func(e *Entry, data []byte)
}

// Scan reads every post under root/_posts (and root/_drafts with
// opts.Drafts) in parallel. Files that cannot be read as entries are
// returned as errors, one each, and the scan goes on: one broken post
// must not hide the other ten thousand. Entries come back newest first.
func Scan(ctx context.Context, root string, opts ScanOptions) ([]*Entry, []error) {
	loc := opts.Location
	if loc == nil {
		loc = time.Local
	}
	s := &scanner{root: root, loc: loc, typed: true, site: opts.Site, visit: opts.Visit}
	// The cache loads while the directories are read.
	var loaded chan struct{}
	if opts.Cache != "" {
		if key := cacheKey(root, loc, opts.Site); key != "" {
			s.typed = false // every file is statted anyway
			loaded = make(chan struct{})
			go func() {
				defer close(loaded)
				s.cache = loadCache(opts.Cache, key, loc)
			}()
		}
	}
	s.walkSite("", opts.Drafts)
	if loaded != nil {
		<-loaded
	}
	c := s.cache
	if c != nil && len(c.records) == 0 && len(s.jobs) > 0 {
		c.writer() // every file will be read: take the time now
	}

	var results []scanResult
	for start := 0; start < len(s.jobs); {
		// A round over the files found; the directories among them
		// (known only once statted) make the next.
		end := len(s.jobs)
		results = append(results, make([]scanResult, end-start)...)
		s.run(ctx, results, start, end)
		if err := ctx.Err(); err != nil {
			if c != nil && c.w != nil {
				c.w.abort()
			}
			return nil, append(s.errors(), err)
		}
		for i := start; i < end; i++ {
			if results[i].dir {
				d := &s.dirs[s.jobs[i].dir]
				s.walkDir(d.path+string(filepath.Separator)+s.jobs[i].name, d.rel+"/"+s.jobs[i].name, d.draft, false)
			}
		}
		start = end
	}

	// The entries, with the records they came from or make: those taken
	// from the cache first, in the cache's order, which is the order they
	// were listed in last time, so that sorting them again costs little.
	items := make([]scanItem, 0, len(s.jobs))
	var errRecs []*cacheRecord
	if c != nil {
		for i := range c.records {
			if !c.hit[i] {
				continue
			}
			if r := &c.records[i]; r.entry != nil {
				items = append(items, scanItem{r.entry, r})
			} else {
				errRecs = append(errRecs, r)
			}
		}
	}
	var failed []int
	for i := range results {
		r := &results[i]
		switch {
		case r.dir, r.skip:
		case r.err != nil:
			failed = append(failed, i)
			if r.hit < 0 && r.rec != nil {
				errRecs = append(errRecs, r.rec)
			}
		case r.hit < 0:
			items = append(items, scanItem{r.entry, r.rec})
		}
	}
	sortItems(items)
	if c != nil {
		c.update(items, errRecs, results, opts.Drafts)
	}
	out := make([]*Entry, len(items))
	for i := range items {
		out[i] = items[i].e
	}
	errs := s.errors()
	slices.SortFunc(failed, func(a, b int) int { return s.compareJobs(a, b) })
	for _, i := range failed {
		errs = append(errs, results[i].err)
	}
	return out, errs
}

// scanner is one Scan: the directories and files it found, and the cache.
type scanner struct {
	root  string
	loc   *time.Location
	site  *Site
	cache *listCache
	// typed: the walk keeps only regular files, by their directory
	// entries. Without it (with a cache, where each file is statted
	// anyway) it keeps names, and the stat tells files from the rest.
	typed bool
	visit func(*Entry, []byte)
	dirs  []scanDir
	jobs  []scanJob
	errs  []walkError
}

// scanDir is a directory Scan read.
type scanDir struct {
	path  string // in the system's form, root joined
	rel   string // slash-separated, from root
	draft bool
	top   bool // a _posts or _drafts folder itself
}

// scanJob is one file to read: a name in a directory, or (name "") a
// tree root that is a file.
type scanJob struct {
	dir  int32
	name string
}

type walkError struct {
	rel   string
	draft bool
	err   error
}

// scanItem is an entry Scan found, and its cache record (nil for none).
type scanItem struct {
	e   *Entry
	rec *cacheRecord
}

// scanResult is what Scan found in one file.
type scanResult struct {
	entry *Entry
	err   error
	hit   int          // the cache record it came from, or -1
	rec   *cacheRecord // a new record for the cache, or nil
	dir   bool         // a directory: walk it
	skip  bool         // not a regular file
}

// run scans jobs[start:end] in parallel into results.
func (s *scanner) run(ctx context.Context, results []scanResult, start, end int) {
	var next atomic.Int64
	next.Store(int64(start))
	const chunk = 32
	var wg sync.WaitGroup
	workers := min(runtime.GOMAXPROCS(0)*2, (end-start+chunk-1)/chunk)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf, rel []byte
			for ctx.Err() == nil {
				from := int(next.Add(chunk)) - chunk
				if from >= end {
					return
				}
				for i := from; i < min(from+chunk, end); i++ {
					results[i] = s.one(&s.jobs[i], &buf, &rel)
				}
			}
		}()
	}
	wg.Wait()
}

// one reads one file, or takes it from the cache when its stat data say
// it has not changed.
func (s *scanner) one(j *scanJob, buf, relBuf *[]byte) scanResult {
	d := &s.dirs[j.dir]
	p := d.path
	rb := append((*relBuf)[:0], d.rel...)
	if j.name != "" {
		p = d.path + string(filepath.Separator) + j.name
		rb = append(append(rb, '/'), j.name...)
	}
	*relBuf = rb
	res := scanResult{hit: -1}
	c := s.cache
	var w *cacheWriter
	var fi fs.FileInfo
	serr := errNoStat
	if c != nil {
		made := c.made.Load()
		fi, serr = os.Lstat(p)
		if serr == nil {
			switch {
			case fi.IsDir():
				return scanResult{dir: true}
			case !fi.Mode().IsRegular():
				return scanResult{err: regular.Check(p, fi.Mode())}
			}
		}
		if i, ok := c.index[string(rb)]; ok && serr == nil {
			if r := &c.records[i]; stampOf(fi) == r.stamp {
				c.hit[i] = true // paths are unique: one job a record
				e, err := r.result()
				return scanResult{entry: e, err: err, hit: int(i)}
			}
		}
		// The stat that goes with what is read comes after the writer
		// took the time that decides what may be recorded.
		w = c.writer()
		if !made {
			fi, serr = os.Lstat(p)
		}
	}
	rel := string(rb)
	size := int64(-1)
	if serr == nil {
		size = fi.Size()
	}
	if size > MaxPostSize {
		res.err = fmt.Errorf("%s: %d MB, too large for a post (GitHub takes no file over %d MB): not read", rel, size>>20, MaxPostSize>>20)
		return res
	}
	data, err := readFile(p, buf, size)
	if err != nil {
		res.err = err
		return res
	}
	e, ok := parseFast(s.site, rel, data, s.loc, d.draft)
	if !ok {
		e, err = s.site.Parse(rel, data, s.loc, d.draft)
	}
	if cap(*buf) > 1<<20 {
		*buf = nil // one huge file: let its buffer go
	}
	if err == nil && s.visit == nil {
		e.Words = CountWords(Text(data))
	}
	if err == nil && e.Date.IsZero() {
		// Jekyll dates a draft by its modification time.
		if serr != nil {
			fi, serr = os.Stat(p)
		}
		if serr == nil {
			e.Date = fi.ModTime().In(s.loc)
		}
	}
	res.entry, res.err = e, err
	if err == nil && s.visit != nil {
		s.visit(e, data)
	}
	if w == nil || serr != nil || !fi.Mode().IsRegular() {
		return res
	}
	st := stampOf(fi)
	if !w.cacheable(st) {
		return res
	}
	var pe *ParseError
	switch {
	case err == nil && cacheableEntry(e, s.loc):
		res.rec = &cacheRecord{path: rel, stamp: st, entry: e}
	case errors.As(err, &pe) && pe.Path == rel:
		res.rec = &cacheRecord{path: rel, stamp: st, line: pe.Line, msg: pe.Msg}
	default:
		return res
	}
	res.rec.raw = appendRecord(make([]byte, 0, 128), res.rec, s.loc)
	return res
}

var errNoStat = errors.New("not statted")

// walkSite finds the _posts folders (and with drafts, the _drafts
// folders) of the site where Jekyll's Reader finds them: at the root,
// and in every folder of the site Jekyll reads (each that its
// EntryFilter passes, with the site's exclude and include), at any
// depth. rel is the folder to search, "" for the root. Only directory
// entries are read here, no file is statted: a site's folders of images
// cost a directory read each.
func (s *scanner) walkSite(rel string, drafts bool) {
	dir := s.root
	if rel != "" {
		dir = filepath.Join(s.root, filepath.FromSlash(rel))
	}
	des, err := os.ReadDir(dir)
	if err != nil && rel == "" {
		// The root unreadable: look where the posts would be anyway,
		// so that the error names them.
		s.walk(PostsDir, false)
		if drafts {
			s.walk(DraftsDir, true)
		}
		return
	}
	var subdirs []string
	for _, d := range des {
		name := d.Name()
		child := name
		if rel != "" {
			child = rel + "/" + name
		}
		switch {
		case name == PostsDir:
			s.walk(child, false)
		case name == DraftsDir:
			if drafts {
				s.walk(child, true)
			}
		case d.IsDir() && !s.site.rejects(rel, name, s.isDir):
			subdirs = append(subdirs, child)
		}
	}
	for _, c := range subdirs {
		s.walkSite(c, drafts)
	}
}

// walk adds the files under root/dir, a _posts or _drafts folder, that
// Jekyll reads (see inMagicDir): no file whose name Jekyll's EntryFilter
// hides, no hidden folder, no folder hidden at the first level, only
// regular files, and in _posts only those named as posts; as
// filepath.WalkDir would visit them, but without sorting each directory
// (Scan sorts what it found).
func (s *scanner) walk(dir string, draft bool) {
	base := filepath.Join(s.root, filepath.FromSlash(dir))
	fi, err := os.Lstat(base)
	switch {
	case err != nil:
		if !os.IsNotExist(err) {
			s.errs = append(s.errs, walkError{dir, draft, err})
		}
	case fi.IsDir():
		s.walkDir(base, dir, draft, true)
	case fi.Mode().IsRegular() && !strings.HasSuffix(fi.Name(), "~"):
		// WalkDir hands a root that is a file to its function too.
		if _, ok := nameDate(fi.Name()); ok || draft {
			s.dirs = append(s.dirs, scanDir{base, dir, draft, false})
			s.jobs = append(s.jobs, scanJob{int32(len(s.dirs) - 1), ""})
		}
	}
}

// skipDir reports whether Jekyll passes over the folder name inside a
// _posts or _drafts folder: a hidden one anywhere (its glob does not
// enter them), and at the first level one EntryFilter hides.
func skipDir(name string, top bool) bool {
	return name[0] == '.' || top && strings.ContainsRune("_#~", rune(name[0]))
}

// isDir reports whether rel (from the root) is a folder, as Ruby's
// File.directory? says (through links): only asked for the rare pattern
// that names a folder with a "/" after it.
func (s *scanner) isDir(rel string) bool {
	fi, err := os.Stat(filepath.Join(s.root, filepath.FromSlash(rel)))
	return err == nil && fi.IsDir()
}

// filesOf says how walkDir tests the names of the folder rel: full, each
// file by the site's whole filter (Site.readsFile); else by its name
// alone (hiddenByJekyll), which is the filter when no exclude pattern
// can reach into rel and no include pattern can let a hidden name in.
// magic is the _posts or _drafts folder rel is in.
func (s *scanner) filesOf(rel string) (magic string, full bool) {
	site, m, _ := magicDir(rel + "/x")
	return joinRel(site, m), s.site.mayInclude() || s.site.mayExclude(rel)
}

func (s *scanner) walkDir(p, rel string, draft, top bool) {
	magic, full := s.filesOf(rel)
	// hidden is whether Jekyll passes over the file name of the folder
	// (the folder's own names are passed over by skipDir).
	hidden := func(name string) bool {
		if !full {
			return hiddenByJekyll(name)
		}
		return name[0] == '.' || !s.site.readsFile(magic, rel[len(magic)+1:]+"/"+name)
	}
	if rel == magic {
		hidden = func(name string) bool {
			if !full {
				return hiddenByJekyll(name)
			}
			return name[0] == '.' || !s.site.readsFile(magic, name)
		}
	}
	skip := func(name string) bool {
		if full && s.site.mayInclude() {
			return name[0] == '.' // an include may let it in: its files say
		}
		return skipDir(name, top)
	}
	f, err := os.Open(p)
	if err != nil {
		s.errs = append(s.errs, walkError{rel, draft, err})
		return
	}
	di := int32(len(s.dirs))
	s.dirs = append(s.dirs, scanDir{p, rel, draft, top})
	var subdirs []string
	if s.typed {
		des, err := f.ReadDir(-1)
		f.Close()
		if err != nil {
			// os.ReadDir's error, which WalkDir reports; it goes on
			// with what was read.
			s.errs = append(s.errs, walkError{rel, draft, err})
		}
		s.jobs = slices.Grow(s.jobs, len(des))
		for _, d := range des {
			name := d.Name()
			switch {
			case d.IsDir():
				if !skip(name) {
					subdirs = append(subdirs, name)
				}
			case hidden(name):
			default:
				// A named pipe, a device or a link named as a post is a
				// job too: readFile refuses it without reading (a pipe
				// blocks, /dev/zero never ends), and the refusal is said.
				if _, ok := nameDate(name); ok || draft { // Jekyll ignores the rest in _posts too
					s.jobs = append(s.jobs, scanJob{di, name})
				}
			}
		}
	} else {
		for {
			names, err := f.Readdirnames(1024)
			for _, name := range names {
				if name[0] == '.' {
					continue
				}
				if !hidden(name) {
					if _, ok := nameDate(name); ok || draft {
						s.jobs = append(s.jobs, scanJob{di, name}) // or a directory: its stat says
						continue
					}
				}
				// Not a name read as a post: only a directory matters.
				if skip(name) {
					continue
				}
				if fi, err := os.Lstat(p + string(filepath.Separator) + name); err == nil && fi.IsDir() {
					subdirs = append(subdirs, name)
				}
			}
			if err != nil {
				if err != io.EOF {
					s.errs = append(s.errs, walkError{rel, draft, err})
				}
				break
			}
		}
		f.Close()
	}
	for _, name := range subdirs {
		s.walkDir(p+string(filepath.Separator)+name, rel+"/"+name, draft, false)
	}
}

// errors returns the walk's errors, in the order WalkDir meets them.
func (s *scanner) errors() []error {
	slices.SortStableFunc(s.errs, func(a, b walkError) int { return compareWalkOrder(a.draft, a.rel, b.draft, b.rel) })
	out := make([]error, 0, len(s.errs))
	for _, e := range s.errs {
		out = append(out, e.err)
	}
	return out
}

func (s *scanner) rel(i int) string {
	j := &s.jobs[i]
	d := &s.dirs[j.dir]
	if j.name == "" {
		return d.rel
	}
	return d.rel + "/" + j.name
}

func (s *scanner) compareJobs(a, b int) int {
	return compareWalkOrder(s.dirs[s.jobs[a].dir].draft, s.rel(a), s.dirs[s.jobs[b].dir].draft, s.rel(b))
}

// compareWalkOrder orders paths as filepath.WalkDir visits them: _posts
// before _drafts, and within each, name by name down the path.
func compareWalkOrder(adraft bool, a string, bdraft bool, b string) int {
	if adraft != bdraft {
		if !adraft {
			return -1
		}
		return 1
	}
	for {
		ai, bi := strings.IndexByte(a, '/'), strings.IndexByte(b, '/')
		ac, bc := a, b
		if ai >= 0 {
			ac = a[:ai]
		}
		if bi >= 0 {
			bc = b[:bi]
		}
		if c := strings.Compare(ac, bc); c != 0 || ai < 0 || bi < 0 {
			if c == 0 {
				return cmp.Compare(ai, bi) // not two files
			}
			return c
		}
		a, b = a[ai+1:], b[bi+1:]
	}
}

// update writes the cache anew when this Scan changed what it holds:
// records read again or for the first time, records of files that are
// gone. Records of drafts stay when drafts were not scanned. The records
// of entries go in the order items are in, the order of the list.
func (c *listCache) update(items []scanItem, errRecs []*cacheRecord, results []scanResult, drafts bool) {
	dirty := !c.valid
	for i := range results {
		if results[i].hit < 0 && results[i].rec != nil {
			dirty = true // read for the first time, or again
		}
	}
	var carried []*cacheRecord
	for i := range c.records {
		if c.hit[i] {
			continue
		}
		r := &c.records[i]
		if !drafts && draftPath(r.path) {
			carried = append(carried, r)
			continue
		}
		dirty = true // read again, or gone
	}
	if !dirty {
		if c.w != nil {
			c.w.abort()
		}
		return
	}
	w := c.writer()
	if w == nil {
		return
	}
	recs := make([]*cacheRecord, 0, len(items)+len(errRecs)+len(carried))
	for _, it := range items {
		if it.rec != nil {
			recs = append(recs, it.rec)
		}
	}
	recs = append(recs, errRecs...)
	recs = append(recs, carried...)
	w.commit(c.encode(recs))
}

// MaxPostSize is the largest post a scan reads: GitHub refuses a file
// over 100 MB (repo.MaxBlobSize is the same rule for what diary fetches
// and pushes), so no larger post is ever published, and reading one
// whole (a 963 MB post once took 3.3 GB) is not worth a warning's cost.
const MaxPostSize = 100 << 20

// readFile is os.ReadFile into a buffer kept from file to file, with
// the system calls and no more: no poller, no finalizer, no stat. size is
// the file's size from a stat just before, or -1: a first read that
// returns just that many bytes, when more were asked for, reached the
// end then, which saves the read that would find it.
func readFile(name string, buf *[]byte, size int64) ([]byte, error) {
	if runtime.GOOS == "windows" {
		return regular.ReadFileNoFollow(name) // long paths and sharing modes: leave it to os
	}
	// Without blocking on a named pipe, never through a link, and only
	// what fstat says is a regular file: a name that turned into a pipe
	// or a link to /dev/zero since it was listed is refused, not read.
	var fd, err = syscall.Open(name, syscall.O_RDONLY|syscall.O_CLOEXEC|openNoBlock|openNoFollow, 0)
	for err == syscall.EINTR {
		fd, err = syscall.Open(name, syscall.O_RDONLY|syscall.O_CLOEXEC|openNoBlock|openNoFollow, 0)
	}
	if err == syscall.ELOOP {
		return nil, regular.Check(name, fs.ModeSymlink)
	}
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	defer syscall.Close(fd)
	mode, fsize, err := fdStat(fd)
	if err != nil {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: err}
	}
	if err := regular.Check(name, mode); err != nil {
		return nil, err
	}
	if size < 0 {
		size = fsize
	}
	b := (*buf)[:0]
	if want := int(size) + 1; size >= 0 && cap(b) < want && size < 1<<30 {
		b = make([]byte, 0, max(want, 16<<10))
	} else if cap(b) == 0 {
		b = make([]byte, 0, 16<<10)
	}
	for first := true; ; first = false {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := syscall.Read(fd, b[len(b):cap(b)])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			*buf = b
			return nil, &fs.PathError{Op: "read", Path: name, Err: err}
		}
		if n <= 0 {
			break
		}
		b = b[:len(b)+n]
		if first && int64(n) == size && len(b) < cap(b) {
			break
		}
	}
	*buf = b
	return b, nil
}

// SortNewestFirst orders entries by date, newest first, then by path so
// that the order is the same on every laptop.
func SortNewestFirst(es []*Entry) {
	keys := make([]sortKey, len(es))
	for i, e := range es {
		keys[i] = sortKey{e.Date.Unix(), int32(e.Date.Nanosecond()), int32(i)}
	}
	slices.SortStableFunc(keys, func(a, b sortKey) int {
		if c := a.compare(b); c != 0 {
			return c
		}
		return strings.Compare(path.Base(es[b.i].Path), path.Base(es[a.i].Path))
	})
	sorted := make([]*Entry, len(es))
	for i, k := range keys {
		sorted[i] = es[k.i]
	}
	copy(es, sorted)
}

// sortKey is an entry's date, to sort on without calling time.Time's
// methods, and its place in the slice being sorted.
type sortKey struct {
	sec  int64
	nsec int32
	i    int32
}

// compare puts the newer first.
func (a sortKey) compare(b sortKey) int {
	if a.sec != b.sec {
		return cmp.Compare(b.sec, a.sec)
	}
	return cmp.Compare(b.nsec, a.nsec)
}

// sortItems is SortNewestFirst for Scan: ties of date and file name go
// in the order of Scan's directory walk, which the stable sort kept when
// Scan listed files in that order; items may come in any order.
func sortItems(items []scanItem) {
	keys := make([]sortKey, len(items))
	for i, it := range items {
		keys[i] = sortKey{it.e.Date.Unix(), int32(it.e.Date.Nanosecond()), int32(i)}
	}
	slices.SortFunc(keys, func(a, b sortKey) int {
		if c := a.compare(b); c != 0 {
			return c
		}
		ea, eb := items[a.i].e, items[b.i].e
		if c := strings.Compare(path.Base(eb.Path), path.Base(ea.Path)); c != 0 {
			return c
		}
		return compareWalkOrder(ea.Draft, ea.Path, eb.Draft, eb.Path)
	})
	sorted := make([]scanItem, len(items))
	for i, k := range keys {
		sorted[i] = items[k.i]
	}
	copy(items, sorted)
}
