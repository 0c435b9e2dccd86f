package repo_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"github.com/gitdiary/diary/internal/gittest"
	"github.com/gitdiary/diary/internal/servers"
	"github.com/gitdiary/diary/repo"
)

// A laptop's home: ~/.ssh, ~/.git-credentials, and the environment
// diary sees there (nothing of the test process's own).
type home struct {
	t   testing.TB
	dir string
	env map[string]string
}

func newHome(t testing.TB) *home {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, ".ssh"), 0o700); err != nil {
		t.Fatal(err)
	}
	return &home{t: t, dir: dir, env: map[string]string{"HOME": dir, "USER": "diary-test"}}
}

func (h *home) lookup(k string) (string, bool) {
	v, ok := h.env[k]
	return v, ok
}

func (h *home) opts() repo.AuthOptions {
	return repo.AuthOptions{Env: h.lookup, Home: h.dir}
}

func (h *home) write(rel, content string) {
	h.t.Helper()
	p := filepath.Join(h.dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		h.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		h.t.Fatal(err)
	}
}

func (h *home) auth(url string) *repo.Credentials {
	h.t.Helper()
	a, err := repo.Auth(url, h.opts())
	if err != nil {
		h.t.Fatalf("Auth(%s): %v", url, err)
	}
	return a
}

// seed makes root/name a bare repository with one post on main.
func seed(t testing.TB, root, name string) string {
	t.Helper()
	gittest.NeedGit(t)
	bare := gittest.Bare(t, filepath.Join(root, name))
	wt := t.TempDir()
	gittest.Git(t, wt, "init", "-q", "-b", "main")
	gittest.Write(t, wt, "_posts/2022-04-30-first.md", gittest.Post("First", "hello\n"))
	gittest.Git(t, wt, "add", "-A")
	gittest.Git(t, wt, "commit", "-q", "-m", "first")
	gittest.Git(t, wt, "push", "-q", bare, "main")
	return bare
}

// stepCtx bounds one network step, as the timeout setting does; generous,
// for a busy machine running the race detector.
func stepCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

var author = repo.Signature{Name: "Daniel Park", Email: "daniel@example.com", When: time.Date(2022, 5, 1, 9, 0, 0, 0, time.UTC)}

// roundTrip clones urlA and urlB (two URLs of the same repository, or
// the same one twice), pushes a new post from the first clone and fetches
// it into the second; the bare repository at bare must end with it.
func roundTrip(t *testing.T, urlA, urlB, bare string, netA, netB repo.NetOptions) {
	t.Helper()
	a, err := repo.Clone(stepCtx(t), urlA, filepath.Join(t.TempDir(), "a"), netA)
	if err != nil {
		t.Fatalf("clone %s: %v", urlA, err)
	}
	b, err := repo.Clone(stepCtx(t), urlB, filepath.Join(t.TempDir(), "b"), netB)
	if err != nil {
		t.Fatalf("clone %s: %v", urlB, err)
	}
	gittest.Write(t, a.Root(), "_posts/2022-05-01-second.md", gittest.Post("Second", "from laptop A\n"))
	h, err := a.Commit(stepCtx(t), repo.CommitOptions{Paths: []string{"_posts/2022-05-01-second.md"}, Message: "add second", Author: author})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Push(stepCtx(t), "origin", "main", netA); err != nil {
		t.Fatalf("push to %s: %v", urlA, err)
	}
	if got := strings.TrimSpace(gittest.Git(t, bare, "rev-parse", "main")); got != h {
		t.Fatalf("the remote's main is %s after the push, want %s", got, h)
	}
	found, err := b.Fetch(stepCtx(t), "origin", "main", netB)
	if err != nil || !found {
		t.Fatalf("fetch from %s: found=%v, %v", urlB, found, err)
	}
	got, ok, err := b.RemoteBranch("origin", "main")
	if err != nil || !ok || got.String() != h {
		t.Fatalf("origin/main after the fetch: %v %v %v, want %s", got, ok, err, h)
	}
}

// sshSetup is an sshd that lets in the laptop's key, and a laptop that
// knows its host key.
type sshSetup struct {
	sshd *servers.SSHD
	home *home
	key  *servers.Key
	bare string
	url  string
}

