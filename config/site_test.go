package config

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestReadSiteLastKeyWins: a key given twice takes its last value, as
// Ruby's Psych (and so Jekyll) takes it, for every key diary reads.
func TestReadSiteLastKeyWins(t *testing.T) {
	dir := t.TempDir()
	text := "timezone: Europe/Paris\nfuture: true\nexclude: [_posts]\ntimezone: ' Asia/Seoul '\nfuture: false\nexclude: [vendor/]\n"
	if err := os.WriteFile(filepath.Join(dir, "_config.yml"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	site, err := ReadSite(dir)
	if err != nil {
		t.Fatal(err)
	}
	if site.Timezone != "Asia/Seoul" || site.Future || !slices.Equal(site.Exclude, []string{"vendor/"}) {
		t.Errorf("ReadSite = %+v, want the last of each key", site)
	}
}

// TestReadSiteFiles: _config.yaml when there is no .yml, nothing and no
// error for a site with neither.
func TestReadSiteFiles(t *testing.T) {
	dir := t.TempDir()
	if site, err := ReadSite(dir); err != nil || site.File != "" {
		t.Fatalf("ReadSite of a site without settings = %+v, %v", site, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "_config.yaml"), []byte("timezone: Asia/Seoul\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if site, err := ReadSite(dir); err != nil || site.Timezone != "Asia/Seoul" || filepath.Base(site.File) != "_config.yaml" {
		t.Fatalf("ReadSite with _config.yaml = %+v, %v", site, err)
	}
}
