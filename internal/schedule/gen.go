// Package schedule installs, removes and reports the per-user scheduled
// `diary sync` that `diary autosync` manages: a systemd user timer, a
// crontab line, a launchd agent or a Task Scheduler task. The generators
// in this file do no I/O, so that each format is table-tested; the
// backends that install what they write are in backend*.go.
package schedule

import (
	"encoding/xml"
	"fmt"
	"strings"
	"time"
)

// Names of what autosync installs, one per platform.
const (
	// Unit is the systemd user unit name, without .service or .timer.
	Unit = "diary-sync"
	// Label is the launchd agent's label and the Task Scheduler task's
	// name: reverse-DNS of the module's home, as launchd.plist(5) asks.
	Label = "io.github.gitdiary.diary.sync"
	// CronMarker ends the one crontab line autosync owns: a shell
	// comment, so cron runs the line unchanged, and `off` removes the
	// lines that end with it and nothing else.
	CronMarker = "# diary autosync"
)

// Job is the scheduled command: Exe --repo Repo sync -q --log Log, every
// Interval.
type Job struct {
	Exe      string // absolute path of the diary binary
	Repo     string // absolute path of the diary
	Log      string // absolute path of the log the sync appends to
	Interval time.Duration
}

// Args are the arguments after Exe.
func (j Job) Args() []string {
	return []string{"--repo", j.Repo, "sync", "-q", "--log", j.Log}
}

// Argv is Exe followed by Args.
func (j Job) Argv() []string {
	return append([]string{j.Exe}, j.Args()...)
}

// seconds is the interval in whole seconds, at least one.
func (j Job) seconds() int64 {
	s := int64(j.Interval / time.Second)
	if s < 1 {
		s = 1
	}
	return s
}

// SystemdService is ~/.config/systemd/user/diary-sync.service: one sync,
// run by the timer. Each argument is quoted as systemd.service(5)
// "Command lines" says: double quotes with C escapes, and "%" and "$"
// doubled so that neither specifiers nor variables are expanded.
func SystemdService(j Job) string {
	var b strings.Builder
	b.WriteString("[Unit]\n")
	fmt.Fprintf(&b, "Description=diary sync of %s\n", systemdEscape(j.Repo))
	b.WriteString("Documentation=https://github.com/gitdiary/diary\n\n")
	b.WriteString("[Service]\nType=oneshot\n")
	// The sync writes its own log (rotated); what escapes before the log
	// is open goes to the journal.
	quoted := make([]string, 0, len(j.Argv()))
	for _, a := range j.Argv() {
		quoted = append(quoted, systemdQuote(a))
	}
	fmt.Fprintf(&b, "ExecStart=%s\n", strings.Join(quoted, " "))
	return b.String()
}

// SystemdTimer is ~/.config/systemd/user/diary-sync.timer: a minute after
// the user manager starts, then every interval after the last run ended
// (systemd.timer(5) OnBootSec/OnUnitInactiveSec), so that a slow sync is
// never started twice.
func SystemdTimer(j Job) string {
	var b strings.Builder
	b.WriteString("[Unit]\n")
	fmt.Fprintf(&b, "Description=diary sync every %s\n", j.Interval)
	b.WriteString("Documentation=https://github.com/gitdiary/diary\n\n")
	b.WriteString("[Timer]\nOnStartupSec=1min\n")
	fmt.Fprintf(&b, "OnUnitInactiveSec=%ds\n", j.seconds())
	// Let systemd batch the wake-up with others within a tenth of the
	// interval: a laptop's battery matters more than the minute.
	acc := j.seconds() / 10
	if acc < 1 {
		acc = 1
	}
	fmt.Fprintf(&b, "AccuracySec=%ds\n", acc)
	fmt.Fprintf(&b, "Unit=%s.service\n\n", Unit)
	b.WriteString("[Install]\nWantedBy=timers.target\n")
	return b.String()
}

func systemdEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, "\n", `\n`, "%", "%%", "$", "$$")
	return r.Replace(s)
}

func systemdQuote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\t", `\t`, "%", "%%", "$", "$$")
	return `"` + r.Replace(s) + `"`
}

// CronSpec is the five time fields for the interval (crontab(5)): every
// n minutes under an hour ("*/n", which restarts at each full hour, so
// that 7m runs at :00, :07, … :56), every n hours under a day, else daily.
// cron cannot say "every 90 minutes": such an interval is rounded down to
// whole hours, and the interval is never under one minute.
func CronSpec(d time.Duration) string {
	m := int(d / time.Minute)
	switch {
	case m <= 1:
		return "* * * * *"
	case m < 60:
		return fmt.Sprintf("*/%d * * * *", m)
	case m < 120:
		return "0 * * * *"
	case m < 24*60:
		return fmt.Sprintf("0 */%d * * *", m/60)
	}
	return "0 0 * * *"
}

// CronLine is the crontab line: the schedule, the command quoted for
// /bin/sh, and the marker. "%" is escaped, since cron turns a bare one
// into a newline (crontab(5)).
func CronLine(j Job) string {
	quoted := make([]string, 0, len(j.Argv()))
	for _, a := range j.Argv() {
		quoted = append(quoted, shellQuote(a))
	}
	cmd := strings.ReplaceAll(strings.Join(quoted, " "), "%", `\%`)
	return CronSpec(j.Interval) + " " + cmd + " " + CronMarker
}

// shellQuote quotes s for a POSIX shell: in single quotes, each single
// quote in s ending the quotes, written as \', and starting them again.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// isCronLine says whether a crontab line is the one autosync owns.
func isCronLine(line string) bool {
	return strings.HasSuffix(strings.TrimRight(line, " \t\r"), " "+CronMarker)
}