func newSSH(t *testing.T, o servers.SSHDOptions) *sshSetup {
	t.Helper()
	key := servers.NewKey(t, "ed25519", "laptop")
	if o.AuthorizedKeys == nil {
		o.AuthorizedKeys = []*servers.Key{key}
	}
	sshd := servers.StartSSHD(t, o)
	root := t.TempDir()
	bare := seed(t, root, "diary.git")
	h := newHome(t)
	key.Write(t, filepath.Join(h.dir, ".ssh", "id_ed25519"), "")
	h.write(".ssh/known_hosts", sshd.KnownHosts())
	return &sshSetup{sshd: sshd, home: h, key: key, bare: bare, url: sshd.URL(bare)}
}

func TestSSHCloneFetchPush(t *testing.T) {
	s := newSSH(t, servers.SSHDOptions{})
	// Laptop B reaches the server through an alias of ~/.ssh/config,
	// with a key of its own, by an scp-like URL.
	other := servers.NewKey(t, "ecdsa", "laptop B")
	s2 := servers.StartSSHD(t, servers.SSHDOptions{AuthorizedKeys: []*servers.Key{s.key, other}})
	hb := newHome(t)
	other.Write(t, filepath.Join(hb.dir, ".ssh", "diary_key"), "")
	hb.write(".ssh/known_hosts", s2.KnownHosts())
	hb.write(".ssh/config", fmt.Sprintf("Host diary-server\n  HostName %s\n  Port %d\n  User %s\n  IdentityFile ~/.ssh/diary_key\n\nHost *\n  IdentityFile ~/.ssh/nothing_here\n", s2.Host, s2.Port, s2.User))
	// Both sshds serve the same files: B talks to the second.
	urlB := "diary-server:" + s.bare
	roundTrip(t, s.url, urlB, s.bare, repo.NetOptions{Auth: s.home.auth(s.url)}, repo.NetOptions{Auth: hb.auth(urlB)})
}

// known_hosts holds only the server's RSA key, and a stale RSA key before
// it; the server prefers its ECDSA and Ed25519 keys. diary must ask for
// the RSA key and accept the second line, where x/crypto's knownhosts
// keeps only the first key of a type.
func TestSSHNegotiatesAKnownHostKeyType(t *testing.T) {
	rsaKey := servers.NewKey(t, "rsa", "sshd host rsa")
	s := newSSH(t, servers.SSHDOptions{HostKeys: []*servers.Key{
		servers.NewKey(t, "ecdsa", "sshd host ecdsa"), servers.NewKey(t, "ed25519", "sshd host"), rsaKey,
	}})
	stale := servers.NewKey(t, "rsa", "stale rsa")
	name := fmt.Sprintf("[%s]:%d", s.sshd.Host, s.sshd.Port)
	s.home.write(".ssh/known_hosts", fmt.Sprintf("# comment\n%s %s%s,other.example %s", name, stale.AuthorizedKey(), name, rsaKey.AuthorizedKey()))
	roundTrip(t, s.url, s.url, s.bare, repo.NetOptions{Auth: s.home.auth(s.url)}, repo.NetOptions{Auth: s.home.auth(s.url)})
}

func TestSSHWrongKeyIsRefused(t *testing.T) {
	s := newSSH(t, servers.SSHDOptions{AuthorizedKeys: []*servers.Key{servers.NewKey(t, "ed25519", "someone else")}})
	_, err := repo.Clone(stepCtx(t), s.url, filepath.Join(t.TempDir(), "a"), repo.NetOptions{Auth: s.home.auth(s.url)})
	if !errors.Is(err, repo.ErrAuth) {
		t.Fatalf("clone with a key the server does not know: %v, want ErrAuth", err)
	}
	if !strings.Contains(err.Error(), "refused") {
		t.Errorf("the error does not say the key was refused: %v", err)
	}
}

