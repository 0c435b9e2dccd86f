package schedule

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gitdiary/diary/internal/gittest"
)

// hostile is a job whose paths hold what each format must quote.
func hostile(t *testing.T) Job {
	t.Helper()
	dir := filepath.Join(t.TempDir(), `it's "my" diary $HOME 100% \ & <x>`)
	return Job{
		Exe:      exe(t),
		Repo:     dir,
		Log:      filepath.Join(dir, "state", "autosync.log"),
		Interval: 5 * time.Minute,
	}
}

// exe is an executable that exists, as systemd-analyze checks.
func exe(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("true")
	if err != nil {
		t.Skip("no true(1)")
	}
	return p
}

func TestCronSpec(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want string
	}{
		{time.Minute, "* * * * *"},
		{5 * time.Minute, "*/5 * * * *"},
		{59 * time.Minute, "*/59 * * * *"},
		{time.Hour, "0 * * * *"},
		{90 * time.Minute, "0 * * * *"},
		{3 * time.Hour, "0 */3 * * *"},
		{24 * time.Hour, "0 0 * * *"},
		{72 * time.Hour, "0 0 * * *"},
	} {
		if got := CronSpec(c.d); got != c.want {
			t.Errorf("CronSpec(%v) = %q, want %q", c.d, got, c.want)
		}
	}
}

func TestCronWithWithout(t *testing.T) {
	j := Job{Exe: "/usr/bin/diary", Repo: "/home/k/diary", Log: "/home/k/.local/state/diary/autosync.log", Interval: 5 * time.Minute}
	line := CronLine(j)
	if want := `*/5 * * * * '/usr/bin/diary' '--repo' '/home/k/diary' 'sync' '-q' '--log' '/home/k/.local/state/diary/autosync.log' # diary autosync`; line != want {
		t.Fatalf("CronLine = %q\nwant      %q", line, want)
	}
	other := "# m h dom mon dow command\nMAILTO=k@example.com\n0 3 * * * backup.sh # nightly\n"
	for _, c := range []struct {
		name, in, with, without string
	}{
		{"empty", "", line + "\n", ""},
		{"no final newline", "0 3 * * * backup.sh", "0 3 * * * backup.sh\n" + line + "\n", "0 3 * * * backup.sh\n"},
		{"others kept", other, other + line + "\n", other},
		{"replaced in place", "a\n*/9 * * * * old " + CronMarker + "\nb\n", "a\n" + line + "\nb\n", "a\nb\n"},
		{"two old ones", CronMarker + "x\n1 " + CronMarker + "\n2 " + CronMarker + "\n", CronMarker + "x\n" + line + "\n", CronMarker + "x\n"},
	} {
		if got := CronWith(c.in, line); got != c.with {
			t.Errorf("%s: CronWith = %q, want %q", c.name, got, c.with)
		}
		if got, _ := CronWithout(c.in); got != c.without {
			t.Errorf("%s: CronWithout = %q, want %q", c.name, got, c.without)
		}
		// on then off gives back what there was, without the old line.
		if got, found := CronWithout(CronWith(c.in, line)); got != c.without || !found {
			t.Errorf("%s: on then off = %q (found %v), want %q", c.name, got, found, c.without)
		}
	}
}

// TestCronLineShell: /bin/sh reads the command of the cron line back as
// the job's arguments, whatever the paths hold.
func TestCronLineShell(t *testing.T) {
	j := hostile(t)
	j.Exe = "printf"
	line := CronLine(j)
	cmd := strings.TrimPrefix(line, CronSpec(j.Interval)+" ")
	// cron turns \% into %; sh does the rest.
	cmd = strings.ReplaceAll(cmd, `\%`, "%")
	cmd = strings.Replace(cmd, "'printf'", "'printf' '%s\\n'", 1)
	out, err := exec.Command("sh", "-c", cmd).Output()
	if err != nil {
		t.Fatalf("sh -c %q: %v", cmd, err)
	}
	got := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if !reflect.DeepEqual(got, j.Args()) {
		t.Errorf("sh read %q\nwant    %q", got, j.Args())
	}
}

// TestSystemdVerify: systemd itself accepts the units, with the hostile
// paths, and without a warning.
func TestSystemdVerify(t *testing.T) {
	gittest.NeedTool(t, "systemd-analyze", "systemd")
	for _, j := range []Job{hostile(t), {Exe: exe(t), Repo: "/home/k/diary", Log: "/home/k/.local/state/diary/autosync.log", Interval: 5 * time.Minute}, {Exe: exe(t), Repo: "/d", Log: "/l", Interval: 26 * time.Hour}} {
		home := t.TempDir()
		dir := filepath.Join(home, ".config", "systemd", "user")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		svc, tmr := filepath.Join(dir, Unit+".service"), filepath.Join(dir, Unit+".timer")
		if err := os.WriteFile(svc, []byte(SystemdService(j)), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(tmr, []byte(SystemdTimer(j)), 0o644); err != nil {
			t.Fatal(err)
		}
		rt := filepath.Join(home, "run")
		if err := os.Mkdir(rt, 0o700); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("systemd-analyze", "--user", "verify", svc, tmr)
		cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "XDG_RUNTIME_DIR="+rt, "SYSTEMD_LOG_LEVEL=notice")
		var stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stderr, &stderr
		// verify exits 0 on a value it ignores: any word is a failure.
		if err := cmd.Run(); err != nil || stderr.Len() > 0 {
			t.Errorf("systemd-analyze verify: %v\n%s\n%s%s", err, stderr.String(), SystemdService(j), SystemdTimer(j))
		}
	}
}

