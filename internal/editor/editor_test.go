package editor

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestProgram(t *testing.T) {
	for _, tt := range []struct{ cmdline, want string }{
		{"vi", "vi"},
		{"code --wait", "code"},
		{"/usr/bin/nano -w", "/usr/bin/nano"},
		{"./bin/ed", ""},
		{`"/Applications/My Editor" -w`, ""},
		{"EDITOR_MODE=1 vim", ""},
		{"$HOME/bin/ed", ""},
		{"vim; rm x", ""},
		{"", ""},
	} {
		if got := program(tt.cmdline); got != tt.want {
			t.Errorf("program(%q) = %q, want %q", tt.cmdline, got, tt.want)
		}
	}
}

// TestNotInstalled: a missing editor is named, with the two ways to set
// one, whether diary sees it missing or the shell does (status 127).
func TestNotInstalled(t *testing.T) {
	for _, cmdline := range []string{"no-such-editor-here", `"no-such-editor-here" -w`} {
		err := (&Editor{Command: cmdline}).Edit(context.Background(), "/dev/null")
		if !errors.Is(err, ErrFailed) || !strings.Contains(err.Error(), "is not installed") || !strings.Contains(err.Error(), "diary config set editor") || !strings.Contains(err.Error(), "$EDITOR") {
			t.Errorf("%s: %v", cmdline, err)
		}
	}
}
