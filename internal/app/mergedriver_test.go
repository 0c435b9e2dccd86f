package app

import (
	"strings"
	"testing"
)

// TestDriverCommand: what .git/config gets as the driver, which git runs
// through sh with the placeholders of gitattributes(5).
func TestDriverCommand(t *testing.T) {
	cmd := driverCommand()
	if !strings.HasSuffix(cmd, " merge-file --path %P -L HEAD -L base -L theirs %A %O %B") {
		t.Errorf("driver %q", cmd)
	}
	for in, want := range map[string]string{
		"/usr/local/bin/diary":       "/usr/local/bin/diary",
		"/home/me/go/bin/diary":      "/home/me/go/bin/diary",
		"/Users/me/My Tools/diary":   "'/Users/me/My Tools/diary'",
		"/opt/it's/diary":            `'/opt/it'\''s/diary'`,
		`C:\Program Files\diary.exe`: `'C:\Program Files\diary.exe'`,
		"/tmp/$(touch pwned)/diary":  "'/tmp/$(touch pwned)/diary'",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}