// CronWith is crontab with line as autosync's line: a line autosync wrote
// before is replaced in place, otherwise line is added at the end. Every
// other line is kept as it was.
func CronWith(crontab, line string) string {
	lines := splitCron(crontab)
	out := make([]string, 0, len(lines)+1)
	done := false
	for _, l := range lines {
		if isCronLine(l) {
			if !done {
				out = append(out, line)
				done = true
			}
			continue
		}
		out = append(out, l)
	}
	if !done {
		out = append(out, line)
	}
	return strings.Join(out, "\n") + "\n"
}

// CronWithout is crontab without autosync's line, and whether there was
// one. Every other line is kept as it was.
func CronWithout(crontab string) (string, bool) {
	lines := splitCron(crontab)
	out := make([]string, 0, len(lines))
	found := false
	for _, l := range lines {
		if isCronLine(l) {
			found = true
			continue
		}
		out = append(out, l)
	}
	if len(out) == 0 {
		return "", found
	}
	return strings.Join(out, "\n") + "\n", found
}

// CronFind is autosync's line in crontab, "" when there is none.
func CronFind(crontab string) string {
	for _, l := range splitCron(crontab) {
		if isCronLine(l) {
			return l
		}
	}
	return ""
}

// splitCron splits a crontab into lines; a missing final newline adds no
// empty line (cron needs one after the last line, and CronWith adds it).
func splitCron(s string) []string {
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// LaunchdPlist is ~/Library/LaunchAgents/<Label>.plist: the job run at
// load and every interval (launchd.plist(5) StartInterval), as a
// background process. launchd runs ProgramArguments without a shell, so
// the arguments need no quoting, only XML escaping.
func LaunchdPlist(j Job) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
`)
	fmt.Fprintf(&b, "\t<key>Label</key>\n\t<string>%s</string>\n", xmlText(Label))
	b.WriteString("\t<key>ProgramArguments</key>\n\t<array>\n")
	for _, a := range j.Argv() {
		fmt.Fprintf(&b, "\t\t<string>%s</string>\n", xmlText(a))
	}
	b.WriteString("\t</array>\n")
	fmt.Fprintf(&b, "\t<key>StartInterval</key>\n\t<integer>%d</integer>\n", j.seconds())
	b.WriteString("\t<key>RunAtLoad</key>\n\t<true/>\n")
	b.WriteString("\t<key>ProcessType</key>\n\t<string>Background</string>\n")
	b.WriteString("</dict>\n</plist>\n")
	return b.String()
}

func xmlText(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s)) // a strings.Builder does not fail
	return b.String()
}

// TaskXML is the Task Scheduler task (schema
// http://schemas.microsoft.com/windows/2004/02/mit/task, version 1.2):
// a time trigger repeated every interval indefinitely, started late when
// the computer was off (StartWhenAvailable), never two at once
// (IgnoreNew), on battery too. schtasks /Create /XML reads it as UTF-16,
// which the declaration says; the Windows backend writes it so.
func TaskXML(j Job) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo>
`)
	fmt.Fprintf(&b, "    <Description>%s</Description>\n", xmlText("diary sync of "+j.Repo))
	b.WriteString(`  </RegistrationInfo>
  <Triggers>
    <TimeTrigger>
      <StartBoundary>2000-01-01T00:00:00</StartBoundary>
      <Repetition>
`)
	fmt.Fprintf(&b, "        <Interval>PT%dM</Interval>\n", max(int64(1), j.seconds()/60))
	b.WriteString(`        <StopAtDurationEnd>false</StopAtDurationEnd>
      </Repetition>
      <Enabled>true</Enabled>
    </TimeTrigger>
  </Triggers>
  <Principals>
    <Principal id="Author">
      <LogonType>InteractiveToken</LogonType>
      <RunLevel>LeastPrivilege</RunLevel>
    </Principal>
  </Principals>
  <Settings>
    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>
    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>
    <StartWhenAvailable>true</StartWhenAvailable>
    <ExecutionTimeLimit>PT1H</ExecutionTimeLimit>
    <Hidden>true</Hidden>
    <Enabled>true</Enabled>
  </Settings>
  <Actions Context="Author">
    <Exec>
`)
	args := make([]string, 0, len(j.Args()))
	for _, a := range j.Args() {
		args = append(args, windowsQuote(a))
	}
	fmt.Fprintf(&b, "      <Command>%s</Command>\n", xmlText(windowsQuote(j.Exe)))
	fmt.Fprintf(&b, "      <Arguments>%s</Arguments>\n", xmlText(strings.Join(args, " ")))
	b.WriteString(`    </Exec>
  </Actions>
</Task>
`)
	return b.String()
}

// windowsQuote quotes one argument so that CommandLineToArgvW and the Go
// runtime read it back unchanged ("Parsing C command-line arguments",
// Microsoft Learn): quotes around it when it holds a space, a tab or a
// quote; a quote escaped with a backslash, and the backslashes before a
// quote (or before the closing quote) doubled.
func windowsQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\"") {
		return s
	}
	var b strings.Builder
	b.WriteByte('"')
	slashes := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\\':
			slashes++
		case '"':
			b.WriteString(strings.Repeat(`\`, slashes+1))
			slashes = 0
		default:
			slashes = 0
		}
		b.WriteByte(c)
	}
	b.WriteString(strings.Repeat(`\`, slashes))
	b.WriteByte('"')
	return b.String()
}
