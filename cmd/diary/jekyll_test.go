package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	neturl "net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// DESIGN.md, principle 5: Jekyll is the judge of format. This test writes
// entries with diary, run in-process, and has the real jekyll build them:
// the build must be free of warnings, and every post must land at the URL
// its file name promises, with its title and text on the page.

// The fixture of DESIGN.md, copied byte for byte, so that this test does
// not depend on ../shared.
const jekyllFixture = "testdata/jekyll/2022-04-30-personal-diary.md"

// jekyllNow is the fixed clock: 07:30 on 2 May in Seoul, still 1 May in
// UTC and on the machine's own clock (New York), so that a date taken in
// the wrong zone shows as a wrong file name and URL.
var jekyllNow = time.Date(2022, 5, 1, 22, 30, 0, 0, time.UTC)

// jekyllBad is what Jekyll's output must not say.
var jekyllBad = regexp.MustCompile(`(?i)warn|error|deprecat`)

func TestJekyllBuildsWhatDiaryWrites(t *testing.T) {
	jekyll := requireTool(t, "jekyll")
	git := requireTool(t, "git")
	fixture, err := os.ReadFile(jekyllFixture)
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	home := filepath.Join(tmp, "home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		t.Fatal(err)
	}
	env := pinnedEnv(home)
	for k, v := range map[string]string{
		// The machine's zone is not the diary's: the diary's comes from
		// its _config.yml, as it does for a diarist who travels.
		"TZ":         "America/New_York",
		"DIARY_HOST": "laptop-a",
		// No editor may open without a terminal; if one did, it fails.
		"EDITOR": "false",
		"VISUAL": "",
	} {
		env[k] = v
	}
	// repo.UserIdentity, repo.CommitTime and localZoneName read the
	// process's environment rather than System.Env, so the process gets
	// the same pinned values: this test never reads the real user's files.
	for k, v := range env {
		t.Setenv(k, v)
	}
	for _, k := range []string{"GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE", "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "DIARY_REPO"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	jt := &jekyllTest{tmp: tmp, home: home, env: env, jekyll: jekyll, git: git}

	t.Run("new diary", func(t *testing.T) { jt.newDiary(t, fixture) })
	t.Run("adopted site", func(t *testing.T) { jt.adoptedSite(t, fixture) })
	t.Run("adopted site without timezone", jt.adoptedSiteWithoutTimezone)
	t.Run("adopted site without post layout", jt.adoptedSiteWithoutPostLayout)
	t.Run("template and attachment", jt.templateAndAttachment)
	t.Run("urls", jt.urls)
}

// requireTool finds a program on PATH; without it the test is skipped,
// except on CI, where it must be there.
func requireTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not on PATH, and CI=true requires it: %v", name, err)
	}
	t.Skipf("%s is not on PATH (%v): install it to run the Jekyll acceptance test", name, err)
	return ""
}

type jekyllTest struct {
	tmp, home   string
	env         map[string]string
	jekyll, git string
}

// diary runs diary in-process in dir with the test's environment, plus
// extra, and fails the test unless it exits 0. It returns stdout.
func (jt *jekyllTest) diary(t *testing.T, dir string, extra map[string]string, args ...string) string {
	t.Helper()
	env := map[string]string{}
	for k, v := range jt.env {
		env[k] = v
	}
	for k, v := range extra {
		env[k] = v
	}
	var stdout, stderr bytes.Buffer
	sys := System{
		Stdin:  strings.NewReader(""),
		Stdout: &stdout,
		Stderr: &stderr,
		Env: func(k string) (string, bool) {
			v, ok := env[k]
			return v, ok
		},
		Now: func() time.Time { return jekyllNow },
		Dir: dir,
	}
	if code := Main(args, sys); code != 0 {
		t.Fatalf("diary %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// build runs jekyll build on the site in dir into dest, with the machine
// in zone tz, and fails the test on a non-zero exit or any warning.
func (jt *jekyllTest) build(t *testing.T, dir, dest, tz string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, jt.jekyll, "build", "--source", dir, "--destination", dest)
	cmd.Dir = dir
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + jt.home,
		"JEKYLL_ENV=production",
		"TZ=" + tz,
	}
	cmd.WaitDelay = 10 * time.Second
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("jekyll build (TZ=%s) did not finish in time: %v\n%s", tz, ctx.Err(), out)
	}
	if err != nil {
		t.Fatalf("jekyll build (TZ=%s) failed: %v\n%s", tz, err, out)
	}
	// The paths Jekyll echoes are the test's; only its own words count.
	text := strings.ReplaceAll(string(out), jt.tmp, "TMP")
	if m := jekyllBad.FindString(text); m != "" {
		t.Fatalf("jekyll build (TZ=%s) said %q:\n%s", tz, m, out)
	}
	t.Logf("jekyll build (TZ=%s):\n%s", tz, out)
}

