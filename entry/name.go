package entry

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

const (
	// PostsDir and DraftsDir are where Jekyll looks for posts and drafts.
	PostsDir  = "_posts"
	DraftsDir = "_drafts"

	// fallbackSlug names an entry whose title leaves nothing to slugify
	// (emoji or punctuation only).
	fallbackSlug = "entry"

	// maxName is the longest file name most file systems take, in bytes.
	maxName = 255
)

// postName is Jekyll's pattern for a post's file name: a date, a slug and
// an extension (Jekyll::Document::DATE_FILENAME_MATCHER).
var postName = regexp.MustCompile(`^(\d{2,4}-\d{1,2}-\d{1,2})-(.*)(\.[^.]+)$`)

// hiddenByJekyll reports whether Jekyll's EntryFilter passes over a name:
// one starting with ".", "_", "#" or "~", or ending with "~" (a backup).
func hiddenByJekyll(name string) bool {
	return name == "" || strings.ContainsRune("._#~", rune(name[0])) || strings.HasSuffix(name, "~")
}

// SiteFolder reports whether Jekyll reads the folder rel of a site
// (slash-separated, "" for the root) looking for _posts and _drafts: no
// folder on the way is one Jekyll passes over or excludes by default.
func SiteFolder(rel string) bool {
	var s *Site
	return s.orJekyll().readsDir(rel, func(string) bool { return true })
}

// magicDir splits a slash-separated path from the site's root at the
// _posts or _drafts folder Jekyll reads it from: a/_posts/b/x.md gives
// "a", "_posts" and "b/x.md". magic is "" for a path in neither.
func magicDir(p string) (site, magic, rest string) {
	for i := 0; i < len(p); {
		j := strings.IndexByte(p[i:], '/')
		if j < 0 {
			return "", "", ""
		}
		c := p[i : i+j]
		if c == PostsDir || c == DraftsDir {
			return strings.TrimSuffix(p[:i], "/"), c, p[i+j+1:]
		}
		i += j + 1
	}
	return "", "", ""
}

// IsPost reports whether p (slash-separated, from the site's root) is a
// file Jekyll reads as a post: in a _posts folder of the site, or of one
// of its folders (a/_posts/, whose posts Jekyll puts in category a), at
// any depth inside it, named YYYY-MM-DD-SLUG.EXT with any extension
// (Jekyll's PostReader takes every name DATE_FILENAME_MATCHER matches:
// .md, .markdown, .mkdn, .html, .txt alike), and not hidden by Jekyll's
// EntryFilter with Jekyll's own exclude and include (Site.IsPost is the
// same with a site's).
func IsPost(p string) bool { return jekyllSite.IsPost(p) }

// IsDraft reports whether p is a file of a _drafts folder, as IsPost
// finds _posts folders.
func IsDraft(p string) bool { return jekyllSite.IsDraft(p) }

// draftPath reports whether a path Scan found is a draft's: in a _drafts
// folder, or that folder itself when it is a file.
func draftPath(p string) bool {
	_, magic, _ := magicDir(p)
	return magic == DraftsDir || p == DraftsDir
}

// ParseName splits a post file name into its date and slug. ok is false for
// a name Jekyll would not take as a post.
func ParseName(name string) (date, slug string, ok bool) {
	m := postName.FindStringSubmatch(filepath.Base(name))
	if m == nil {
		return "", "", false
	}
	return m[1], m[2], true
}

// Name returns the file name of an entry: YYYY-MM-DD-SLUG.EXT for a post,
// SLUG.EXT for a draft (day is then ignored). n > 1 adds "-n" after the
// slug, for the n-th entry wanting the same name. An empty slug becomes
// "entry". The slug is cut at a character boundary so that the whole name
// stays within 255 bytes.
func Name(day time.Time, slug, ext string, draft bool, n int) string {
	slug = safeSlug(slug)
	if slug == "" {
		slug = fallbackSlug
	}
	prefix := ""
	if !draft {
		prefix = day.Format("2006-01-02") + "-"
	}
	suffix := ""
	if n > 1 {
		suffix = "-" + strconv.Itoa(n)
	}
	suffix += "." + ext
	return fitName(prefix, slug, suffix)
}

// fitName joins prefix, slug and suffix, the slug cut at a character
// boundary so that the whole stays within maxName bytes.
func fitName(prefix, slug, suffix string) string {
	room := maxName - len(prefix) - len(suffix)
	if len(slug) > room {
		cut := max(room, 0)
		for cut > 0 && !utf8.RuneStart(slug[cut]) {
			cut--
		}
		slug = strings.TrimRight(slug[:cut], "-")
	}
	return prefix + slug + suffix
}

