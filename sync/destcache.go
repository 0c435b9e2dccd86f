package sync

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/gitdiary/diary/entry"
	"github.com/gitdiary/diary/internal/atomicfile"
	"github.com/gitdiary/diary/repo"
)

// destCache remembers where Jekyll writes each file a push's collision
// check has read (destination), by its blob and path: a blob's bytes
// never change, so for one build of diary and one set of the site's URL
// settings (key) the answer holds for good. A diary's titles repeat
// ("Weekend", "주말 기록"), and each post of a repeated slug is a
// candidate of every push that adds one more (collisionCandidates): on
// the reference diary, 184 blobs read and parsed, 40 ms of every
// diverged sync, which the cache makes a map lookup after the first.
//
// It lives in .git/diary/destinations, never pushed; a missing,
// unreadable or stale one (another build, zone or permalink) is started
// afresh, and it is written whole or not at all (atomicfile), so a kill
// -9 leaves the old one or the new one. Only this repository's own
// diary writes under .git, which a remote cannot reach.
type destCache struct {
	file  string
	key   string
	m     map[string]string // blob hash + "\x00" + path: destination, "" for none
	dirty bool
}

// destCacheFile is the cache's name below the git directory.
var destCacheFile = filepath.Join("diary", "destinations")

// openDestCache loads the cache of r for site; nil (no cache) where the
// build cannot be told apart from others or r has no git directory.
func openDestCache(r *repo.Repo, site *Site) *destCache {
	rk := entry.ReaderKey(site.Location)
	if rk == "" || r.GitDir() == "" {
		return nil
	}
	key := strconv.Quote(strings.Join([]string{"v1", rk, site.URL.Template, site.URL.Permalink,
		strings.Join(site.URL.MarkdownExt, ","), site.pageSuffix}, "\x00"))
	c := &destCache{file: filepath.Join(r.GitDir(), destCacheFile), key: key, m: map[string]string{}}
	data, err := os.ReadFile(c.file)
	if err != nil {
		return c
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	if !sc.Scan() || sc.Text() != key {
		return c // another build's, zone's or site's: start afresh
	}
	for sc.Scan() {
		// hash TAB "path" TAB "destination", Go-quoted: a path from a
		// remote may hold any byte but NUL and "/" in a name.
		hash, rest, ok := strings.Cut(sc.Text(), "\t")
		qp, qd, ok2 := strings.Cut(rest, "\t")
		if !ok || !ok2 {
			continue
		}
		p, err1 := strconv.Unquote(qp)
		d, err2 := strconv.Unquote(qd)
		if err1 == nil && err2 == nil {
			c.m[hash+"\x00"+p] = d
		}
	}
	return c
}

// get is the destination of the file at p with blob h, if known.
func (c *destCache) get(h repo.Hash, p string) (dest string, ok bool) {
	if c == nil {
		return "", false
	}
	dest, ok = c.m[h.String()+"\x00"+p]
	return dest, ok
}

// put records the destination of the file at p with blob h.
func (c *destCache) put(h repo.Hash, p, dest string) {
	if c == nil {
		return
	}
	k := h.String() + "\x00" + p
	if old, ok := c.m[k]; !ok || old != dest {
		c.m[k], c.dirty = dest, true
	}
}

// save writes the cache back when it learned something, keeping only
// the files that tree still holds as they were (so that it never grows
// past the site), sorted so that equal caches are equal files. A cache
// that cannot be written is no loss: the next push reads the blobs.
func (c *destCache) save(tree repo.Tree) {
	if c == nil || !c.dirty {
		return
	}
	var lines []string
	for k, d := range c.m {
		hash, p, _ := strings.Cut(k, "\x00")
		if e, ok := tree[p]; !ok || e.Hash.String() != hash {
			continue
		}
		lines = append(lines, hash+"\t"+strconv.Quote(p)+"\t"+strconv.Quote(d))
	}
	sort.Strings(lines)
	var b bytes.Buffer
	b.WriteString(c.key + "\n")
	for _, l := range lines {
		b.WriteString(l + "\n")
	}
	if err := os.MkdirAll(filepath.Dir(c.file), 0o755); err != nil {
		return
	}
	_ = atomicfile.WriteFile(c.file, b.Bytes(), 0o644)
}
