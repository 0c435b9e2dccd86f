package repo_test

import (
	"crypto/rand"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gitdiary/diary/internal/gittest"
	"github.com/gitdiary/diary/internal/servers"
	"github.com/gitdiary/diary/repo"
)

// cutSetup is a bare repository served over one transport, through a
// proxy that can cut the connection.
type cutSetup struct {
	bare  string
	url   string // through the proxy
	proxy *servers.CutProxy
	net   repo.NetOptions
}

func cutDaemon(t testing.TB) cutSetup {
	root := t.TempDir()
	bare := seed(t, root, "diary.git")
	d := servers.StartDaemon(t, root)
	u, _ := url.Parse(d.Base)
	p := servers.StartCutProxy(t, u.Host)
	return cutSetup{bare: bare, url: "git://" + p.Addr + "/diary.git", proxy: p}
}

func cutHTTP(t *testing.T) cutSetup {
	root := t.TempDir()
	bare := seed(t, root, "diary.git")
	h := servers.StartHTTP(t, root, servers.HTTPOptions{})
	u, _ := url.Parse(h.Base)
	p := servers.StartCutProxy(t, u.Host)
	return cutSetup{bare: bare, url: "http://" + p.Addr + "/diary.git", proxy: p}
}

func cutSSH(t *testing.T) cutSetup {
	s := newSSH(t, servers.SSHDOptions{})
	p := servers.StartCutProxy(t, s.sshd.Addr())
	_, port, _ := strings.Cut(p.Addr, ":")
	// The proxy's port is the one known_hosts names.
	s.home.write(".ssh/known_hosts", strings.ReplaceAll(s.sshd.KnownHosts(), fmt.Sprintf("]:%d ", s.sshd.Port), "]:"+port+" "))
	u := fmt.Sprintf("ssh://%s@%s%s", s.sshd.User, p.Addr, s.bare)
	return cutSetup{bare: s.bare, url: u, proxy: p, net: repo.NetOptions{Auth: s.home.auth(u)}}
}

// transports are the network transports, each through a proxy.
var transports = []struct {
	name  string
	setup func(*testing.T) cutSetup
}{{"git", func(t *testing.T) cutSetup { return cutDaemon(t) }}, {"http", cutHTTP}, {"ssh", cutSSH}}

// peerPush has a git CLI laptop push a commit of a file of n random
// bytes to the bare repository.
func peerPush(t testing.TB, bare, name string, n int) {
	t.Helper()
	peer := t.TempDir()
	gittest.Git(t, peer, "clone", "-q", bare, ".")
	commitFile(t, peer, name, n)
	gittest.Git(t, peer, "push", "-q", "origin", "main")
}

// commitFile has the git CLI commit a file of n random bytes (a photo,
// which does not compress) in dir.
func commitFile(t testing.TB, dir, name string, n int) {
	t.Helper()
	b := make([]byte, n)
	rand.Read(b)
	gittest.Write(t, dir, name, string(b))
	gittest.Git(t, dir, "add", "-A")
	gittest.Git(t, dir, "commit", "-q", "-m", "add "+name)
}

// The connection cut in the middle of a fetch or a push, over git://,
// HTTP and SSH, at several points (the ref advertisement, the
// negotiation, the pack), closed or reset: the error is ErrUnreachable
// (a sync exits 3: the network failed, not the data), no ref moves, both
// repositories pass git fsck --strict, and once the network is back the
// same step works.
func TestCutConnection(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			s := tr.setup(t)
			r, err := repo.Clone(stepCtx(t), s.url, filepath.Join(t.TempDir(), "a"), s.net)
			if err != nil {
				t.Fatal(err)
			}
			peerPush(t, s.bare, "assets/img/peer.jpg", 256<<10)

			cuts := []int64{60, 600, 6000, 120 << 10}
			before, _, _ := r.RemoteBranch("origin", "main")
			for i, n := range cuts {
				s.proxy.Cut(n, -1, i%2 == 1)
				_, err := r.Fetch(stepCtx(t), "origin", "main", s.net)
				if !errors.Is(err, repo.ErrUnreachable) {
					t.Errorf("fetch cut after %d bytes (reset %v): %v, want %v", n, i%2 == 1, err, repo.ErrUnreachable)
				}
				if after, _, _ := r.RemoteBranch("origin", "main"); after != before {
					t.Fatalf("origin/main moved to %s in a fetch cut after %d bytes", after, n)
				}
			}
			gittest.Fsck(t, r.Root())
			s.proxy.Cut(-1, -1, false)
			if _, err := r.Fetch(stepCtx(t), "origin", "main", s.net); err != nil {
				t.Fatalf("fetch once the network is back: %v", err)
			}

			gittest.Git(t, r.Root(), "merge", "-q", "--ff-only", "origin/main")
			commitFile(t, r.Root(), "assets/img/mine.jpg", 256<<10)
			remoteBefore := strings.TrimSpace(gittest.Git(t, s.bare, "rev-parse", "main"))
			for i, n := range cuts {
				s.proxy.Cut(-1, n, i%2 == 1)
				err := r.Push(stepCtx(t), "origin", "main", s.net)
				if !errors.Is(err, repo.ErrUnreachable) {
					t.Errorf("push cut after %d bytes (reset %v): %v, want %v", n, i%2 == 1, err, repo.ErrUnreachable)
				}
				if now := strings.TrimSpace(gittest.Git(t, s.bare, "rev-parse", "main")); now != remoteBefore {
					t.Fatalf("the remote's main moved to %s in a push cut after %d bytes", now, n)
				}
			}
			gittest.Fsck(t, s.bare)
			s.proxy.Cut(-1, -1, false)
			if err := r.Push(stepCtx(t), "origin", "main", s.net); err != nil {
				t.Fatalf("push once the network is back: %v", err)
			}
			gittest.Fsck(t, s.bare)
			if s.proxy.Cuts() < int64(2*len(cuts)) {
				t.Errorf("the network was cut %d times, want at least %d", s.proxy.Cuts(), 2*len(cuts))
			}
		})
	}
}