// git runs the git CLI, as a peer would, and returns its output.
func (jt *jekyllTest) gitCLI(t *testing.T, dir string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, jt.git, args...)
	cmd.Dir = dir
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + jt.home,
		"XDG_CONFIG_HOME=" + jt.env["XDG_CONFIG_HOME"],
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=Daniel Park",
		"GIT_AUTHOR_EMAIL=daniel@example.com",
		"GIT_COMMITTER_NAME=Daniel Park",
		"GIT_COMMITTER_EMAIL=daniel@example.com",
		"GIT_AUTHOR_DATE=2022-04-30T21:30:00+09:00",
		"GIT_COMMITTER_DATE=2022-04-30T21:30:00+09:00",
		"TZ=" + jt.env["TZ"],
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// jekyllPost is one entry diary writes and what Jekyll must make of it.
type jekyllPost struct {
	args     []string // diary new's arguments after the title and body
	title    string
	body     string
	path     string   // the file diary writes, repo-relative
	date     string   // its front matter date
	url      string   // its page under the destination: the URL the user expects
	listDate string   // diary list --json date
	cats     []string // diary list --json categories
	tags     []string // diary list --json tags
}

func (jt *jekyllTest) newDiary(t *testing.T, fixture []byte) {
	dir := filepath.Join(jt.tmp, "diary")
	// The diary's zone is Seoul, given once at init: init writes it into
	// _config.yml, where Jekyll and later diary commands find it.
	jt.diary(t, jt.tmp, map[string]string{"DIARY_TIMEZONE": "Asia/Seoul"}, "init", "diary")
	config := readFile(t, filepath.Join(dir, "_config.yml"))
	if !regexp.MustCompile(`(?m)^timezone: "?Asia/Seoul"?$`).MatchString(config) {
		t.Fatalf("_config.yml of a new diary made with DIARY_TIMEZONE=Asia/Seoul has no timezone: Asia/Seoul:\n%s", config)
	}

	posts := []jekyllPost{{
		title: "오늘의 일기", body: "아침에 공원을 걸었다. 하늘이 맑았다.",
		path: "_posts/2022-05-02-오늘의-일기.md", date: "2022-05-02 07:30:00 +0900",
		url: "2022/05/02/오늘의-일기.html", listDate: "2022-05-02T07:30:00+09:00",
	}, {
		title: "A Walk in the Park", body: "The cherry trees were green already.",
		args: []string{"-t", "walk", "-t", "산책"},
		path: "_posts/2022-05-02-a-walk-in-the-park.md", date: "2022-05-02 07:30:00 +0900",
		url: "2022/05/02/a-walk-in-the-park.html", listDate: "2022-05-02T07:30:00+09:00",
		tags: []string{"walk", "산책"},
	}, {
		// Late in the evening in Seoul: in UTC it is still the same day,
		// east of Seoul it is the next; Jekyll must follow the site's zone.
		title: "Late Night in Seoul", body: "Almost midnight, and still writing.",
		args: []string{"--date", "2022-05-01 23:30"},
		path: "_posts/2022-05-01-late-night-in-seoul.md", date: "2022-05-01 23:30:00 +0900",
		url: "2022/05/01/late-night-in-seoul.html", listDate: "2022-05-01T23:30:00+09:00",
	}, {
		title: "🎉🎂", body: "Party time.",
		path: "_posts/2022-05-02-entry.md", date: "2022-05-02 07:30:00 +0900",
		url: "2022/05/02/entry.html", listDate: "2022-05-02T07:30:00+09:00",
	}, {
		title: `Re: "Quotes" & 'Colons'`, body: "Front matter must read this title back as written.",
		path: "_posts/2022-05-02-re-quotes-colons.md", date: "2022-05-02 07:30:00 +0900",
		url: "2022/05/02/re-quotes-colons.html", listDate: "2022-05-02T07:30:00+09:00",
	}}
	for _, p := range posts {
		jt.newPost(t, dir, nil, p)
	}

	// From here on, dates are written as the fixture writes them, by a
	// setting every laptop shares.
	jt.diary(t, dir, nil, "config", "set", "date_format", "2006-01-02", "--shared")
	if got := strings.TrimSpace(jt.diary(t, dir, nil, "config", "get", "date_format")); got != "2006-01-02" {
		t.Fatalf("diary config get date_format = %q after config set --shared, want 2006-01-02", got)
	}
	personal := jekyllPost{
		title: "Personal Diary", body: "Writing down my thoughts.",
		args: []string{"-c", "etc", "--date", "2022-04-30"},
		path: "_posts/2022-04-30-personal-diary.md", date: "2022-04-30",
		url: "etc/2022/04/30/personal-diary.html", listDate: "2022-04-30T00:00:00+09:00",
		cats: []string{"etc"},
	}
	jt.newPost(t, dir, nil, personal)
	posts = append(posts, personal)

	// GitHub Pages builds in UTC; a laptop far east of Seoul is where a
	// 23:30 entry would slip to the next day. Both must give the same URLs.
	site := filepath.Join(dir, "_site")
	jt.build(t, dir, site, "UTC")
	east := filepath.Join(jt.tmp, "site-kiritimati")
	jt.build(t, dir, east, "Pacific/Kiritimati")
	for _, dest := range []string{site, east} {
		for _, p := range posts {
			checkPage(t, dest, p.url, rubyEscapeHTML(p.title), "<p>"+p.body+"</p>", "<blockquote>")
		}
		checkUnpublished(t, dest)
	}
	checkList(t, jt.diary(t, dir, nil, "list", "--json"), posts)
	checkIgnored(t, jt.gitCLI(t, dir, "status", "--porcelain", "--untracked-files=all"))

	// The fixture, as a person wrote it, in place of diary's entry of
	// the same name.
	if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(personal.path)), fixture, 0o644); err != nil {
		t.Fatal(err)
	}
	jt.build(t, dir, site, "UTC")
	checkPage(t, site, personal.url, "Oh! my google!", fixtureDisclaimer(t, fixture), "<blockquote>")
	var list []jsonEntry
	if err := json.Unmarshal([]byte(jt.diary(t, dir, nil, "list", "--json")), &list); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range list {
		if e.Path != personal.path {
			continue
		}
		found = true
		if e.Title != "Personal Diary" || !strings.HasPrefix(e.Date, "2022-04-30T") || !slices.Equal(e.Categories, []string{"etc"}) {
			t.Errorf("diary list --json for the fixture: %+v, want title \"Personal Diary\", date 2022-04-30, categories [etc]", e)
		}
		if e.Date != "2022-04-30T00:00:00+09:00" {
			t.Errorf("diary list --json date of the fixture = %q, want 2022-04-30T00:00:00+09:00 (midnight in the site's zone)", e.Date)
		}
	}
	if !found {
		t.Errorf("diary list --json does not list the fixture %s", personal.path)
	}
}