// AssetName is the file name `diary attach` gives a file: ENTRY-FILE.EXT,
// where ENTRY is the entry's slug and FILE the file's base name without
// its extension, both slugified by Jekyll's latin mode (accents dropped,
// other letters gone), and EXT the file's extension in lower case. The
// name is ASCII whatever the slug setting: it is a URL path in the
// entry's link, and Jekyll 4 fails to copy a static file whose name is
// not ASCII when it runs without a UTF-8 locale (url.rb: "from
// ASCII-8BIT to UTF-8"). An entry slug with nothing left is left out; a
// file name with nothing left is "file". n > 1 adds "-n" before the
// extension, as Name does. The name stays within 255 bytes.
func AssetName(entrySlug, file string, n int) string {
	ext := strings.ToLower(strings.TrimPrefix(path.Ext(file), "."))
	base := strings.TrimSuffix(file, path.Ext(file))
	fileSlug := Slugify(base, SlugLatin)
	if fileSlug == "" {
		fileSlug = "file"
	}
	slug := fileSlug
	if e := Slugify(entrySlug, SlugLatin); e != "" {
		slug = e + "-" + fileSlug
	}
	suffix := ""
	if n > 1 {
		suffix = "-" + strconv.Itoa(n)
	}
	if ext = Slugify(ext, SlugLatin); ext != "" {
		suffix += "." + ext
	}
	return fitName("", slug, suffix)
}

// PostFolder is the folder, slash-separated and relative to the site,
// that a new post with these categories goes into: _posts/ itself, or,
// with byCategory, the folder of _posts/ named for its first category,
// as blogs do that keep each category's posts in a folder of their own
// (Jekyll reads posts in subfolders of _posts/ like the others, and takes
// no category from such a folder). A category that cannot name one
// folder (".", "..", nothing left once made safe) leaves it in _posts/.
func PostFolder(categories []string, byCategory bool) string {
	if !byCategory || len(categories) == 0 {
		return PostsDir
	}
	name := safeSlug(categories[0])
	if name == "" || strings.Trim(name, ".") == "" || len(name) > maxName {
		return PostsDir
	}
	return PostsDir + "/" + name
}

// CategoryPostsFolder is the folder, slash-separated and relative to the
// site, that a new post with these categories goes into on a site that
// keeps each category's posts in <category>/_posts/: Jekyll gives a post
// the names of the folders above its _posts/ as its first categories
// (Document#categories_from_path), so the folder is named by the first
// category exactly as it is, not by a slug of it, which would be another
// category. A category that cannot be one folder Jekyll reads (a "/" or
// a character a file system refuses, a leading "." or "_", a name Jekyll
// excludes) leaves the post in _posts/.
func CategoryPostsFolder(categories []string) string {
	if len(categories) == 0 {
		return PostsDir
	}
	c := categories[0]
	if c == "" || c != strings.TrimSpace(c) || safeSlug(c) != c || !SiteFolder(c) || len(c) > maxName || c == PostsDir || c == DraftsDir {
		return PostsDir
	}
	return c + "/" + PostsDir
}

// safeSlug makes a slug usable as one file name on every system. Jekyll's
// raw and pretty modes keep "/", NUL, ".." and the like, which would leave
// _posts or break the name: each such character becomes "-", and leading
// dots are dropped.
func safeSlug(slug string) string {
	slug = strings.Map(func(r rune) rune {
		switch {
		case r < 0x20, r == 0x7f, strings.ContainsRune(`/\:*?"<>|`, r):
			return '-'
		}
		return r
	}, slug)
	// A leading dot would hide a draft from Jekyll.
	return strings.TrimLeft(slug, ".")
}

// ErrExists is returned by Create when every candidate name was taken.
var ErrExists = errors.New("entry exists")

// maxClash bounds the search for a free name: thousands of entries with
// one title on one day means something else is wrong.
const maxClash = 1000

// Create writes content to a new file in dir named by name(n) for the
// first n = 1, 2, … that is free, and returns that name. An existing file
// is never overwritten, and no half-written file is ever visible: the
// content goes to a temporary file first, which is then hard-linked to the
// final name (a link, unlike a rename, fails when the name exists).
func Create(dir string, name func(n int) string, content []byte) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("create %s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, ".diary-new-*")
	if err != nil {
		return "", fmt.Errorf("create entry in %s: %w", dir, err)
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName)
	if _, err := tmp.Write(content); err != nil {
		tmp.Close()
		return "", fmt.Errorf("write %s: %w", tmpName, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return "", fmt.Errorf("write %s: %w", tmpName, err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("write %s: %w", tmpName, err)
	}
	if err := os.Chmod(tmpName, 0o644); err != nil {
		return "", fmt.Errorf("write %s: %w", tmpName, err)
	}
	for n := 1; n <= maxClash; n++ {
		final := name(n)
		err := os.Link(tmpName, filepath.Join(dir, final))
		if err == nil {
			return final, nil
		}
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		// File systems without hard links (FAT on a USB disk): fall back
		// to an exclusive create, which is still never an overwrite.
		if created, ok, cerr := createExcl(filepath.Join(dir, final), content); ok || cerr != nil {
			if cerr != nil {
				return "", cerr
			}
			return filepath.Base(created), nil
		}
	}
	return "", fmt.Errorf("%w: %s and %d more names like it are taken; choose another title", ErrExists, name(1), maxClash-1)
}

func createExcl(path string, content []byte) (string, bool, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("create %s: %w", path, err)
	}
	_, werr := f.Write(content)
	if serr := f.Sync(); werr == nil {
		werr = serr
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		os.Remove(path)
		return "", false, fmt.Errorf("write %s: %w", path, werr)
	}
	return path, true, nil
}
