package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// TestNewKeepsTitlesAsTyped: DESIGN.md, Entry files: "Titles are kept as
// typed (NFC), never silently re-spaced." Each title goes through diary
// new as a user types it, and Ruby's Psych, the YAML parser Jekyll reads
// front matter with, must read back exactly the typed title, in NFC.
func TestNewKeepsTitlesAsTyped(t *testing.T) {
	jt, ruby, dir := psychDiary(t)
	typed := []string{
		"\tTabbed\ttitle ", "  two leading spaces", "trailing spaces  ", "개인\u3000일기",
		"\u3000전각 공백으로 시작", "끝에 전각 공백\u3000", "a\u00a0b", "' quoted '", " - a dash",
		"tab\tand: colon", "e\u0301 becomes NFC", "한\u1100\u1161 jamo", "a  b   c",
	}
	var files []string
	for _, title := range typed {
		out := jt.diary(t, dir, nil, "new", title, "--no-edit", "--body", "x")
		files = append(files, filepath.Join(dir, strings.TrimSpace(out)))
	}
	const script = `
require "json"; require "yaml"; require "date"
ARGV.each do |f|
  fm = File.read(f, encoding: "utf-8")[/\A---\s*\n(.*?)^---\s*$/m, 1]
  puts JSON.generate(YAML.safe_load(fm, permitted_classes: [Date, Time])["title"])
end`
	out, err := exec.Command(ruby, append([]string{"-e", script}, files...)...).Output()
	if err != nil {
		t.Fatalf("ruby: %v", err)
	}
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(lines) != len(typed) {
		t.Fatalf("ruby read %d titles of %d:\n%s", len(lines), len(typed), out)
	}
	for i, title := range typed {
		var got string
		if err := json.Unmarshal([]byte(lines[i]), &got); err != nil {
			t.Fatalf("%s: %v", lines[i], err)
		}
		if want := norm.NFC.String(title); got != want {
			data, _ := os.ReadFile(files[i])
			t.Errorf("typed %q; Psych reads the title as %q from\n%s", want, got, data)
		}
	}
}

// psychDiary makes a diary in Seoul's zone with the pinned environment,
// for tests that read what diary new writes with Ruby's Psych; it
// returns the test, ruby's path and the diary's folder.
func psychDiary(t *testing.T) (*jekyllTest, string, string) {
	t.Helper()
	ruby := requireTool(t, "ruby")
	requireTool(t, "git")
	tmp := t.TempDir()
	home := filepath.Join(tmp, "home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		t.Fatal(err)
	}
	env := pinnedEnv(home)
	env["DIARY_HOST"] = "laptop-a"
	env["DIARY_TIMEZONE"] = "Asia/Seoul"
	for k, v := range env {
		t.Setenv(k, v)
	}
	for _, k := range []string{"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "DIARY_REPO"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	jt := &jekyllTest{tmp: tmp, home: home, env: env}
	jt.diary(t, tmp, nil, "init", "diary")
	dir := filepath.Join(tmp, "diary")

	return jt, ruby, dir
}