// newPost runs diary new for p and checks the file it wrote.
func (jt *jekyllTest) newPost(t *testing.T, dir string, extra map[string]string, p jekyllPost) {
	t.Helper()
	args := append([]string{"new", p.title, "--body", p.body}, p.args...)
	if got := jt.diary(t, dir, extra, args...); got != p.path+"\n" {
		t.Fatalf("diary new %q printed %q, want %q", p.title, got, p.path+"\n")
	}
	content := readFile(t, filepath.Join(dir, filepath.FromSlash(p.path)))
	if !strings.Contains(content, "\ndate: "+p.date+"\n") {
		t.Errorf("%s: front matter date is not %q:\n%s", p.path, p.date, content)
	}
}

// Layouts of an existing site of its own, with no theme to install.
const (
	siteDefaultLayout = "<!DOCTYPE html>\n<html>\n<head><meta charset=\"utf-8\"><title>{{ page.title | escape }}</title></head>\n<body>\n{{ content }}\n</body>\n</html>\n"
	sitePostLayout    = "---\nlayout: default\n---\n<h1>{{ page.title | escape }}</h1>\n{{ content }}\n"
	siteIndex         = "---\nlayout: default\n---\n{% for post in site.posts %}<a href=\"{{ post.url | relative_url }}\">{{ post.title | escape }}</a>\n{% endfor %}"
)

// existingSite makes a Jekyll site of files in a new directory under
// the test's, committed with the git CLI as its owner would have.
func (jt *jekyllTest) existingSite(t *testing.T, name string, files map[string]string) string {
	t.Helper()
	dir := filepath.Join(jt.tmp, name)
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	jt.gitCLI(t, dir, "-c", "init.defaultBranch=main", "init", "-q")
	jt.gitCLI(t, dir, "add", "-A")
	jt.gitCLI(t, dir, "commit", "-q", "-m", "My diary so far")
	return dir
}

