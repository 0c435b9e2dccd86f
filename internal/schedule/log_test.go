package schedule

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestOpenLogRotates: a log that reached LogLimit moves to .1 (replacing
// the older one) and a new one starts; a smaller one is appended to.
func TestOpenLogRotates(t *testing.T) {
	p := filepath.Join(t.TempDir(), "state", "diary", LogName)
	write := func(s string) {
		t.Helper()
		f, err := OpenLog(p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.WriteString(s); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	write("one\n")
	write("two\n")
	if got, _ := os.ReadFile(p); string(got) != "one\ntwo\n" {
		t.Fatalf("log = %q", got)
	}
	if err := os.WriteFile(p+".1", []byte("oldest\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	big := bytes.Repeat([]byte("x"), LogLimit)
	if err := os.WriteFile(p, big, 0o600); err != nil {
		t.Fatal(err)
	}
	write("three\n")
	if got, _ := os.ReadFile(p); string(got) != "three\n" {
		t.Errorf("after rotation the log = %q", got)
	}
	if got, _ := os.ReadFile(p + ".1"); !bytes.Equal(got, big) {
		t.Errorf("the full log was not kept as .1 (%d bytes)", len(got))
	}
}

func TestResultRoundTrip(t *testing.T) {
	p := filepath.Join(t.TempDir(), ResultName)
	if r, err := ReadResult(p); r != nil || err != nil {
		t.Fatalf("no result yet: %v, %v", r, err)
	}
	want := Result{Repo: "/d", Started: time.Unix(1, 0).UTC(), Ended: time.Unix(2, 0).UTC(), Exit: 4, Reason: "kept conflict copies"}
	if err := WriteResult(p, want); err != nil {
		t.Fatal(err)
	}
	got, err := ReadResult(p)
	if err != nil || got.Repo != want.Repo || !got.Ended.Equal(want.Ended) || got.Exit != 4 || got.Reason != want.Reason || got.OK() {
		t.Fatalf("read back %+v, %v", got, err)
	}
	if (&Result{Held: []string{"_posts/x.md: bad date"}}).OK() {
		t.Error("a post held back is not OK")
	}
	if err := os.WriteFile(p, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadResult(p); err == nil {
		t.Error("a broken result file reads without error")
	}
}

func TestPickPinned(t *testing.T) {
	env := Env(func(k string) (string, bool) {
		m := map[string]string{"HOME": "/home/k", "XDG_CONFIG_HOME": "/cfg"}
		v, ok := m[k]
		return v, ok
	})
	for pin, want := range map[string]string{Systemd: Systemd, Cron: Cron, Launchd: Launchd, Schtasks: Schtasks} {
		s, err := Pick(t.Context(), env, "linux", pin)
		if err != nil || s.Name() != want {
			t.Errorf("Pick(%q) = %v, %v", pin, s, err)
		}
	}
	if s, _ := Pick(t.Context(), env, "darwin", ""); s.Name() != Launchd {
		t.Errorf("darwin: %s", s.Name())
	}
	if s, _ := Pick(t.Context(), env, "windows", ""); s.Name() != Schtasks {
		t.Errorf("windows: %s", s.Name())
	}
	if s, _ := Pick(t.Context(), env, "linux", Systemd); s.(*systemd).dir != "/cfg/systemd/user" {
		t.Errorf("systemd dir %s", s.(*systemd).dir)
	}
	if _, err := Pick(t.Context(), env, "linux", "at"); err == nil {
		t.Error("an unknown scheduler is accepted")
	}
	if got := StateDir(env); got != "/home/k/.local/state/diary" {
		t.Errorf("StateDir = %s", got)
	}
}

func TestTimerNext(t *testing.T) {
	for in, want := range map[string]string{
		"Wed 2026-12-02 18:05:00 KST 4min 1s left Wed 2026-12-02 18:00:02 KST 57s ago diary-sync.timer diary-sync.service\n": "Wed 2026-12-02 18:05:00 KST",
		"n/a n/a n/a n/a diary-sync.timer diary-sync.service\n":                                                              "",
		"": "",
	} {
		if got := timerNext(in); got != want {
			t.Errorf("timerNext(%q) = %q, want %q", in, got, want)
		}
	}
}