func TestSSHUnknownHostIsRefusedWithTheFix(t *testing.T) {
	s := newSSH(t, servers.SSHDOptions{})
	s.home.write(".ssh/known_hosts", "")
	dir := filepath.Join(t.TempDir(), "a")
	_, err := repo.Clone(stepCtx(t), s.url, dir, repo.NetOptions{Auth: s.home.auth(s.url)})
	if err == nil {
		t.Fatal("clone from an unknown host succeeded")
	}
	msg := err.Error()
	fp := ssh.FingerprintSHA256(s.sshd.HostKeys[0].Public)
	fix := fmt.Sprintf("ssh-keyscan -t ed25519 -p %d 127.0.0.1 >> ~/.ssh/known_hosts", s.sshd.Port)
	for _, want := range []string{"not in known_hosts", fp, fix} {
		if !strings.Contains(msg, want) {
			t.Errorf("the error does not say %q:\n%s", want, msg)
		}
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the refused clone left %s behind", dir)
	}
	// The command the error gives trusts the key, and then the clone works.
	keyscan, err := exec.LookPath("ssh-keyscan")
	if err != nil {
		t.Log("ssh-keyscan is not installed: not running the fix")
		return
	}
	cmd := exec.Command("sh", "-c", fix)
	cmd.Env = []string{"HOME=" + s.home.dir, "PATH=" + filepath.Dir(keyscan)}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", fix, err, out)
	}
	if _, err := repo.Clone(stepCtx(t), s.url, dir, repo.NetOptions{Auth: s.home.auth(s.url)}); err != nil {
		t.Fatalf("clone after running the fix: %v", err)
	}
}

func TestSSHChangedHostKeyIsRefused(t *testing.T) {
	s := newSSH(t, servers.SSHDOptions{})
	name := fmt.Sprintf("[%s]:%d", s.sshd.Host, s.sshd.Port)
	offered := ssh.FingerprintSHA256(s.sshd.HostKeys[0].Public)
	for _, tc := range []struct {
		name string
		old  *servers.Key
	}{
		{"same type", servers.NewKey(t, "ed25519", "old host key")},
		// The server no longer has a key of the type known_hosts has.
		{"other type", servers.NewKey(t, "ecdsa", "old host key")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s.home.write(".ssh/known_hosts", name+" "+tc.old.AuthorizedKey())
			_, err := repo.Clone(stepCtx(t), s.url, filepath.Join(t.TempDir(), "a"), repo.NetOptions{Auth: s.home.auth(s.url)})
			if err == nil {
				t.Fatal("clone from a host whose key changed succeeded")
			}
			msg := err.Error()
			for _, want := range []string{"HAS CHANGED", "man-in-the-middle", offered, "~/.ssh/known_hosts:1", "ssh-keygen -R '" + name + "'"} {
				if !strings.Contains(msg, want) {
					t.Errorf("the error does not say %q:\n%s", want, msg)
				}
			}
		})
	}
}

func TestSSHEncryptedKey(t *testing.T) {
	s := newSSH(t, servers.SSHDOptions{})
	const pass = "correct horse battery staple"
	s.key.Write(t, filepath.Join(s.home.dir, ".ssh", "id_ed25519"), pass)

	t.Run("no terminal, no DIARY_SSH_PASSPHRASE", func(t *testing.T) {
		start := time.Now()
		_, err := repo.Auth(s.url, s.home.opts())
		if d := time.Since(start); d > time.Second {
			t.Errorf("Auth took %v", d)
		}
		if !errors.Is(err, repo.ErrAuth) {
			t.Fatalf("Auth: %v, want ErrAuth", err)
		}
		for _, want := range []string{"~/.ssh/id_ed25519", "encrypted", "DIARY_SSH_PASSPHRASE", "ssh-add"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("the error does not say %q: %v", want, err)
			}
		}
		// Nor does a network step given no credentials wait for anyone.
		t.Setenv("HOME", s.home.dir)
		t.Setenv("SSH_AUTH_SOCK", "")
		t.Setenv("DIARY_SSH_PASSPHRASE", "")
		start = time.Now()
		_, err = repo.Clone(stepCtx(t), s.url, filepath.Join(t.TempDir(), "a"), repo.NetOptions{})
		if d := time.Since(start); d > time.Second {
			t.Errorf("clone took %v", d)
		}
		if !errors.Is(err, repo.ErrAuth) {
			t.Errorf("clone without credentials: %v, want ErrAuth", err)
		}
	})
	t.Run("DIARY_SSH_PASSPHRASE", func(t *testing.T) {
		h := *s.home
		h.env = map[string]string{"HOME": h.dir, "DIARY_SSH_PASSPHRASE": pass}
		// One method for both laptops: each unlocking costs a bcrypt
		// key derivation, slow under the race detector.
		net := repo.NetOptions{Auth: h.auth(s.url)}
		roundTrip(t, s.url, s.url, s.bare, net, net)
	})
	t.Run("wrong DIARY_SSH_PASSPHRASE", func(t *testing.T) {
		h := *s.home
		h.env = map[string]string{"HOME": h.dir, "DIARY_SSH_PASSPHRASE": "not it"}
		_, err := repo.Clone(stepCtx(t), s.url, filepath.Join(t.TempDir(), "a"), repo.NetOptions{Auth: h.auth(s.url)})
		if !errors.Is(err, repo.ErrAuth) {
			t.Errorf("clone with a wrong passphrase: %v, want ErrAuth", err)
		}
	})
	t.Run("asked once at the terminal", func(t *testing.T) {
		var asked []string
		o := s.home.opts()
		o.Interactive = true
		o.Passphrase = func(prompt string) (string, error) {
			asked = append(asked, prompt)
			if len(asked) == 1 {
				return "a typo", nil
			}
			return pass, nil
		}
		a, err := repo.Auth(s.url, o)
		if err != nil {
			t.Fatal(err)
		}
		if len(asked) != 0 {
			t.Errorf("Auth asked for the passphrase before any server wanted the key")
		}
		net := repo.NetOptions{Auth: a}
		roundTrip(t, s.url, s.url, s.bare, net, net)
		if len(asked) != 2 || !strings.Contains(asked[0], "~/.ssh/id_ed25519") {
			t.Errorf("asked %q, want the passphrase of ~/.ssh/id_ed25519 twice (once mistyped), and never again", asked)
		}
	})
}