// adoptedSite: a site kept by hand as the fixture is, in Seoul, becomes a
// diary; a new entry must look like the old ones and build as they do.
func (jt *jekyllTest) adoptedSite(t *testing.T, fixture []byte) {
	disclaimer := fixtureDisclaimer(t, fixture)
	files := map[string]string{
		"_config.yml":                         "title: Old Diary\ntimezone: Asia/Seoul\n",
		"_layouts/default.html":               siteDefaultLayout,
		"_layouts/post.html":                  sitePostLayout,
		"index.html":                          siteIndex,
		"_posts/2022-04-30-personal-diary.md": string(fixture),
	}
	for _, day := range []string{"28", "29"} {
		files["_posts/2022-04-"+day+"-day-"+day+".md"] = "---\ntitle: Day " + day + "\nauthor: Daniel Park\ndate: 2022-04-" + day +
			"\ncategory: etc\nlayout: post\n---\n\n> " + disclaimer + "\n\nThe " + day + "th.\n"
	}
	dir := jt.existingSite(t, "old-site", files)

	jt.diary(t, jt.tmp, nil, "init", "old-site")
	if log := jt.gitCLI(t, dir, "log", "--format=%s"); strings.Count(log, "\n") != 2 {
		t.Errorf("after diary init, git log has not two commits:\n%s", log)
	}
	adopted := jekyllPost{
		title: "Adopted", body: "A new entry in an old diary.",
		path: "_posts/2022-05-02-adopted.md", date: "2022-05-02",
		url: "2022/05/02/adopted.html",
	}
	jt.newPost(t, dir, nil, adopted)
	content := readFile(t, filepath.Join(dir, filepath.FromSlash(adopted.path)))
	_, body, ok := strings.Cut(strings.TrimPrefix(content, "---\n"), "\n---\n")
	if !ok {
		t.Fatalf("%s has no front matter:\n%s", adopted.path, content)
	}
	if want := "\n> " + disclaimer + "\n\n" + adopted.body + "\n"; body != want {
		t.Errorf("%s: body under the front matter is\n%q\nwant the site's disclaimer, then the text:\n%q", adopted.path, body, want)
	}
	if !regexp.MustCompile(`(?m)^date: \d{4}-\d{2}-\d{2}$`).MatchString(content) {
		t.Errorf("%s: date is not date-only, as the site's posts are:\n%s", adopted.path, content)
	}

	site := filepath.Join(dir, "_site")
	jt.build(t, dir, site, "UTC")
	checkPage(t, site, adopted.url, "<h1>Adopted</h1>", disclaimer, "<p>"+adopted.body+"</p>")
	checkPage(t, site, "etc/2022/04/30/personal-diary.html", "Oh! my google!", disclaimer)
	checkPage(t, site, "etc/2022/04/28/day-28.html", "Day 28", disclaimer)
	checkPage(t, site, "etc/2022/04/29/day-29.html", "Day 29", disclaimer)
	checkUnpublished(t, site)
	checkIgnored(t, jt.gitCLI(t, dir, "status", "--porcelain", "--untracked-files=all"))
}

// adoptedSiteWithoutTimezone: a site as jekyll new makes it, with no
// timezone in _config.yml, and posts dated with a time and an offset.
// GitHub Pages builds it in UTC. The diarist's laptop is set to Seoul.
// An entry written at 07:30 in Seoul is named for 2 May, and must be
// published at 2022/05/02, not at UTC's 2022/05/01.
func (jt *jekyllTest) adoptedSiteWithoutTimezone(t *testing.T) {
	seoul := map[string]string{"DIARY_TIMEZONE": "Asia/Seoul"}
	dir := jt.existingSite(t, "site-without-timezone", map[string]string{
		"_config.yml":                  "title: Old Diary\n",
		"_layouts/default.html":        siteDefaultLayout,
		"_layouts/post.html":           sitePostLayout,
		"index.html":                   siteIndex,
		"_posts/2022-04-28-evening.md": "---\ntitle: Evening\ndate: 2022-04-28 21:00:00 +0900\nlayout: post\n---\n\nAn evening.\n",
		"_posts/2022-04-29-noon.md":    "---\ntitle: Noon\ndate: 2022-04-29 12:00:00 +0900\nlayout: post\n---\n\nA noon.\n",
	})
	jt.diary(t, jt.tmp, seoul, "init", "site-without-timezone")
	morning := jekyllPost{
		title: "Morning", body: "Coffee first.",
		path: "_posts/2022-05-02-morning.md", date: "2022-05-02 07:30:00 +0900",
		url: "2022/05/02/morning.html",
	}
	jt.newPost(t, dir, seoul, morning)
	site := filepath.Join(dir, "_site")
	jt.build(t, dir, site, "UTC")
	checkPage(t, site, "2022/04/28/evening.html", "Evening")
	checkPage(t, site, "2022/04/29/noon.html", "Noon")
	checkPage(t, site, morning.url, "<h1>Morning</h1>", "<p>"+morning.body+"</p>")
	if _, err := os.Stat(filepath.Join(site, "2022", "05", "01", "morning.html")); err == nil {
		t.Errorf("%s (date: %s) is published at 2022/05/01/morning.html: the site's _config.yml has no timezone, so Jekyll reads the date in its own zone (UTC on GitHub Pages), where it is still 1 May", morning.path, morning.date)
	}
}

