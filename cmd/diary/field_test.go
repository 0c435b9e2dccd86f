package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestNewFieldsReadByPsych: every value diary new writes for -f KEY=VALUE
// and for a template's keys reads back, with Ruby's Psych (Jekyll's YAML
// parser), as the value typed: YAML's type where the text is one, the
// text itself otherwise.
func TestNewFieldsReadByPsych(t *testing.T) {
	jt, ruby, dir := psychDiary(t)
	if err := os.MkdirAll(filepath.Join(dir, "_templates"), 0o755); err != nil {
		t.Fatal(err)
	}
	tmpl := "---\nsummary: \"{{ title }}: it's \\\"{{ author }}\\\"\"\ntsummary: \"{{ title }}: it's \\\"{{ author }}\\\"\"\nbare: {{ title }}\ntlist:\n  - 'yes'\n  - no\n  - 0x1F\nnested:\n  k: :sym\n---\nbody\n"
	if err := os.WriteFile(filepath.Join(dir, "_templates", "t.md"), []byte(tmpl), 0o644); err != nil {
		t.Fatal(err)
	}
	fields := map[string]any{
		"bool": true, "int": 1.0, "float": 1.5, "day": "2022-05-01", "list": []any{"a", 2.0, false},
		"word": "yes please", "colon": "a: b", "hash": "it's #1", "space": " padded ",
		"symbol": ":sym", "hex": "0x1F", "sexa": "1:20", "empty": "", "korean": "맑음 ☀️",
		"quote": `"yes"`, "flowmap": map[string]any{"a": 1.0, "b": "c d"},
		"summary": "override wins", "og:image": "/a.png", "yes": 1.0,
	}
	texts := map[string]string{
		"bool": "true", "int": "1", "float": "1.5", "day": "2022-05-01", "list": "[a, 2, false]",
		"word": "yes please", "colon": "a: b", "hash": "it's #1", "space": " padded ",
		"symbol": ":sym", "hex": "0x1F", "sexa": "1:20", "empty": "", "korean": "맑음 ☀️",
		"quote": `"yes"`, "flowmap": "{a: 1, b: c d}", "summary": "override wins",
		"og:image": "/a.png", "yes": "1",
	}
	args := []string{"new", "It's: 오늘", "--no-edit", "--template", "t"}
	for k, v := range texts {
		args = append(args, "-f", k+"="+v)
	}
	out := jt.diary(t, dir, nil, args...)
	file := filepath.Join(dir, strings.TrimSpace(out))
	const script = `
require "json"; require "yaml"; require "date"
fm = File.read(ARGV[0], encoding: "utf-8")[/\A---\s*\n(.*?)^---\s*$/m, 1]
puts JSON.generate(YAML.safe_load(fm, permitted_classes: [Date, Time]))`
	js, err := exec.Command(ruby, "-e", script, file).Output()
	if err != nil {
		data, _ := os.ReadFile(file)
		t.Fatalf("ruby: %v\n%s", err, data)
	}
	var got map[string]any
	if err := json.Unmarshal(js, &got); err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	want := map[string]any{
		"bare": "It's: 오늘", "tlist": []any{"yes", false, "0x1F"},
		"tsummary": "It's: 오늘: it's \"Daniel Park\"",
		"nested":   map[string]any{"k": ":sym"},
	}
	for k, v := range fields {
		want[k] = v
	}
	data, _ := os.ReadFile(file)
	for k, w := range want {
		if !reflect.DeepEqual(got[k], w) {
			t.Errorf("%s: Psych reads %#v, want %#v, from\n%s", k, got[k], w, data)
		}
	}
	if got["title"] != "It's: 오늘" || got["author"] != "Daniel Park" {
		t.Errorf("title, author = %v, %v", got["title"], got["author"])
	}
}