// An agent that holds the key is used before any file.
func TestSSHAgent(t *testing.T) {
	s := newSSH(t, servers.SSHDOptions{})
	os.Remove(filepath.Join(s.home.dir, ".ssh", "id_ed25519"))
	keyring := agent.NewKeyring()
	if err := keyring.Add(agent.AddedKey{PrivateKey: s.key.Private}); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(t.TempDir(), "agent.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Skipf("no unix sockets here: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				agent.ServeAgent(keyring, c)
			}()
		}
	}()
	s.home.env["SSH_AUTH_SOCK"] = sock
	roundTrip(t, s.url, s.url, s.bare, repo.NetOptions{Auth: s.home.auth(s.url)}, repo.NetOptions{Auth: s.home.auth(s.url)})
}

// silentServer accepts connections and never says a word, as a server
// behind a broken firewall does. open counts the connections the client
// has not closed.
func silentServer(t *testing.T) (addr string, open func() int64) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var n atomic.Int64
	var mu sync.Mutex
	var conns []net.Conn
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			n.Add(1)
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			go func() {
				io.Copy(io.Discard, c) // until the client closes it
				n.Add(-1)
			}()
		}
	}()
	return l.Addr().String(), n.Load
}

// closedSoon waits a little for the client to close its connections.
func closedSoon(open func() int64) bool {
	for i := 0; i < 100 && open() > 0; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	return open() == 0
}

// go-git dials ssh with no context and no handshake deadline: diary's
// network steps must still end on time, and at once on Ctrl-C.
func TestSSHDialHonoursTheContext(t *testing.T) {
	gittest.NeedGit(t)
	addr, open := silentServer(t)
	h := newHome(t)
	key := servers.NewKey(t, "ed25519", "laptop")
	key.Write(t, filepath.Join(h.dir, ".ssh", "id_ed25519"), "")
	url := "ssh://git@" + addr + "/diary.git"
	r, err := repo.Init(t.TempDir(), "")
	if err != nil {
		t.Fatal(err)
	}
	if err := r.AddRemote("origin", url); err != nil {
		t.Fatal(err)
	}
	net := repo.NetOptions{Auth: h.auth(url)}

	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = r.Fetch(ctx, "origin", "main", net)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("fetch with a 300ms timeout took %v", d)
	}
	if !errors.Is(err, repo.ErrUnreachable) {
		t.Errorf("fetch from a silent server: %v, want ErrUnreachable", err)
	}
	if !closedSoon(open) {
		t.Errorf("the timed-out fetch left its connection open")
	}

	ctx, cancel = context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start = time.Now()
	err = r.Push(ctx, "origin", "main", net)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("push interrupted after 200ms took %v", d)
	}
	if err == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Errorf("interrupted push: %v, want interrupted", err)
	}
	if !closedSoon(open) {
		t.Errorf("the interrupted push left its connection open")
	}
}

