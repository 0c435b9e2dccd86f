package main

import (
	"fmt"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gitdiary/diary/internal/gittest"
	"github.com/gitdiary/diary/internal/servers"
)

// slowWorld is a diary cloned from a remote served over git:// or HTTP
// through a proxy that can throttle or stall the link.
type slowWorld struct {
	*diskWorld
	proxy *servers.CutProxy
	dir   string // the laptop's diary
}

func newSlowWorld(t *testing.T, transport string) *slowWorld {
	root := t.TempDir()
	w := newDiskWorld(t, filepath.Join(root, "diary.git"))
	var host, scheme string
	switch transport {
	case "git":
		d := servers.StartDaemon(t, root)
		host, scheme = strings.TrimPrefix(d.Base, "git://"), "git"
	case "http":
		h := servers.StartHTTP(t, root, servers.HTTPOptions{})
		u, _ := url.Parse(h.Base)
		host, scheme = u.Host, "http"
	}
	proxy := servers.StartCutProxy(t, host)
	s := &slowWorld{diskWorld: w, proxy: proxy, dir: filepath.Join(t.TempDir(), "diary")}
	w.env["DIARY_REPO"] = s.dir
	w.diary(0, "clone", scheme+"://"+proxy.Addr+"/diary.git", s.dir)
	return s
}

// Over a 100 KB/s link with timeout 3s, a sync that fetches 500 KB and
// one that pushes 500 KB (about 5 s each) finish: the timeout counts
// stalls, not transfer time (DESIGN.md, Speed).
func TestSlowLinkSyncFinishes(t *testing.T) {
	for _, tr := range []string{"git", "http"} {
		t.Run(tr, func(t *testing.T) {
			w := newSlowWorld(t, tr)
			w.env["DIARY_TIMEOUT"] = "3s"
			w.peerPush(map[string]string{"assets/img/peer.jpg": randomFile(500 << 10)})
			w.proxy.Throttle(100 << 10)
			start := time.Now()
			out := w.diary(exitOK, "sync")
			if took := time.Since(start); took < 4*time.Second {
				t.Errorf("the fetch of 500 KB at 100 KB/s took %v: the link is not that slow", took)
			}
			if !strings.Contains(out, "received 1 change") {
				t.Errorf("sync over a slow link:\n%s", out)
			}
			gittest.Write(t, w.dir, "assets/img/mine.jpg", randomFile(500<<10))
			start = time.Now()
			if out := w.diary(exitOK, "sync"); !strings.Contains(out, "pushed to origin/main") {
				t.Errorf("sync over a slow link:\n%s", out)
			}
			if took := time.Since(start); took < 4*time.Second {
				t.Errorf("the push of 500 KB at 100 KB/s took %v: the link is not that slow", took)
			}
			if got, want := rev(t, w.remote, "main"), rev(t, w.dir, "main"); got != want {
				t.Errorf("the remote's main is %s, want %s", got, want)
			}
			gittest.Fsck(t, w.remote)
		})
	}
}

// A link that stops passing bytes, the connection left open: sync gives
// up after about the timeout, exits 3 (offline: committed here, not
// pushed), says that nothing moved and how to give it longer; and syncs
// once the link moves again.
func TestStalledLinkSyncExitsOffline(t *testing.T) {
	for _, tr := range []string{"git", "http"} {
		t.Run(tr, func(t *testing.T) {
			w := newSlowWorld(t, tr)
			w.env["DIARY_TIMEOUT"] = "1s"
			w.diary(0, "new", "Mine", "--body", "written on the train", "-q")
			w.proxy.Stall(true)
			start := time.Now()
			out := w.diary(exitOffline, "sync")
			if took := time.Since(start); took < time.Second || took > 5*time.Second {
				t.Errorf("sync over a stalled link gave up after %v, want about 1s", took)
			}
			for _, want := range []string{"offline", "stalled: no data moved for 1s", "diary config set timeout"} {
				if !strings.Contains(out, want) {
					t.Errorf("sync over a stalled link does not say %q:\n%s", want, out)
				}
			}
			w.proxy.Drop()
			w.proxy.Stall(false)
			if out := w.diary(exitOK, "sync"); !strings.Contains(out, "pushed to origin/main") {
				t.Errorf("sync once the link moves again:\n%s", out)
			}
		})
	}
}

// On a terminal, a sync and a clone that take seconds draw their
// progress on stderr in one line that redraws, with the bytes and the
// rate; on a pipe, or with -q, nothing of it.
func TestProgressOnTerminalOnly(t *testing.T) {
	w := newSlowWorld(t, "git")
	w.proxy.Throttle(100 << 10)
	n := 0
	sync := func(tty bool, args ...string) string {
		t.Helper()
		n++
		w.peerPush(map[string]string{fmt.Sprintf("assets/img/peer-%d.jpg", n): randomFile(200 << 10)})
		code, out := runTTY(t, tty, w.env, w.env["HOME"], append([]string{"sync"}, args...)...)
		if code != exitOK {
			t.Fatalf("sync: exit %d\n%s", code, out)
		}
		return out
	}
	out := sync(true)
	line := regexpProgress.FindAllString(out, -1)
	if len(line) < 3 {
		t.Fatalf("on a terminal, %d progress lines drawn in a fetch of seconds:\n%q", len(line), out)
	}
	if !strings.Contains(out, ", done.\x1b[K\n") {
		t.Errorf("the progress line does not end with a newline once done:\n%q", out)
	}
	if !strings.Contains(out, " objects, ") {
		t.Errorf("the progress line does not count objects:\n%q", out)
	}
	for _, args := range [][]string{nil, {"-q"}} {
		tty := args != nil
		if out := sync(tty, args...); strings.Contains(out, "\r") || strings.Contains(out, "KB/s") {
			t.Errorf("sync %v (terminal %v) drew progress:\n%q", args, tty, out)
		}
	}
	w.proxy.Throttle(400 << 10)
	code, out := runTTY(t, true, w.env, w.env["HOME"], "clone", "git://"+w.proxy.Addr+"/diary.git", filepath.Join(t.TempDir(), "b"))
	if code != exitOK || len(regexpProgress.FindAllString(out, -1)) < 3 {
		t.Errorf("clone on a terminal: exit %d, progress not drawn:\n%q", code, out)
	}
}

// regexpProgress is one drawing of the progress line.
var regexpProgress = regexp.MustCompile(`\r(fetch|push): (\d+ objects, )?\d+(\.\d)? [KMG]?B, \d+(\.\d)? [KMG]?B/s`)
