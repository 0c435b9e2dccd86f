package app

import (
	"strings"
	"testing"
)

// TestDateStyle: the date layouts real blogs write, each given back as
// the Go layout that writes it again exactly.
func TestDateStyle(t *testing.T) {
	for text, want := range map[string]string{
		"2022-04-30":                 "2006-01-02",
		"2019-08-08 14:10:00 +0800":  "2006-01-02 15:04:05 -0700",
		"2022-04-30 21:30:00 +09:00": "2006-01-02 15:04:05 -07:00",
		"2004-06-01T09:00:00Z":       "2006-01-02T15:04:05Z07:00",
		"2004-06-01T09:00:00+09:00":  "2006-01-02T15:04:05Z07:00",
		"2022-04-30 21:30":           "2006-01-02 15:04",
		"2022-04-30 21:30:00":        "2006-01-02 15:04:05",
		"2022-4-30":                  "",
		"":                           "",
	} {
		if got := dateStyle(text); got != want {
			t.Errorf("dateStyle(%q) = %q, want %q", text, got, want)
		}
	}
}

// TestLearnedString: init says what it learned, and "no KEY" for a value
// learned empty, never "KEY: " with nothing after it.
func TestLearnedString(t *testing.T) {
	for l, want := range map[Learned]string{
		{"disclaimer", "", "its posts"}:                  "no disclaimer",
		{"layout", "", "_config.yml defaults"}:           "no layout",
		{"ext", "markdown", "its posts"}:                 "ext: markdown",
		{"disclaimer", "a\nb", "its posts"}:              `disclaimer: a\nb`,
		{"author", strings.Repeat("가", 50), "its posts"}: "author: " + strings.Repeat("가", 40) + " …",
	} {
		if got := l.String(); got != want {
			t.Errorf("%+v.String() = %q, want %q", l, got, want)
		}
	}
}
