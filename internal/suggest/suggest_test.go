package suggest

import "testing"

func TestNearest(t *testing.T) {
	flags := []string{"date", "draft", "category", "tag", "no-edit", "no-commit", "body", "stdin"}
	for _, tt := range []struct{ word, want string }{
		{"dat", "date"},
		{"daet", "date"},
		{"drat", "draft"},
		{"catgory", "category"},
		{"noedit", "no-edit"},
		{"frobnicate", ""},
		{"x", ""},
		{"", ""},
		{"date", "date"},
	} {
		if got := Nearest(tt.word, flags); got != tt.want {
			t.Errorf("Nearest(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
}

func TestDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		d    int
	}{
		{"", "", 0}, {"a", "", 1}, {"", "abc", 3}, {"kitten", "sitting", 3},
		{"날짜", "날자", 1}, {"flaw", "lawn", 2},
	} {
		if got := Distance(tt.a, tt.b); got != tt.d {
			t.Errorf("Distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.d)
		}
		if got := Distance(tt.b, tt.a); got != tt.d {
			t.Errorf("Distance(%q, %q) = %d, want %d", tt.b, tt.a, got, tt.d)
		}
	}
}
