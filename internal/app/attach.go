package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/gitdiary/diary/entry"
	"github.com/gitdiary/diary/internal/regular"
)

// Attachment size limits: GitHub refuses a file over 100 MB in a push
// (docs.github.com, "About large files on GitHub"), and warns over 50 MB.
const (
	attachMax  = 100 << 20
	attachWarn = 50 << 20
)

// imageExts are the extensions attach links as an image (![name](…));
// every other file gets a plain link.
var imageExts = map[string]bool{"png": true, "jpg": true, "jpeg": true, "gif": true, "webp": true, "svg": true, "avif": true}

// AttachOptions are what `diary attach` was asked for.
type AttachOptions struct {
	Entry string   // matched as edit matches its QUERY
	Files []string // paths as given on the command line
}

// AttachResult says what Attach did. With ErrAmbiguous, Matches lists
// the candidates.
type AttachResult struct {
	Entry    string   // the entry, repo-relative
	Assets   []string // the copies, repo-relative, in the order of Files
	Commit   string
	Warnings []string
	Matches  []*entry.Entry
}

// attachment is one file to attach, open and checked.
type attachment struct {
	given string // as the user gave it
	f     *os.File
	size  int64
}

// Attach copies files into the assets folder under names made from the
// entry's slug and theirs, appends a link to each at the end of the
// entry, and commits the entry and the files together.
//
// Every file is checked and opened before anything is written. The
// copies are made one at a time, each under a temporary name then linked
// to a name nobody has (repo.CreateNew), and removed again when a later
// one fails; then the entry is rewritten whole (a temporary file renamed
// over it); then the commit. A kill at any point leaves the user's files
// as they were, and at worst copies that are not yet linked from the
// entry, which the next sync commits.
func (d *Diary) Attach(ctx context.Context, ao AttachOptions) (*AttachResult, error) {
	res := &AttachResult{}
	if len(ao.Files) == 0 {
		return res, Usagef("name the files to attach: diary attach ENTRY FILE…")
	}
	if _, err := d.Repo.OnBranch(d.Config.Branch); err != nil {
		return res, err
	}
	names := make([]string, len(ao.Files))
	for i, n := range ao.Files {
		names[i] = n
		if !filepath.IsAbs(n) && d.opts.Dir != "" {
			names[i] = filepath.Join(d.opts.Dir, n)
		}
	}
	files, err := openAttachments(ao.Files, names, res)
	defer func() {
		for _, a := range files {
			a.f.Close()
		}
	}()
	if err != nil {
		return res, err
	}
	er := &EditResult{}
	rel, err := d.find(ctx, ao.Entry, er)
	res.Matches = er.Matches
	if err != nil {
		return res, err
	}
	res.Entry = rel
	if err := d.Repo.CheckIdle(); err != nil {
		return res, err
	}
	full := filepath.Join(d.Root, filepath.FromSlash(rel))
	data, err := regular.ReadFileNoFollow(full)
	if err != nil {
		return res, fmt.Errorf("read %s: %w", rel, err)
	}
	e, err := entry.Parse(rel, data, d.Config.Location, entry.IsDraft(rel))
	if err != nil {
		return res, fmt.Errorf("%w: fix it with diary edit %s, then attach again", err, rel)
	}
	when := e.Date
	if when.IsZero() {
		when = d.opts.now()
	}
	dir := path.Join(d.Config.Assets, when.In(d.Config.Location).Format("2006/01"))
	slug := slugOf(rel)

	var lines []string
	undo := func() {
		for _, p := range res.Assets {
			d.Repo.RemoveFile(p)
		}
		res.Assets = nil
	}
	for _, a := range files {
		base := filepath.Base(a.given)
		src := &cappedReader{r: a.f, name: a.given, left: attachMax}
		p, err := d.Repo.CreateNew(dir, func(n int) string { return entry.AssetName(slug, base, n) }, src)
		if err != nil {
			undo()
			return res, fmt.Errorf("copy %s into %s: %w; nothing was attached", a.given, dir, err)
		}
		res.Assets = append(res.Assets, p)
		lines = append(lines, assetLink(base, p))
	}
	if err := d.Repo.ReplaceFile(rel, appendLines(data, lines)); err != nil {
		undo()
		return res, fmt.Errorf("add the links to %s: %w; nothing was attached", rel, err)
	}
	title := e.Title
	if title == "" {
		title = path.Base(rel)
	}
	what := fmt.Sprintf("attach %d files to %q", len(files), title)
	if len(files) == 1 {
		what = fmt.Sprintf("attach 1 file to %q", title)
	}
	res.Commit, err = d.commit(ctx, append([]string{rel}, res.Assets...), what)
	if err != nil {
		return res, fmt.Errorf("%w; the files are copied and linked from %s but not committed: diary sync commits them", err, rel)
	}
	return res, nil
}

