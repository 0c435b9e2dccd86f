package scratch

import "testing"

func TestEditor(t *testing.T) {
	for name, want := range map[string]bool{
		".2022-04-30-a.md.swp": true, ".a.md.swo": true, ".a.md.swx": true, "4913": true,
		"a.md~": true, ".#a.md": true, "#a.md#": true,
		"a.md": false, ".hidden.md": false, "notes.swp.md": false, "a.swp": false,
		".swp": false, "#": false, "#tag": false, "49130": false, "~a": false, "": false,
	} {
		if got := Editor(name); got != want {
			t.Errorf("Editor(%q) = %v, want %v", name, got, want)
		}
	}
}
