package main

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// templateAndAttachment: an entry made from a template with keys of its
// own and Liquid in its body, with -f values, and an attached image, in
// a site under a baseurl: real Jekyll builds it without a warning, the
// template's Liquid is Jekyll's to fill, and the image's link names the
// file Jekyll copied, under the baseurl.
func (jt *jekyllTest) templateAndAttachment(t *testing.T) {
	dir := filepath.Join(jt.tmp, "attach-diary")
	jt.diary(t, jt.tmp, map[string]string{"DIARY_TIMEZONE": "Asia/Seoul"}, "init", "attach-diary")
	cfg := filepath.Join(dir, "_config.yml")
	f, err := os.OpenFile(cfg, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("baseurl: /my-diary\n"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	tmpl := "---\ntitle: {{ title }}\nsummary: \"{{ title }}, by {{ author }}\"\ncomments: false\nplaces:\n  - 제주\n  - Seongsan\n---\n" +
		"Summary: {{ page.summary }}. Places: {{ page.places | join: \" / \" }}. Rating: {{ page.rating | plus: 1 }}.\n"
	if err := os.MkdirAll(filepath.Join(dir, "_templates"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "_templates", "trip.md"), []byte(tmpl), 0o644); err != nil {
		t.Fatal(err)
	}
	jt.gitCLI(t, dir, "add", "_config.yml", "_templates")
	jt.gitCLI(t, dir, "commit", "-q", "-m", "baseurl and a template")
	out := jt.diary(t, dir, nil, "new", "제주: 첫날", "--template", "trip", "-f", "rating=4", "-f", "comments=true")
	if out != "_posts/2022-05-02-제주-첫날.md\n" {
		t.Fatalf("diary new printed %q", out)
	}
	var img bytes.Buffer
	m := image.NewRGBA(image.Rect(0, 0, 2, 2))
	m.Set(0, 0, color.RGBA{R: 255, A: 255})
	if err := png.Encode(&img, m); err != nil {
		t.Fatal(err)
	}
	photo := filepath.Join(jt.tmp, "Sea View.PNG")
	if err := os.WriteFile(photo, img.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out = jt.diary(t, dir, nil, "attach", "제주-첫날", photo)
	// The name is ASCII (entry.AssetName): the Hangul slug drops out.
	asset := "assets/img/2022/05/sea-view.png"
	if out != asset+"\n" {
		t.Fatalf("diary attach printed %q, want %q", out, asset+"\n")
	}
	if st := jt.gitCLI(t, dir, "status", "--porcelain"); st != "" {
		t.Errorf("git status after attach:\n%s", st)
	}

	site := filepath.Join(jt.tmp, "attach-site")
	jt.build(t, dir, site, "UTC")
	copied, err := os.ReadFile(filepath.Join(site, filepath.FromSlash(asset)))
	if err != nil || !bytes.Equal(copied, img.Bytes()) {
		t.Fatalf("Jekyll did not copy the attached image to %s: %v", asset, err)
	}
	checkPage(t, site, "2022/05/02/제주-첫날.html",
		`src="/my-diary/`+asset+`"`, `alt="Sea View"`,
		"Summary: 제주: 첫날, by Daniel Park.", "Places: 제주 / Seongsan.", "Rating: 5.")
	page, _ := os.ReadFile(filepath.Join(site, "2022/05/02/제주-첫날.html"))
	if strings.Contains(string(page), "{{") {
		t.Errorf("the page holds Liquid Jekyll did not fill:\n%s", page)
	}
}