// openAttachments opens every file to attach, refusing what is not a
// regular file (a link to one is fine), cannot be read, or is over
// GitHub's limit; a file over its warning size is warned about. On an
// error, the files opened so far are returned for closing.
// given are the names as typed, for messages; names the paths to open.
func openAttachments(given, names []string, res *AttachResult) ([]attachment, error) {
	var out []attachment
	for i, name := range given {
		f, fi, err := regular.Open(names[i], true)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return out, fmt.Errorf("%s: no such file; nothing was attached", name)
		case errors.Is(err, regular.ErrNotRegular):
			return out, fmt.Errorf("%v: attach takes files; nothing was attached", err)
		case err != nil:
			return out, fmt.Errorf("%s cannot be read (%v): check its permissions; nothing was attached", name, unwrapPathError(err))
		}
		out = append(out, attachment{given: name, f: f, size: fi.Size()})
		switch {
		case fi.Size() > attachMax:
			return out, fmt.Errorf("%s is %d MB, over the 100 MB GitHub accepts in a push: make it smaller, or keep it out of the diary; nothing was attached", name, fi.Size()>>20)
		case fi.Size() > attachWarn:
			res.Warnings = append(res.Warnings, fmt.Sprintf("%s is %d MB: GitHub warns about files over 50 MB, and every laptop keeps its history", name, fi.Size()>>20))
		}
	}
	return out, nil
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// cappedReader reads r until it has given left bytes, then fails: a
// file that grows past the limit after it was checked is not copied
// whole, and not cut short either.
type cappedReader struct {
	r    io.Reader
	name string
	left int64
}

func (c *cappedReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		var one [1]byte
		if n, _ := c.r.Read(one[:]); n > 0 {
			return 0, fmt.Errorf("%s grew past 100 MB while it was copied", c.name)
		}
		return 0, io.EOF
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}

// assetLink is the Markdown line for a copy at rel: an image for the
// image extensions, a link for the rest, its URL through Jekyll's
// relative_url filter so that it works under a baseurl.
func assetLink(base, rel string) string {
	name := strings.TrimSuffix(base, filepath.Ext(base))
	name = strings.NewReplacer(`\`, `\\`, "[", `\[`, "]", `\]`, "\n", " ", "\r", " ").Replace(name)
	link := fmt.Sprintf("[%s]({{ '/%s' | relative_url }})", name, rel)
	if imageExts[strings.ToLower(strings.TrimPrefix(path.Ext(rel), "."))] {
		return "!" + link
	}
	return link
}

// appendLines adds lines at the end of an entry, a blank line between
// its text and them; every byte it had stays.
func appendLines(data []byte, lines []string) []byte {
	out := append([]byte{}, data...)
	switch {
	case len(out) == 0, strings.HasSuffix(string(out), "\n\n"):
	case out[len(out)-1] == '\n':
		out = append(out, '\n')
	default:
		out = append(out, "\n\n"...)
	}
	for _, l := range lines {
		out = append(out, l...)
		out = append(out, '\n')
	}
	return out
}