const (
	httpUser  = "daniel"
	httpToken = "diary-test-token-8b1f0c2e5d"
)

func newHTTP(t *testing.T, o servers.HTTPOptions) (srv *servers.HTTP, bare, url string) {
	t.Helper()
	root := t.TempDir()
	bare = seed(t, root, "diary.git")
	srv = servers.StartHTTP(t, root, o)
	return srv, bare, srv.URL("diary.git")
}

func TestHTTPCloneFetchPush(t *testing.T) {
	srv, bare, url := newHTTP(t, servers.HTTPOptions{User: httpUser, Password: httpToken})
	url = strings.Replace(url, "://", "://"+httpUser+"@", 1)
	h := newHome(t)
	h.env["DIARY_TOKEN"] = httpToken
	roundTrip(t, url, url, bare, repo.NetOptions{Auth: h.auth(url)}, repo.NetOptions{Auth: h.auth(url)})
	if n := srv.Refused.Load(); n != 0 {
		t.Errorf("the server turned away %d requests", n)
	}
}

// With no token in the environment, git's credential helper is asked.
func TestHTTPCredentialHelper(t *testing.T) {
	gittest.NeedGit(t)
	_, bare, url := newHTTP(t, servers.HTTPOptions{User: httpUser, Password: httpToken})
	h := newHome(t)
	h.write(".gitconfig", fmt.Sprintf("[credential]\n\thelper = \"!f() { echo username=%s; echo password=%s; }; f\"\n", httpUser, httpToken))
	roundTrip(t, url, url, bare, repo.NetOptions{Auth: h.auth(url)}, repo.NetOptions{Auth: h.auth(url)})
}

func TestHTTPRefusals(t *testing.T) {
	srv, _, url := newHTTP(t, servers.HTTPOptions{User: httpUser, Password: httpToken})
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"wrong token", map[string]string{"DIARY_TOKEN": "diary-wrong-token-77c1a9"}, "refused the credentials from DIARY_TOKEN"},
		{"no token", nil, "has none"},
		// GitHub's own token goes to GitHub only.
		{"GITHUB_TOKEN elsewhere", map[string]string{"GITHUB_TOKEN": httpToken, "GH_TOKEN": httpToken}, "has none"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHome(t)
			for k, v := range tc.env {
				h.env[k] = v
			}
			before := srv.Refused.Load()
			_, err := repo.Clone(stepCtx(t), url, filepath.Join(t.TempDir(), "a"), repo.NetOptions{Auth: h.auth(url)})
			if !errors.Is(err, repo.ErrAuth) {
				t.Fatalf("clone: %v, want ErrAuth", err)
			}
			if srv.Refused.Load() == before {
				t.Error("the server refused nothing")
			}
		})
	}
}

// What ~/.git-credentials holds is used without a git binary.
func TestHTTPGitCredentialsFileWithoutGit(t *testing.T) {
	_, bare, url := newHTTP(t, servers.HTTPOptions{User: httpUser, Password: httpToken})
	h := newHome(t)
	h.write(".git-credentials", "https://"+httpUser+":nope@127.0.0.1\n"+strings.Replace(url, "://", "://"+httpUser+":"+httpToken+"@", 1)+"\n")
	t.Setenv("PATH", t.TempDir())
	a := h.auth(url)
	net := repo.NetOptions{Auth: a}
	ctx := stepCtx(t)
	r, err := repo.Clone(ctx, url, filepath.Join(t.TempDir(), "a"), net)
	if err != nil {
		t.Fatalf("clone with ~/.git-credentials: %v", err)
	}
	if _, err := r.Fetch(ctx, "origin", "main", net); err != nil {
		t.Fatal(err)
	}
	_ = bare
}

func TestDaemonCloneFetchPush(t *testing.T) {
	root := t.TempDir()
	bare := seed(t, root, "diary.git")
	d := servers.StartDaemon(t, root)
	url := d.URL("diary.git")
	a, err := repo.Auth(url, newHome(t).opts())
	if err != nil || a != nil {
		t.Fatalf("Auth(%s) = %v, %v; want none", url, a, err)
	}
	roundTrip(t, url, url, bare, repo.NetOptions{}, repo.NetOptions{})
}

