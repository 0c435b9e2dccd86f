package e2e

import (
	"bytes"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gitdiary/diary/internal/gittest"
	"github.com/gitdiary/diary/internal/servers"
)

// bin is the diary binary the tests run, built by TestMain.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "diary-e2e-")
	if err != nil {
		panic(err)
	}
	bin = filepath.Join(dir, "diary")
	if out, err := exec.Command("go", "build", "-o", bin, "../../cmd/diary").CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		panic("go build: " + err.Error() + "\n" + string(out))
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// link is a remote served by git daemon through a proxy, and the
// environment laptops run diary in.
type link struct {
	t     *testing.T
	proxy *servers.CutProxy
	bare  string
	url   string
}

func newLink(t *testing.T) *link {
	gittest.NeedGit(t)
	root := t.TempDir()
	bare := gittest.Seeded(t, filepath.Join(root, "diary.git"))
	d := servers.StartDaemon(t, root)
	proxy := servers.StartCutProxy(t, strings.TrimPrefix(d.Base, "git://"))
	return &link{t: t, proxy: proxy, bare: bare, url: "git://" + proxy.Addr + "/diary.git"}
}

// laptop is one machine's home, with diary's settings in its environment.
type laptop struct {
	t   *testing.T
	env []string
	dir string
}

func (l *link) laptop(name string, settings ...string) *laptop {
	home := l.t.TempDir()
	dir := filepath.Join(home, "diary")
	env := gittest.Env(home)
	env = append(env, "DIARY_HOST="+name, "DIARY_REPO="+dir, "TZ=UTC")
	env = append(env, settings...)
	lp := &laptop{t: l.t, env: env, dir: dir}
	lp.diary(0, "clone", l.url, dir)
	return lp
}

// diary runs diary on the laptop and requires exit code want.
func (lp *laptop) diary(want int, args ...string) string {
	lp.t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = lp.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		lp.t.Fatal(err)
	}
	if code != want {
		lp.t.Fatalf("diary %s: exit %d, want %d\n%s", strings.Join(args, " "), code, want, out.String())
	}
	return out.String()
}

// random is n bytes that do not compress, the same for one seed.
func random(seed uint64, n int) string {
	r := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return string(b)
}

// TestTenMegabytesOverSlowLink is DESIGN.md's bound (Speed: "diary sync
// of a 10 MB change over a 100 KB/s link finishes; timeout counts
// stalls, not transfer time"), as issue 15 asks for it: with timeout 5s,
// a sync that pushes 10 MB and one that fetches them over a link that
// passes 100 KB/s both finish (about 100 s each), and over a link that
// stops passing bytes a sync exits 3 after about 5 s, saying it stalled.
func TestTenMegabytesOverSlowLink(t *testing.T) {
	if testing.Short() {
		t.Skip("moves 20 MB at 100 KB/s")
	}
	const size = 10 << 20
	l := newLink(t)
	a := l.laptop("a", "DIARY_TIMEOUT=5s")
	b := l.laptop("b", "DIARY_TIMEOUT=5s")
	l.proxy.Throttle(100 << 10)

	gittest.Write(t, a.dir, "assets/img/ten-megabytes.jpg", random(1, size))
	start := time.Now()
	out := a.diary(0, "sync")
	push := time.Since(start)
	if !strings.Contains(out, "pushed to origin/main") {
		t.Fatalf("sync of 10 MB over 100 KB/s:\n%s", out)
	}
	if push < 50*time.Second {
		t.Errorf("10 MB pushed in %v over a 100 KB/s link: the link is not that slow", push)
	}

	start = time.Now()
	out = b.diary(0, "sync")
	fetch := time.Since(start)
	if !strings.Contains(out, "received 1 change") {
		t.Fatalf("sync fetching 10 MB over 100 KB/s:\n%s", out)
	}
	if got := gittest.Read(t, b.dir, "assets/img/ten-megabytes.jpg"); got != random(1, size) {
		t.Fatalf("laptop b's copy of the 10 MB file differs (%d bytes)", len(got))
	}
	t.Logf("10 MB at 100 KB/s with timeout 5s: push %v, fetch %v", push.Round(time.Second), fetch.Round(time.Second))

	// The link goes dead, the connection kept open.
	l.proxy.Throttle(0)
	l.proxy.Stall(true)
	gittest.Write(t, a.dir, "_posts/2022-04-30-on-the-train.md", gittest.Post("On the train", "no signal\n"))
	start = time.Now()
	out = a.diary(3, "sync")
	took := time.Since(start)
	if took < 5*time.Second || took > 15*time.Second {
		t.Errorf("sync over a stalled link gave up after %v, want about 5 s", took)
	}
	if !strings.Contains(out, "stalled: no data moved for 5s") {
		t.Errorf("sync over a stalled link does not say it stalled:\n%s", out)
	}
	l.proxy.Drop()
	l.proxy.Stall(false)
	a.diary(0, "sync")
	gittest.Fsck(t, l.bare)
}

// progressLine is one drawing of the progress line.
var progressLine = regexp.MustCompile(`\r(fetch|push): (\d+ objects, )?\d+(\.\d)? [KMG]?B, \d+(\.\d)? [KMG]?B/s`)

// TestProgressUnderPseudoTerminal runs diary sync under a real
// pseudo-terminal (util-linux's script, which Debian always has): the
// progress line is drawn on it; the same sync with stderr a pipe draws
// none.
func TestProgressUnderPseudoTerminal(t *testing.T) {
	script, err := exec.LookPath("script")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("script(1) is missing: it is in Debian's bsdutils")
		}
		t.Skip("script(1) is missing")
	}
	l := newLink(t)
	a := l.laptop("a")
	l.proxy.Throttle(100 << 10)
	peer := func(name string, seed uint64) {
		dir := t.TempDir()
		gittest.Git(t, dir, "clone", "-q", l.bare, ".")
		gittest.Write(t, dir, "assets/img/"+name, random(seed, 300<<10))
		gittest.Git(t, dir, "add", "-A")
		gittest.Git(t, dir, "commit", "-q", "-m", name)
		gittest.Git(t, dir, "push", "-q", "origin", "HEAD:main")
	}

	peer("one.jpg", 2)
	cmd := exec.Command(script, "-qfec", bin+" sync", "/dev/null")
	cmd.Env = a.env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("diary sync under script: %v\n%q", err, out)
	}
	if n := len(progressLine.FindAll(out, -1)); n < 3 {
		t.Errorf("under a pseudo-terminal, %d progress drawings in a fetch of 3 s:\n%q", n, out)
	}
	if !bytes.Contains(out, []byte("received 1 change")) {
		t.Errorf("sync under a pseudo-terminal:\n%q", out)
	}

	peer("two.jpg", 3)
	piped := a.diary(0, "sync")
	if progressLine.MatchString(piped) || strings.Contains(piped, "\r") {
		t.Errorf("with stderr a pipe, progress was drawn:\n%q", piped)
	}
	if !strings.Contains(piped, "received 1 change") {
		t.Errorf("sync on a pipe:\n%s", piped)
	}
}
