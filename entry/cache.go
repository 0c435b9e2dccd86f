package entry

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"hash/fnv"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/gitdiary/diary/internal/atomicfile"
	"github.com/gitdiary/diary/internal/fsstat"
)

// The list cache: what Scan read from each file, with the file's stat
// data, so that the next Scan reads only the files that changed.
//
// A record is used only when the file's size, modification time, inode
// change time, inode and device (what the system has of them) and mode are
// all what they were when it was read. The change time cannot be set
// from outside (touch -d and rsync -t set only the modification time), so
// a file edited and given back its old modification time is read again.
// Where there is no change time (Windows) or it does not change (FAT),
// size and modification time decide, as they do for git.
//
// Like git's racily clean index entries, a file whose modification or
// change time is within racyWindow of the moment Scan starts reading
// files (or after it) is never recorded: a second change within the same
// clock tick, after Scan read the first, could leave every stat field as
// it was. That moment is taken before the first file is statted and read,
// from the clock and from the file system (the modification time of the
// new cache file, created then), whichever is earlier, so that a file
// system whose clock lags is not trusted beyond its own time. A record is
// thus always of a file last changed well before it was read, and any
// later change moves its change (or modification) time off the record's.
//
// The file holds, after a header, one record a file, and a CRC-32C of it
// all: a cache that is truncated, corrupt, of another format or version,
// written by another build of diary, for another work tree or another
// time zone is ignored, and written anew. It is replaced whole (a
// temporary file renamed over it), so that concurrent Scans each see a
// whole cache, an older or a newer one, never a mix; what either wrote
// holds only records that were true when written.

// cacheVersion is the format of the cache and the meaning of what it
// holds. Change it with the format and with any change to what Parse or
// parseFast return. (A cache written by another build of diary is
// ignored anyway: see cacheKey.)
const cacheVersion = 3

const cacheMagic = "diary list cache\n"

// racyWindow: a file changed this close to a Scan's start is read again
// the next time, whatever its stat data say. It covers file systems
// that keep times to the second (2 s for FAT). Tests shorten it.
var racyWindow = 2 * time.Second

// fileStamp is the stat data a record is checked against.
type fileStamp struct {
	size        int64
	msec, mnsec int64 // modification time
	csec, cnsec int64 // inode change time; 0 where there is none
	ino, dev    uint64
	mode        uint32
}

func stampOf(fi fs.FileInfo) fileStamp {
	s := fsstat.FromInfo(fi)
	return fileStamp{
		size: s.Size, msec: s.Sec, mnsec: s.Nsec, mode: uint32(fi.Mode()),
		csec: s.CSec, cnsec: s.CNsec, ino: s.Ino, dev: s.Dev,
	}
}

// cacheRecord is what Scan learned from one file.
type cacheRecord struct {
	path  string
	stamp fileStamp
	entry *Entry // nil when the file is not an entry: then line and msg
	line  int    // are its *ParseError's
	msg   string
	raw   []byte // the record as the cache file has it; nil until encoded
}

func (r *cacheRecord) result() (*Entry, error) {
	if r.entry != nil {
		return r.entry, nil
	}
	return nil, &ParseError{Path: r.path, Line: r.line, Msg: r.msg}
}

// listCache is a cache file as Scan found it, and the writer of the next.
type listCache struct {
	path    string
	key     string
	loc     *time.Location
	valid   bool // the file was there, whole, and for this key
	records []cacheRecord
	index   map[string]int32
	hit     []bool // records used by this Scan, by index

	once sync.Once
	w    *cacheWriter
	made atomic.Bool // once has run
}

// cacheKey is what a cache must have been written for to be used: this
// build of diary, this work tree, this time zone. "" (no cache) when the
// running executable cannot be told apart from others.
func cacheKey(root string, loc *time.Location, site *Site) string {
	exe := executableID()
	if exe == "" {
		return ""
	}
	if abs, err := filepath.Abs(root); err == nil {
		root = abs
	}
	return exe + "\x00" + root + "\x00" + zoneID(loc) + "\x00" + site.key()
}

// ReaderKey is what a cache of what this build of diary read in loc
// must have been written for: the build (executableID) and the zone's
// rules (zoneID); "" (keep no cache) when the build cannot be told apart
// from others. sync's cache of destinations is keyed by it too.
func ReaderKey(loc *time.Location) string {
	exe := executableID()
	if exe == "" {
		return ""
	}
	return exe + "\x00" + zoneID(loc)
}