// adoptedSiteWithoutPostLayout: a site whose posts all use its one
// layout, "default", and that has no "post" layout. A new entry must not
// ask for a layout the site lacks.
func (jt *jekyllTest) adoptedSiteWithoutPostLayout(t *testing.T) {
	dir := jt.existingSite(t, "site-without-post-layout", map[string]string{
		"_config.yml":                 "title: Old Diary\ntimezone: Asia/Seoul\n",
		"_layouts/default.html":       siteDefaultLayout,
		"index.html":                  siteIndex,
		"_posts/2022-04-28-first.md":  "---\ntitle: First\ndate: 2022-04-28\nlayout: default\n---\n\nThe first.\n",
		"_posts/2022-04-29-second.md": "---\ntitle: Second\ndate: 2022-04-29\nlayout: default\n---\n\nThe second.\n",
	})
	jt.diary(t, jt.tmp, nil, "init", "site-without-post-layout")
	plain := jekyllPost{
		title: "Plain", body: "Nothing special.",
		path: "_posts/2022-05-02-plain.md", date: "2022-05-02",
		url: "2022/05/02/plain.html",
	}
	jt.newPost(t, dir, nil, plain)
	site := filepath.Join(dir, "_site")
	jt.build(t, dir, site, "UTC")
	checkPage(t, site, plain.url, "<title>Plain</title>", "<p>"+plain.body+"</p>")
}

// fixtureDisclaimer is the fixture's disclaimer, one line of text.
func fixtureDisclaimer(t *testing.T, fixture []byte) string {
	t.Helper()
	for _, line := range strings.Split(string(fixture), "\n") {
		if text, ok := strings.CutPrefix(line, "> "); ok {
			return text
		}
	}
	t.Fatalf("%s has no disclaimer", jekyllFixture)
	return ""
}

// checkPage checks that Jekyll wrote the page at url under dest, and
// that it holds each of want.
func checkPage(t *testing.T, dest, url string, want ...string) {
	t.Helper()
	p := filepath.Join(dest, filepath.FromSlash(url))
	data, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		t.Errorf("Jekyll wrote no page at %s; it wrote:\n%s", url, strings.Join(htmlFiles(dest), "\n"))
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range want {
		if !strings.Contains(string(data), w) {
			t.Errorf("%s does not contain %q:\n%s", url, w, data)
		}
	}
}

// checkUnpublished checks that diary's own files stay out of the site.
func checkUnpublished(t *testing.T, dest string) {
	t.Helper()
	for _, name := range []string{".diary.yml", ".gitignore", ".git", "_conflicts", ".jekyll-cache"} {
		if _, err := os.Stat(filepath.Join(dest, name)); err == nil {
			t.Errorf("Jekyll published %s", name)
		}
	}
}

// checkIgnored checks git status --porcelain for Jekyll's output.
func checkIgnored(t *testing.T, status string) {
	t.Helper()
	for _, line := range strings.Split(status, "\n") {
		if strings.Contains(line, "_site/") || strings.Contains(line, ".jekyll-cache/") {
			t.Errorf("git sees Jekyll's output, which .gitignore should keep out: %q", line)
		}
	}
}