// stallAfter passes the first n bytes of the answer to upload-pack
// requests, then holds the connection until the client goes away, while
// on is set.
type stallAfter struct {
	http.Handler
	n       int
	on      atomic.Bool
	stalled chan struct{}
	once    sync.Once
}

func (s *stallAfter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !s.on.Load() || !strings.HasSuffix(r.URL.Path, "/git-upload-pack") {
		s.Handler.ServeHTTP(w, r)
		return
	}
	sw := &stallWriter{ResponseWriter: w, left: s.n, ctx: r.Context(), stall: func() { s.once.Do(func() { close(s.stalled) }) }}
	s.Handler.ServeHTTP(sw, r)
}

type stallWriter struct {
	http.ResponseWriter
	left  int
	ctx   context.Context
	stall func()
}

func (w *stallWriter) Write(p []byte) (int, error) {
	if len(p) <= w.left {
		w.left -= len(p)
		return w.ResponseWriter.Write(p)
	}
	if w.left > 0 {
		w.ResponseWriter.Write(p[:w.left])
		w.left = 0
	}
	w.ResponseWriter.(http.Flusher).Flush()
	w.stall()
	<-w.ctx.Done()
	return 0, w.ctx.Err()
}

// Ctrl-C in the middle of receiving a pack leaves the repository as it
// was: the same refs, no half-written pack, and the next fetch works.
func TestInterruptedFetchLeavesTheRepoConsistent(t *testing.T) {
	stall := &stallAfter{n: 4096, stalled: make(chan struct{})}
	_, bare, url := newHTTP(t, servers.HTTPOptions{Wrap: func(h http.Handler) http.Handler { stall.Handler = h; return stall }})
	h := newHome(t)
	net := repo.NetOptions{Auth: h.auth(url)}
	r, err := repo.Clone(stepCtx(t), url, filepath.Join(t.TempDir(), "a"), net)
	if err != nil {
		t.Fatal(err)
	}
	before, _, _ := r.RemoteBranch("origin", "main")

	// A big new post on the remote, that does not compress.
	wt := t.TempDir()
	gittest.Git(t, wt, "clone", "-q", bare, ".")
	big := make([]byte, 512<<10)
	rand.Read(big)
	gittest.Write(t, wt, "assets/photo.jpg", string(big))
	gittest.Git(t, wt, "add", "-A")
	gittest.Git(t, wt, "commit", "-q", "-m", "photo")
	gittest.Git(t, wt, "push", "-q", "origin", "main")

	stall.on.Store(true)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := r.Fetch(ctx, "origin", "main", net)
		done <- err
	}()
	select {
	case <-stall.stalled:
	case err := <-done:
		t.Fatalf("the fetch ended before the server stalled: %v", err)
	case <-time.After(20 * time.Second):
		t.Fatal("the server never stalled")
	}
	cancel()
	start := time.Now()
	select {
	case err = <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the fetch did not stop within 5s of Ctrl-C")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("the fetch took %v to stop after Ctrl-C", d)
	}
	if err == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Errorf("interrupted fetch: %v, want interrupted", err)
	}

	if after, _, _ := r.RemoteBranch("origin", "main"); after != before {
		t.Errorf("origin/main moved to %s in the interrupted fetch", after)
	}
	gittest.Fsck(t, r.Root())
	if st := gittest.Git(t, r.Root(), "status", "--porcelain"); st != "" {
		t.Errorf("the work tree changed:\n%s", st)
	}
	tmp, _ := filepath.Glob(filepath.Join(r.GitDir(), "objects", "pack", "tmp*"))
	locks, _ := filepath.Glob(filepath.Join(r.GitDir(), "*.lock"))
	if len(tmp)+len(locks) > 0 {
		t.Errorf("left behind: %v %v", tmp, locks)
	}

	stall.on.Store(false)
	if _, err := r.Fetch(stepCtx(t), "origin", "main", net); err != nil {
		t.Fatalf("the next fetch: %v", err)
	}
	want := strings.TrimSpace(gittest.Git(t, bare, "rev-parse", "main"))
	if after, _, _ := r.RemoteBranch("origin", "main"); after.String() != want {
		t.Errorf("origin/main is %s after the next fetch, want %s", after, want)
	}
	gittest.Fsck(t, r.Root())
}

