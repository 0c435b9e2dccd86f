package main

import "testing"

func TestHomeText(t *testing.T) {
	g := &globals{sys: System{Env: func(k string) (string, bool) {
		if k == "HOME" {
			return "/home/ann", true
		}
		return "", false
	}}}
	for _, tt := range []struct{ in, want string }{
		{"no diary at /home/ann/diary (from the default)", "no diary at ~/diary (from the default)"},
		{"/home/ann/diary: broken", "~/diary: broken"},
		{"in /home/ann", "in ~"},
		{"(see /home/ann/.local/state/diary/autosync.log)", "(see ~/.local/state/diary/autosync.log)"},
		{`quoted "/home/ann/x" stays`, `quoted "/home/ann/x" stays`},
		{"/home/anna/x is another's", "/home/anna/x is another's"},
		{"/srv/home/ann/x is not home", "/srv/home/ann/x is not home"},
		{"twice: /home/ann/a and /home/ann/b", "twice: ~/a and ~/b"},
		{"", ""},
	} {
		if got := homeText(g, tt.in); got != tt.want {
			t.Errorf("homeText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