// executableID names the build of diary that runs: the path and stat
// data of its executable, and Go's version. A cache written by any other
// build (an upgrade, a rebuild after changing Parse) is not trusted.
var executableID = sync.OnceValue(func() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	fi, err := os.Stat(exe)
	if err != nil {
		return ""
	}
	st := stampOf(fi)
	return fmt.Sprintf("v%d %s %s %d %d.%d %d.%d %d %d", cacheVersion, runtime.Version(), exe,
		st.size, st.msec, st.mnsec, st.csec, st.cnsec, st.ino, st.dev)
})

// zoneID tells time zones apart by what they do, not only their name
// (time.Local is "Local" whatever TZ says; a tzdata update changes a
// zone but not its name): a hash of its name and every change of offset
// or abbreviation from 1800 to 2200. The dates in a cache are only good
// for the zone they were read in.
func zoneID(loc *time.Location) string {
	var b []byte
	b = append(b, loc.String()...)
	t := time.Date(1800, 1, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
	for range 10000 {
		lt := t.In(loc)
		name, off := lt.Zone()
		b = append(b, 0)
		b = append(b, name...)
		b = binary.AppendVarint(b, int64(off))
		b = binary.AppendVarint(b, t.Unix())
		if lt.IsDST() {
			b = append(b, 1)
		}
		_, next := lt.ZoneBounds()
		if next.IsZero() || !next.After(t) || !next.Before(end) {
			break
		}
		t = next
	}
	h := fnv.New128a()
	h.Write(b)
	return fmt.Sprintf("%s %x", loc.String(), h.Sum(nil))
}

// loadCache reads the cache file at path; an absent, unreadable or
// invalid one leaves an empty cache that is written anew.
func loadCache(path, key string, loc *time.Location) *listCache {
	c := &listCache{path: path, key: key, loc: loc}
	data, err := os.ReadFile(path)
	if err == nil {
		c.decode(data)
	}
	c.hit = make([]bool, len(c.records))
	return c
}

func (c *listCache) lookup(rel string) (int, *cacheRecord) {
	if i, ok := c.index[rel]; ok {
		return int(i), &c.records[i]
	}
	return -1, nil
}

// writer returns the writer of the next cache file, creating it (and
// taking the time that decides which files are recorded) the first time;
// nil when it cannot be created.
func (c *listCache) writer() *cacheWriter {
	c.once.Do(func() {
		c.w = newCacheWriter(c.path)
		c.made.Store(true)
	})
	return c.w
}

var crc32c = crc32.MakeTable(crc32.Castagnoli)

// Encoding: the magic, the version, the key, the number of records, the
// records, then the CRC-32C of all that, little-endian. Integers are
// varints; strings a length and the bytes. A record: path, size, mtime
// (seconds, nanoseconds), ctime (the same), inode, device, mode, then 0
// and an entry (title, author, layout, date, categories, tags, flags),
// or 1 and an error (line, message). A date: 0 for none, or a kind (1
// in the scan's zone, 2 UTC, 3 a fixed zone with its name and offset),
// seconds and nanoseconds since 1970.

func (c *listCache) encode(recs []*cacheRecord) []byte {
	n := 64 + len(c.key)
	for _, r := range recs {
		n += len(r.raw)
	}
	b := make([]byte, 0, n)
	b = append(b, cacheMagic...)
	b = binary.AppendUvarint(b, cacheVersion)
	b = appendString(b, c.key)
	b = binary.AppendUvarint(b, uint64(len(recs)))
	for _, r := range recs {
		if r.raw == nil {
			r.raw = appendRecord(nil, r, c.loc)
		}
		b = append(b, r.raw...)
	}
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, crc32c))
}