// No token, password or passphrase appears in anything diary gets to
// show during the credential tests: errors, and the progress output.
func TestNoSecretInOutput(t *testing.T) {
	const (
		token      = "diary-secret-token-3c9e71fa"
		wrongToken = "diary-wrong-token-5d02b6c4"
		password   = "diary-url-password-e81f"
		passphrase = "diary-key-passphrase-61a7"
	)
	secrets := []string{token, wrongToken, password, passphrase}
	var out []string
	var progressText bytes.Buffer
	progress := func(p repo.Progress) { fmt.Fprintf(&progressText, "%+v\n", p) }
	record := func(err error) {
		if err != nil {
			out = append(out, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
		}
	}

	// HTTP: right and wrong tokens, a password in the URL, the
	// credential helper's and ~/.git-credentials' passwords.
	srv, _, url := newHTTP(t, servers.HTTPOptions{User: httpUser, Password: token})
	_ = srv
	for _, tc := range []struct {
		name string
		url  string
		env  map[string]string
		file string
	}{
		{"right token", url, map[string]string{"DIARY_TOKEN": token}, ""},
		{"wrong token", url, map[string]string{"DIARY_TOKEN": wrongToken}, ""},
		{"GITHUB_TOKEN", url, map[string]string{"GITHUB_TOKEN": wrongToken}, ""},
		{"password in URL", strings.Replace(url, "://", "://"+httpUser+":"+password+"@", 1), nil, ""},
		{"git-credentials", url, nil, strings.Replace(url, "://", "://"+httpUser+":"+password+"@", 1)},
	} {
		h := newHome(t)
		for k, v := range tc.env {
			h.env[k] = v
		}
		if tc.file != "" {
			h.write(".git-credentials", tc.file+"\n")
		}
		a, err := repo.Auth(tc.url, h.opts())
		record(err)
		if a != nil {
			out = append(out, a.String(), fmt.Sprintf("%v", a), fmt.Sprintf("%+v", a))
		}
		net := repo.NetOptions{Auth: a, Progress: progress}
		r, err := repo.Clone(stepCtx(t), tc.url, filepath.Join(t.TempDir(), "a"), net)
		record(err)
		if r != nil {
			gittest.Write(t, r.Root(), "_posts/x.md", tc.name)
			if _, err := r.Commit(stepCtx(t), repo.CommitOptions{Paths: []string{"_posts/x.md"}, Message: "x", Author: author}); err != nil {
				t.Fatal(err)
			}
			record(r.Push(stepCtx(t), "origin", "main", net))
			_, err := r.Fetch(stepCtx(t), "origin", "main", net)
			record(err)
		}
	}

	// SSH: a locked key, a wrong passphrase, a refused key.
	s := newSSH(t, servers.SSHDOptions{AuthorizedKeys: []*servers.Key{servers.NewKey(t, "ed25519", "someone else")}})
	s.key.Write(t, filepath.Join(s.home.dir, ".ssh", "id_ed25519"), passphrase)
	_, err := repo.Auth(s.url, s.home.opts())
	record(err)
	s.home.env["DIARY_SSH_PASSPHRASE"] = "wrong " + passphrase
	a, err := repo.Auth(s.url, s.home.opts())
	record(err)
	_, err = repo.Clone(stepCtx(t), s.url, filepath.Join(t.TempDir(), "a"), repo.NetOptions{Auth: a, Progress: progress})
	record(err)
	s.home.env["DIARY_SSH_PASSPHRASE"] = passphrase
	a, err = repo.Auth(s.url, s.home.opts())
	record(err)
	_, err = repo.Clone(stepCtx(t), s.url, filepath.Join(t.TempDir(), "a"), repo.NetOptions{Auth: a, Progress: progress})
	record(err)

	out = append(out, progressText.String())
	if len(out) < 10 {
		t.Fatalf("only %d outputs collected", len(out))
	}
	for _, o := range out {
		for _, secret := range secrets {
			if strings.Contains(o, secret) {
				t.Errorf("a secret shows in:\n%s", o)
			}
		}
	}
	if r := repo.Redact("https://u:" + password + "@h/x " + token + " ghp_abcdefghijklmnopqrstuvwxyz0123456789"); strings.Contains(r, password) || strings.Contains(r, "ghp_") {
		t.Errorf("Redact left a secret: %s", r)
	}
}

// A diary synced through a USB disk needs no git binary: clone, commit,
// push and fetch through a plain path and a file:// URL with PATH empty.
func TestLocalRemoteWithoutGit(t *testing.T) {
	root := t.TempDir()
	bare := seed(t, root, "diary.git")
	t.Setenv("PATH", t.TempDir())
	if _, err := exec.LookPath("git"); err == nil {
		t.Fatal("git is still on PATH")
	}
	h := newHome(t)
	for _, url := range []string{bare, "file://" + filepath.ToSlash(bare)} {
		a, err := repo.Auth(url, h.opts())
		if err != nil || a != nil {
			t.Fatalf("Auth(%s) = %v, %v; want none", url, a, err)
		}
	}
	ctx := stepCtx(t)
	net := repo.NetOptions{}
	a, err := repo.Clone(ctx, bare, filepath.Join(t.TempDir(), "a"), net)
	if err != nil {
		t.Fatal(err)
	}
	b, err := repo.Clone(ctx, "file://"+filepath.ToSlash(bare), filepath.Join(t.TempDir(), "b"), net)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range []*repo.Repo{a, b} {
		p := fmt.Sprintf("_posts/2022-05-0%d-usb.md", i+2)
		gittest.Write(t, r.Root(), p, gittest.Post("USB", "no git here\n"))
		if _, err := r.Commit(ctx, repo.CommitOptions{Paths: []string{p}, Message: "usb", Author: author}); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.Push(ctx, "origin", "main", net); err != nil {
		t.Fatal(err)
	}
	if err := b.Push(ctx, "origin", "main", net); !errors.Is(err, repo.ErrRejected) {
		t.Fatalf("push of a diverged laptop: %v, want ErrRejected", err)
	}
	if _, err := b.Fetch(ctx, "origin", "main", net); err != nil {
		t.Fatal(err)
	}
	ha, _ := a.Head()
	if got, ok, _ := b.RemoteBranch("origin", "main"); !ok || got != ha.Hash {
		t.Fatalf("origin/main in b is %v, want %v", got, ha.Hash)
	}
}

// Two laptops push to one path remote (a USB disk, a shared folder) at
// the same moment: the second push was made against the remote's old
// branch, and must be refused, not written over the first. go-git's
// in-process receive-pack sets the ref without looking at the old value
// the push names; a lost update here is an entry gone from the remote.
func TestPathRemotePushIsCompareAndSwap(t *testing.T) {
	root := t.TempDir()
	bare := seed(t, root, "diary.git")
	ctx := stepCtx(t)
	net := repo.NetOptions{}
	a, err := repo.Clone(ctx, bare, filepath.Join(t.TempDir(), "a"), net)
	if err != nil {
		t.Fatal(err)
	}
	b, err := repo.Clone(ctx, bare, filepath.Join(t.TempDir(), "b"), net)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range []*repo.Repo{a, b} {
		p := fmt.Sprintf("_posts/2022-05-0%d-race.md", i+2)
		gittest.Write(t, r.Root(), p, gittest.Post("Race", "written on one laptop\n"))
		if _, err := r.Commit(ctx, repo.CommitOptions{Paths: []string{p}, Message: "race", Author: author}); err != nil {
			t.Fatal(err)
		}
	}
	// b has read the remote's refs and is about to send; a pushes first.
	pushed := false
	b.SetHook(func(point string) {
		if point == "push:sending" && !pushed {
			pushed = true
			if err := a.Push(ctx, "origin", "main", net); err != nil {
				t.Errorf("a's push: %v", err)
			}
		}
	})
	err = b.Push(ctx, "origin", "main", net)
	if !pushed {
		t.Fatal("the push:sending point was never reached")
	}
	if !errors.Is(err, repo.ErrRejected) {
		t.Errorf("b's push against the old branch: %v, want ErrRejected", err)
	}
	ha, _ := a.Head()
	if got := strings.TrimSpace(gittest.Git(t, bare, "rev-parse", "main")); got != ha.Hash.String() {
		t.Errorf("the remote's main is %s, want a's %s: a's entry is gone from the remote", got, ha.Hash)
	}
	gittest.Fsck(t, bare)
}