// checkList checks diary list --json against the posts written.
func checkList(t *testing.T, out string, posts []jekyllPost) {
	t.Helper()
	var list []jsonEntry
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatalf("diary list --json: %v\n%s", err, out)
	}
	byPath := map[string]jsonEntry{}
	for _, e := range list {
		byPath[e.Path] = e
	}
	for _, p := range posts {
		e, ok := byPath[p.path]
		if !ok {
			t.Errorf("diary list --json does not list %s:\n%s", p.path, out)
			continue
		}
		if e.Title != p.title || e.Date != p.listDate || !slices.Equal(e.Categories, nonNil(p.cats)) || !slices.Equal(e.Tags, nonNil(p.tags)) || e.Draft {
			t.Errorf("diary list --json: %+v\nwant title %q, date %s, categories %q, tags %q", e, p.title, p.listDate, p.cats, p.tags)
		}
	}
}

// htmlFiles lists the pages under dest, for failure messages.
func htmlFiles(dest string) []string {
	var out []string
	filepath.WalkDir(dest, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".html") {
			rel, _ := filepath.Rel(dest, p)
			out = append(out, "  "+filepath.ToSlash(rel))
		}
		return nil
	})
	return out
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// rubyEscapeHTML is Liquid's escape filter (Ruby's CGI.escapeHTML), which
// the layouts apply to titles.
var rubyEscapeHTML = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#39;").Replace

// urls: for each built-in permalink style and two custom templates, on a
// diary made with diary init with a url and a baseurl, diary url names
// exactly the file jekyll build wrote for each post: Korean titles,
// categories with spaces and Hangul, a post's own permalink and slug.
func (jt *jekyllTest) urls(t *testing.T) {
	dir := filepath.Join(jt.tmp, "url-diary")
	jt.diary(t, jt.tmp, map[string]string{"DIARY_TIMEZONE": "Asia/Seoul"}, "init", "url-diary")
	base := readFile(t, filepath.Join(dir, "_config.yml"))
	var paths []string
	for _, p := range [][]string{
		{"오늘의 일기", "-c", "일기"},
		{"Late Night", "--date", "2022-05-01 23:30", "-c", "My Diary", "-c", "work"},
		{"Personal Diary", "--date", "2022-04-30", "-c", "etc"},
		{"No Category (1)!"},
	} {
		out := jt.diary(t, dir, nil, append([]string{"new", p[0], "--body", "Text."}, p[1:]...)...)
		paths = append(paths, strings.TrimSpace(out))
	}
	own := "_posts/2022-04-29-own.md"
	if err := os.WriteFile(filepath.Join(dir, own), []byte("---\ntitle: Own\nslug: 내 글\npermalink: /pages/:title/\n---\nText.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	paths = append(paths, own)

	const url, baseurl = "https://me.example.org", "/diary"
	for _, style := range []string{"date", "pretty", "ordinal", "weekdate", "none",
		"/:categories/:year/:i_month/:title", "/:slugified_categories/:short_year/:long_month/:long_day/:slug/"} {
		config := base + "url: " + url + "\nbaseurl: " + baseurl + "\npermalink: " + style + "\n"
		if err := os.WriteFile(filepath.Join(dir, "_config.yml"), []byte(config), 0o644); err != nil {
			t.Fatal(err)
		}
		dest := filepath.Join(jt.tmp, "url-site")
		if err := os.RemoveAll(dest); err != nil {
			t.Fatal(err)
		}
		jt.build(t, dir, dest, "UTC")
		for _, p := range paths {
			got := strings.TrimSpace(jt.diary(t, dir, nil, "url", p))
			rest, ok := strings.CutPrefix(got, url+baseurl+"/")
			if !ok {
				t.Errorf("permalink %s: diary url %s = %q, not under %s", style, p, got, url+baseurl)
				continue
			}
			file, err := neturl.PathUnescape(rest)
			if err != nil {
				t.Errorf("permalink %s: diary url %s = %q: %v", style, p, got, err)
				continue
			}
			// Jekyll's Document#destination: a URL ending in "/" is a
			// folder's index.html, any other is the file, or the file
			// with .html added when the URL has no extension.
			cands := []string{file}
			if strings.HasSuffix(file, "/") || file == "" {
				cands = []string{file + "index.html"}
			} else if filepath.Ext(file) == "" {
				cands = []string{file + ".html"}
			}
			if fi, err := os.Stat(filepath.Join(dest, filepath.FromSlash(cands[0]))); err != nil || !fi.Mode().IsRegular() {
				t.Errorf("permalink %s: diary url %s = %q, but jekyll build wrote no %s", style, p, got, cands[0])
			}
		}
	}
}