func TestSystemdQuote(t *testing.T) {
	for in, want := range map[string]string{
		"/usr/bin/diary":   `"/usr/bin/diary"`,
		`a "b" c\d`:        `"a \"b\" c\\d"`,
		"100% $HOME":       `"100%% $$HOME"`,
		"line\nbreak\ttab": `"line\nbreak\ttab"`,
	} {
		if got := systemdQuote(in); got != want {
			t.Errorf("systemdQuote(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestLaunchdPlist: Python's plistlib, a plist parser that is not ours,
// reads the agent back with the job's label, arguments and interval.
func TestLaunchdPlist(t *testing.T) {
	gittest.NeedTool(t, "python3", "python3")
	j := hostile(t)
	home := t.TempDir()
	p := filepath.Join(home, "Library", "LaunchAgents", Label+".plist")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(LaunchdPlist(j)), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("python3", "-c", `import json, plistlib, sys
with open(sys.argv[1], "rb") as f:
    print(json.dumps(plistlib.load(f)))`, p).Output()
	if err != nil {
		t.Fatalf("plistlib: %v\n%s", err, LaunchdPlist(j))
	}
	var got struct {
		Label            string
		ProgramArguments []string
		StartInterval    int
		RunAtLoad        bool
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	if got.Label != Label || !reflect.DeepEqual(got.ProgramArguments, j.Argv()) || got.StartInterval != 300 || !got.RunAtLoad {
		t.Errorf("plist read back as %+v\nwant arguments %q", got, j.Argv())
	}
}

// TestTaskXML: the task parses as XML in the Task Scheduler namespace and
// names this binary and the job's arguments, quoted as Windows splits them.
func TestTaskXML(t *testing.T) {
	j := hostile(t)
	j.Exe = `C:\Program Files\diary\diary.exe`
	j.Repo = `C:\Users\Kim Park\My "Diary"\`
	doc := TaskXML(j)
	d := xml.NewDecoder(strings.NewReader(doc))
	// The text is UTF-8 here; the backend writes it as the UTF-16 the
	// declaration names.
	d.CharsetReader = func(label string, r io.Reader) (io.Reader, error) { return r, nil }
	var task struct {
		XMLName  xml.Name
		Interval string `xml:"Triggers>TimeTrigger>Repetition>Interval"`
		Command  string `xml:"Actions>Exec>Command"`
		Args     string `xml:"Actions>Exec>Arguments"`
	}
	if err := d.Decode(&task); err != nil {
		t.Fatalf("TaskXML does not parse: %v\n%s", err, doc)
	}
	if task.XMLName.Space != "http://schemas.microsoft.com/windows/2004/02/mit/task" || task.XMLName.Local != "Task" {
		t.Errorf("root %v", task.XMLName)
	}
	if task.Interval != "PT5M" {
		t.Errorf("interval %q", task.Interval)
	}
	if got := splitWindows(task.Command); !reflect.DeepEqual(got, []string{j.Exe}) {
		t.Errorf("command %q splits as %q", task.Command, got)
	}
	if got := splitWindows(task.Args); !reflect.DeepEqual(got, j.Args()) {
		t.Errorf("arguments %q split as %q\nwant %q", task.Args, got, j.Args())
	}
}

// splitWindows splits a command line as CommandLineToArgvW does for
// arguments (the rules windowsQuote cites), independently written here.
func splitWindows(s string) []string {
	var args []string
	var cur strings.Builder
	in, have := false, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\':
			n := 0
			for i < len(s) && s[i] == '\\' {
				n++
				i++
			}
			if i < len(s) && s[i] == '"' {
				cur.WriteString(strings.Repeat(`\`, n/2))
				if n%2 == 1 {
					cur.WriteByte('"')
				} else {
					in = !in
				}
			} else {
				cur.WriteString(strings.Repeat(`\`, n))
				i--
			}
			have = true
		case c == '"':
			in = !in
			have = true
		case (c == ' ' || c == '\t') && !in:
			if have {
				args = append(args, cur.String())
				cur.Reset()
				have = false
			}
		default:
			cur.WriteByte(c)
			have = true
		}
	}
	if have {
		args = append(args, cur.String())
	}
	return args
}