// appendRecord encodes one record; Scan's workers do it for those they
// make, and a record read from the cache keeps its bytes, so that writing
// the cache anew is mostly copying.
func appendRecord(b []byte, r *cacheRecord, loc *time.Location) []byte {
	b = appendString(b, r.path)
	st := &r.stamp
	b = binary.AppendVarint(b, st.size)
	b = binary.AppendVarint(b, st.msec)
	b = binary.AppendVarint(b, st.mnsec)
	b = binary.AppendVarint(b, st.csec)
	b = binary.AppendVarint(b, st.cnsec)
	b = binary.AppendUvarint(b, st.ino)
	b = binary.AppendUvarint(b, st.dev)
	b = binary.AppendUvarint(b, uint64(st.mode))
	if r.entry == nil {
		b = append(b, 1)
		b = binary.AppendVarint(b, int64(r.line))
		return appendString(b, r.msg)
	}
	e := r.entry
	b = append(b, 0)
	b = appendString(b, e.Title)
	b = appendString(b, e.Author)
	b = appendString(b, e.Layout)
	b = appendDate(b, e.Date, loc)
	b = appendStrings(b, e.Categories)
	b = appendStrings(b, e.Tags)
	var flags byte
	if e.Published {
		flags |= 1
	}
	if e.Draft {
		flags |= 2
	}
	b = append(b, flags)
	return binary.AppendUvarint(b, uint64(e.Words))
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// appendStrings keeps nil apart from empty: 0 for nil, else 1 + length.
func appendStrings(b []byte, ss []string) []byte {
	if ss == nil {
		return append(b, 0)
	}
	b = binary.AppendUvarint(b, uint64(len(ss))+1)
	for _, s := range ss {
		b = appendString(b, s)
	}
	return b
}

const (
	dateNone = iota
	dateLocal
	dateUTC
	dateFixed
)

// dateKind says how a date is stored: in the scan's zone, in UTC, or in
// a fixed zone (which is what parsing a written offset gives). ok is
// false for any other date, which is then not cached.
func dateKind(t time.Time, loc *time.Location) (kind int, ok bool) {
	switch {
	case t == time.Time{}:
		return dateNone, true
	case t.Location() == loc:
		return dateLocal, true
	case t.Location() == time.UTC:
		return dateUTC, true
	}
	start, end := t.ZoneBounds()
	name, _ := t.Zone()
	if start.IsZero() && end.IsZero() && t.Location().String() == name {
		return dateFixed, true
	}
	return 0, false
}

func appendDate(b []byte, t time.Time, loc *time.Location) []byte {
	kind, _ := dateKind(t, loc) // cacheable checked it
	b = append(b, byte(kind))
	if kind == dateNone {
		return b
	}
	b = binary.AppendVarint(b, t.Unix())
	b = binary.AppendVarint(b, int64(t.Nanosecond()))
	if kind == dateFixed {
		name, off := t.Zone()
		b = appendString(b, name)
		b = binary.AppendVarint(b, int64(off))
	}
	return b
}

// cacheableEntry reports whether an entry can be written to the cache
// and read back as it is.
func cacheableEntry(e *Entry, loc *time.Location) bool {
	_, ok := dateKind(e.Date, loc)
	return ok && e.rolled == "" // a warning is not kept: read it again
}

// decoder reads the cache from one string, so that every string in it
// is a slice of that one and decoding allocates little.
type decoder struct {
	s   string
	off int
	bad bool
}

func (d *decoder) uvarint() uint64 {
	var x uint64
	for shift := uint(0); shift < 64; shift += 7 {
		if d.off >= len(d.s) {
			break
		}
		c := d.s[d.off]
		d.off++
		if c < 0x80 {
			if shift == 63 && c > 1 {
				break
			}
			return x | uint64(c)<<shift
		}
		x |= uint64(c&0x7f) << shift
	}
	d.bad = true
	return 0
}

func (d *decoder) varint() int64 {
	ux := d.uvarint()
	x := int64(ux >> 1)
	if ux&1 != 0 {
		x = ^x
	}
	return x
}

func (d *decoder) byte() byte {
	if d.off >= len(d.s) {
		d.bad = true
		return 0
	}
	c := d.s[d.off]
	d.off++
	return c
}

func (d *decoder) str() string {
	n := d.uvarint()
	if d.bad || n > uint64(len(d.s)-d.off) {
		d.bad = true
		return ""
	}
	s := d.s[d.off : d.off+int(n)]
	d.off += int(n)
	return s
}

// decode fills the cache from a file's bytes, or leaves it empty when
// they are not a whole cache for this key.
func (c *listCache) decode(data []byte) {
	if len(data) < len(cacheMagic)+4 || string(data[:len(cacheMagic)]) != cacheMagic {
		return
	}
	body := data[:len(data)-4]
	if crc32.Checksum(body, crc32c) != binary.LittleEndian.Uint32(data[len(body):]) {
		return
	}
	// The strings of the cache are slices of this one, which shares the
	// bytes read: nothing writes to them after.
	d := &decoder{s: unsafe.String(unsafe.SliceData(body), len(body)), off: len(cacheMagic)}
	if d.uvarint() != cacheVersion || d.bad {
		return
	}
	if d.str() != c.key || d.bad {
		return
	}
	n := d.uvarint()
	// A record takes at least 12 bytes: a bound before allocating.
	if d.bad || n > uint64(len(d.s)-d.off)/12 {
		return
	}
	records := make([]cacheRecord, n)
	entries := make([]Entry, 0, n)
	pool := make([]string, 0, n)
	index := make(map[string]int32, n)
	for i := range records {
		r := &records[i]
		start := d.off
		r.path = d.str()
		r.stamp = fileStamp{size: d.varint(), msec: d.varint(), mnsec: d.varint(), csec: d.varint(), cnsec: d.varint(),
			ino: d.uvarint(), dev: d.uvarint()}
		r.stamp.mode = uint32(d.uvarint())
		switch d.byte() {
		case 0:
			entries = append(entries, Entry{Path: r.path})
			e := &entries[len(entries)-1]
			e.Title, e.Author, e.Layout = d.str(), d.str(), d.str()
			e.Date = d.date(c.loc)
			e.Categories, pool = d.strings(pool)
			e.Tags, pool = d.strings(pool)
			flags := d.byte()
			e.Published, e.Draft = flags&1 != 0, flags&2 != 0
			e.Words = int(d.uvarint())
			if flags > 3 || e.Draft != draftPath(r.path) {
				d.bad = true
			}
			r.entry = e
		case 1:
			r.line = int(d.varint())
			r.msg = d.str()
		default:
			d.bad = true
		}
		if _, dup := index[r.path]; dup {
			d.bad = true
		}
		if d.bad {
			return
		}
		index[r.path] = int32(i)
		r.raw = body[start:d.off:d.off]
	}
	if d.off != len(d.s) {
		return
	}
	c.records, c.index, c.valid = records, index, true
}

func (d *decoder) date(loc *time.Location) time.Time {
	kind := d.byte()
	if kind == dateNone {
		return time.Time{}
	}
	sec, nsec := d.varint(), d.varint()
	if nsec < 0 || nsec >= 1e9 {
		d.bad = true
		return time.Time{}
	}
	t := time.Unix(sec, nsec)
	switch kind {
	case dateLocal:
		return t.In(loc)
	case dateUTC:
		return t.In(time.UTC)
	case dateFixed:
		name := d.str()
		off := d.varint()
		if off < -1<<31 || off > 1<<31-1 {
			d.bad = true
			return time.Time{}
		}
		return t.In(time.FixedZone(name, int(off)))
	}
	d.bad = true
	return time.Time{}
}

// strings reads a list of strings into pool, which it returns grown.
func (d *decoder) strings(pool []string) ([]string, []string) {
	n := d.uvarint()
	if n == 0 || d.bad {
		return nil, pool
	}
	n--
	if n > uint64(len(d.s)-d.off) {
		d.bad = true
		return nil, pool
	}
	start := len(pool)
	for range n {
		pool = append(pool, d.str())
	}
	return pool[start:len(pool):len(pool)], pool
}

// cacheWriter writes the next cache file: a temporary file beside it,
// created before Scan reads any file, renamed over it at the end.
type cacheWriter struct {
	final string
	f     *atomicfile.File
	limit time.Time // files changed at or after it are not recorded
}

func newCacheWriter(path string) *cacheWriter {
	now := time.Now().Round(0)
	f, err := atomicfile.Create(path, 0o600)
	if err != nil {
		return nil
	}
	start := now
	if fi, err := f.Stat(); err == nil && fi.ModTime().Before(start) {
		start = fi.ModTime() // the file system's clock lags
	}
	return &cacheWriter{final: path, f: f, limit: start.Add(-racyWindow)}
}

// cacheable reports whether a file with this stamp was changed safely
// before the Scan began, so that its record can be trusted later.
func (w *cacheWriter) cacheable(st fileStamp) bool {
	if !time.Unix(st.msec, st.mnsec).Before(w.limit) {
		return false
	}
	return (st.csec == 0 && st.cnsec == 0) || time.Unix(st.csec, st.cnsec).Before(w.limit)
}

// commit writes data and puts the file in place; errors are dropped, as
// a cache that is not written is only read again next time.
func (w *cacheWriter) commit(data []byte) {
	if _, err := w.f.Write(data); err != nil {
		w.f.Abort()
		return
	}
	if w.f.Commit() == nil {
		removeStaleTemps(w.final)
	}
}

func (w *cacheWriter) abort() {
	w.f.Abort()
}

// removeStaleTemps removes temporary files that Scans killed before
// their rename left behind (an hour old: no Scan takes that long).
func removeStaleTemps(final string) {
	dir, base := filepath.Split(final)
	if dir == "" {
		dir = "."
	}
	des, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, de := range des {
		// (base+".tmp-" is how diary named them before internal/atomicfile.)
		if !strings.HasPrefix(de.Name(), atomicfile.TempPrefix(final)) && !strings.HasPrefix(de.Name(), base+".tmp-") {
			continue
		}
		if fi, err := de.Info(); err == nil && time.Since(fi.ModTime()) > time.Hour {
			os.Remove(filepath.Join(dir, de.Name()))
		}
	}
}
