package transport

import (
	"context"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	gittransport "github.com/go-git/go-git/v5/plumbing/transport"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/gitdiary/diary/internal/servers"
)

func envMap(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

func TestMatchHosts(t *testing.T) {
	hashed := knownhosts.HashHostname("[10.0.0.7]:2222")
	for _, tc := range []struct {
		field, name string
		want        bool
	}{
		{"github.com", "github.com", true},
		{"GitHub.com", "github.com", true},
		{"github.com", "gist.github.com", false},
		{"*.example.com", "git.example.com", true},
		{"*.example.com,!bad.example.com", "bad.example.com", false},
		{"git?.example.com", "git1.example.com", true},
		{"[127.0.0.1]:2222", "[127.0.0.1]:2222", true},
		{"127.0.0.1", "[127.0.0.1]:2222", false},
		{"[127.0.0.1]:2222", "127.0.0.1", false},
		{hashed, "[10.0.0.7]:2222", true},
		{hashed, "10.0.0.7", false},
		{"*", "anything", true},
		{"a*b*c", "aXXbYYc", true},
		{"a*b*c", "aXXbYY", false},
	} {
		if got := matchHosts(strings.Split(tc.field, ","), tc.name); got != tc.want {
			t.Errorf("matchHosts(%q, %q) = %v", tc.field, tc.name, got)
		}
	}
	if got := knownHostsName("127.0.0.1", 22); got != "127.0.0.1" {
		t.Errorf("knownHostsName port 22 = %q", got)
	}
	if got := knownHostsName("Host.Example", 2222); got != "[host.example]:2222" {
		t.Errorf("knownHostsName port 2222 = %q", got)
	}
}

// testKey is a public key of type typ, the same for the same type.
func testKey(t *testing.T, typ string) ssh.PublicKey {
	t.Helper()
	kind := map[string]string{"ssh-ed25519": "ed25519", "ecdsa-sha2-nistp256": "ecdsa", "ssh-rsa": "rsa"}[typ]
	return servers.NewKey(t, kind, "test").Public
}

func TestHostKeyAlgorithms(t *testing.T) {
	entries := []khEntry{{key: testKey(t, "ssh-rsa")}, {key: testKey(t, "ssh-ed25519")}, {key: testKey(t, "ecdsa-sha2-nistp256")}, {key: testKey(t, "ssh-rsa")}}
	want := []string{"ssh-ed25519", "ecdsa-sha2-nistp256", "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"}
	if got := hostKeyAlgorithms(entries); !reflect.DeepEqual(got, want) {
		t.Errorf("hostKeyAlgorithms = %q, want %q", got, want)
	}
	if got := hostKeyAlgorithms(nil); got != nil {
		t.Errorf("hostKeyAlgorithms of an unknown host = %q, want nil (x/crypto's defaults)", got)
	}
}

func TestKnownHostsFile(t *testing.T) {
	home := t.TempDir()
	ed, rsa := testKey(t, "ssh-ed25519"), testKey(t, "ssh-rsa")
	content := "# a comment\n\n" +
		"github.com " + string(ssh.MarshalAuthorizedKey(rsa)) +
		"this line is broken\n" +
		"github.com,gitlab.com " + string(ssh.MarshalAuthorizedKey(ed)) +
		"@revoked * " + string(ssh.MarshalAuthorizedKey(testKey(t, "ecdsa-sha2-nistp256"))) +
		"@cert-authority *.example.com " + string(ssh.MarshalAuthorizedKey(ed))
	f := filepath.Join(home, ".ssh", "known_hosts")
	os.MkdirAll(filepath.Dir(f), 0o700)
	os.WriteFile(f, []byte(content), 0o600)
	kh, err := loadKnownHosts(home, []string{f, filepath.Join(home, "missing")})
	if err != nil {
		t.Fatal(err)
	}
	got := kh.keysFor("github.com")
	if len(got) != 2 || got[0].line != 3 || got[1].line != 5 || got[0].file != "~/.ssh/known_hosts" {
		t.Errorf("keysFor(github.com) = %v", got)
	}
	if n := len(kh.keysFor("git.example.com")); n != 0 {
		t.Errorf("a @cert-authority line counts as %d keys", n)
	}
	if kh.revoked(testKey(t, "ecdsa-sha2-nistp256")) == nil || kh.revoked(ed) != nil {
		t.Error("revoked keys wrong")
	}

	a := &sshAuth{known: kh, khName: "github.com", host: "github.com", port: 22, appendTo: "~/.ssh/known_hosts"}
	if err := a.checkHostKey("", nil, ed); err != nil {
		t.Errorf("the second known key of the host: %v", err)
	}
	var hk *HostKeyError
	err = a.checkHostKey("", nil, testKey(t, "ecdsa-sha2-nistp256"))
	if !errors.As(err, &hk) || !hk.Revoked || !errors.Is(err, ErrHostKey) {
		t.Errorf("a revoked key: %v", err)
	}
	a.khName, a.host = "example.org", "example.org"
	err = a.checkHostKey("", nil, ed)
	if !errors.As(err, &hk) || hk.Changed || hk.Fix[0] != "ssh-keyscan -t ed25519 example.org >> ~/.ssh/known_hosts" {
		t.Errorf("an unknown host: %#v", err)
	}
}

func TestSSHConfigResolution(t *testing.T) {
	home := t.TempDir()
	os.MkdirAll(filepath.Join(home, ".ssh"), 0o700)
	write := func(rel, s string) {
		if err := os.WriteFile(filepath.Join(home, rel), []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(".ssh/config", `Host diary
  HostName %h.example.org
  Port 2200
  User writer
  IdentityFile ~/.ssh/diary_%r
  HostKeyAlias diary-alias

Match host jump
  ProxyJump bastion

Match exec "true"
  User nobody
`)
	write(".ssh/diary_writer", "not a key")
	o := AuthOptions{Env: envMap(map[string]string{"HOME": home, "USER": "me"}), Home: home}.withDefaults()

	ep, _ := gittransport.NewEndpoint("diary:posts.git")
	_, err := newSSHAuth(ep, true, o)
	if err == nil || !strings.Contains(err.Error(), "~/.ssh/diary_writer") {
		t.Fatalf("a configured IdentityFile that is no key: %v", err)
	}

	// Now with a real key.
	write(".ssh/diary_writer", string(mustPEM(t)))
	write(".ssh/diary_other", string(mustPEM(t)))
	a, err := newSSHAuth(ep, true, o)
	if err != nil {
		t.Fatal(err)
	}
	if a.host != "diary.example.org" || a.port != 2200 || a.user != "writer" || a.khName != "diary-alias" || len(a.keys) != 1 {
		t.Errorf("resolved %s@%s:%d known as %s with %d keys", a.user, a.host, a.port, a.khName, len(a.keys))
	}
	// A port in the URL wins over the config's; the URL's user too.
	ep, _ = gittransport.NewEndpoint("ssh://other@diary:2222/posts.git")
	if a, err := newSSHAuth(ep, false, o); err != nil || a.port != 2222 || a.user != "other" {
		t.Errorf("ssh:// with port and user: %v %v", a, err)
	}
	other, _ := gittransport.NewEndpoint("elsewhere:posts.git")
	same, _ := gittransport.NewEndpoint("diary:other.git")
	if a.madeFor(other) || !a.madeFor(same) {
		t.Error("madeFor: a method made for one host goes to another")
	}
	ep, _ = gittransport.NewEndpoint("jump:posts.git")
	if _, err := newSSHAuth(ep, true, o); err == nil || !strings.Contains(err.Error(), "ProxyJump") {
		t.Errorf("a host behind ProxyJump: %v", err)
	}
	// Without IdentityFile, the defaults; the local user by default.
	ep, _ = gittransport.NewEndpoint("ssh://elsewhere/posts.git")
	if _, err := newSSHAuth(ep, false, o); err == nil || !strings.Contains(err.Error(), "no id_ed25519") {
		t.Errorf("no key at all: %v", err)
	}
}

// mustPEM is an unencrypted private key file.
func mustPEM(t *testing.T) []byte {
	t.Helper()
	block, err := ssh.MarshalPrivateKey(servers.NewKey(t, "ed25519", "test").Private, "test")
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(block)
}

func TestExpandSSHTokens(t *testing.T) {
	got := expandSSHTokens("%d/.ssh/%r@%h:%p %% %x", map[byte]string{'d': "/home/me", 'r': "git", 'h': "h", 'p': "22"})
	if want := "/home/me/.ssh/git@h:22 % %x"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestHTTPAuthSources(t *testing.T) {
	home := t.TempDir()
	t.Setenv("PATH", t.TempDir()) // no git credential helper
	mk := func(env map[string]string) AuthOptions {
		if env == nil {
			env = map[string]string{}
		}
		env["HOME"] = home
		return AuthOptions{Env: envMap(env), Home: home}
	}
	source := func(url string, o AuthOptions) string {
		t.Helper()
		a, err := Auth(url, o)
		if err != nil {
			t.Fatalf("Auth(%s): %v", url, err)
		}
		h := a.(*httpAuth)
		if h.source == "" {
			return "none"
		}
		return h.user + " from " + h.source
	}
	for _, tc := range []struct {
		url  string
		env  map[string]string
		want string
	}{
		{"https://github.com/me/diary.git", map[string]string{"GITHUB_TOKEN": "t1", "GH_TOKEN": "t2"}, "x-access-token from GITHUB_TOKEN"},
		{"https://github.com/me/diary.git", map[string]string{"GH_TOKEN": "t2"}, "x-access-token from GH_TOKEN"},
		{"https://me@github.com/me/diary.git", map[string]string{"DIARY_TOKEN": "t0", "GITHUB_TOKEN": "t1"}, "me from DIARY_TOKEN"},
		{"https://gitlab.com/me/diary.git", map[string]string{"GITHUB_TOKEN": "t1"}, "none"},
		{"https://gitlab.com/me/diary.git", map[string]string{"DIARY_TOKEN": "t0"}, "x-access-token from DIARY_TOKEN"},
		{"http://git.example.org/diary.git", map[string]string{"DIARY_TOKEN": "t0"}, "none"},
		{"http://localhost:8080/diary.git", map[string]string{"DIARY_TOKEN": "t0"}, "x-access-token from DIARY_TOKEN"},
	} {
		if got := source(tc.url, mk(tc.env)); got != tc.want {
			t.Errorf("%s with %v: %s, want %s", tc.url, tc.env, got, tc.want)
		}
	}
	if _, err := Auth("http://me:pw@git.example.org/diary.git", mk(nil)); err == nil || !strings.Contains(err.Error(), "unencrypted") {
		t.Errorf("a password for plain http: %v", err)
	}

	os.WriteFile(filepath.Join(home, ".git-credentials"), []byte("https://other:p0@git.example.org\nhttp://me:p1@git.example.org:8443\nhttps://me:p2@git.example.org:8443/some/path\n"), 0o600)
	if got := source("https://git.example.org:8443/diary.git", mk(nil)); got != "me from ~/.git-credentials" {
		t.Errorf("~/.git-credentials: %s", got)
	}
	a, _ := Auth("https://git.example.org:8443/diary.git", mk(nil))
	if a.(*httpAuth).pass != "p2" {
		t.Errorf("~/.git-credentials gave the wrong line")
	}
	if s := a.String(); strings.Contains(s, "p2") {
		t.Errorf("String shows the password: %s", s)
	}
	req, _ := http.NewRequest("GET", "https://git.example.org:8443/", nil)
	a.(*httpAuth).SetAuth(req)
	if u, p, ok := req.BasicAuth(); !ok || u != "me" || p != "p2" {
		t.Errorf("SetAuth: %q %q %v", u, p, ok)
	}
	cleartext, _ := Auth("http://git.example.org/diary.git", mk(map[string]string{"DIARY_TOKEN": "t0"}))
	req, _ = http.NewRequest("GET", "http://git.example.org/", nil)
	cleartext.(*httpAuth).SetAuth(req)
	if req.Header.Get("Authorization") != "" {
		t.Error("credentials sent over plain http:// to another machine")
	}
}

func TestAuthNoneForLocalAndGit(t *testing.T) {
	for _, url := range []string{"/srv/diary.git", "file:///srv/diary.git", "./diary.git", "git://example.org/diary.git"} {
		if a, err := Auth(url, AuthOptions{Env: envMap(nil), Home: t.TempDir()}); a != nil || err != nil {
			t.Errorf("Auth(%s) = %v, %v", url, a, err)
		}
	}
}

func TestRedact(t *testing.T) {
	t.Setenv("DIARY_TOKEN", "env-token-value-123")
	registerSecret("helper-password-456")
	in := `clone https://me:pw@host/x: token env-token-value-123, helper-password-456, ghp_0123456789abcdefghijABCDEFGHIJ012345 github_pat_11AAAAAAA0123456789_abcdefghij glpat-abcdefghij0123456789 Authorization: Basic bWU6cHc=`
	out := Redact(in)
	for _, secret := range []string{"me:pw", "env-token-value-123", "helper-password-456", "ghp_0123", "github_pat_11", "glpat-abc", "bWU6cHc="} {
		if strings.Contains(out, secret) {
			t.Errorf("Redact left %q in %s", secret, out)
		}
	}
	if !strings.Contains(out, "https://host/x") {
		t.Errorf("Redact mangled the URL: %s", out)
	}
}

// What repo's netError gives for a refusal, as it calls NetError
// first: the sentinel, and the advice.
func TestAuthNetError(t *testing.T) {
	netErr := NetError
	a := &sshAuth{host: "127.0.0.1", port: 2222, alias: "diary", user: "git", keys: []*sshKey{{shown: "~/.ssh/id_ed25519"}}}
	// As x/crypto and go-git wrap it.
	refused := fmt.Errorf("ssh: handshake failed: %w", a.refused())
	err := netErr("fetch from origin", refused)
	if !errors.Is(err, ErrAuth) || !strings.Contains(err.Error(), "~/.ssh/id_ed25519.pub") || !strings.HasPrefix(err.Error(), "fetch from origin: ") {
		t.Errorf("refused key: %v", err)
	}
	hk := fmt.Errorf("ssh: handshake failed: %w", &HostKeyError{Host: "[127.0.0.1]:2222", KeyType: "ed25519", Fingerprint: "SHA256:abc", Fix: []string{"ssh-keyscan …"}})
	err = netErr("push to origin", hk)
	if !errors.Is(err, ErrHostKey) || errors.Is(err, ErrAuth) || !strings.Contains(err.Error(), "SHA256:abc") {
		t.Errorf("host key: %v", err)
	}
	h := &httpAuth{host: "github.com", source: "DIARY_TOKEN"}
	err = netErr("fetch from origin", h.refused(false))
	if !errors.Is(err, ErrAuth) || !errors.Is(err, gittransport.ErrAuthenticationRequired) || !strings.Contains(err.Error(), "DIARY_TOKEN") {
		t.Errorf("refused token: %v", err)
	}
	if NetError("x", errors.New("other")) != nil {
		t.Error("NetError took an error of another kind")
	}
}

// fakeTransport counts sessions; its first upload-pack fails as go-git
// v5 does when the server hangs up first, and a new session can be made
// to wait.
type fakeTransport struct {
	mu       sync.Mutex
	sessions []*fakeSession
	uploads  int
	wait     chan struct{} // when set, a new session waits for it
}

type fakeSession struct {
	f      *fakeTransport
	closed bool
}

func (f *fakeTransport) NewUploadPackSession(*gittransport.Endpoint, gittransport.AuthMethod) (gittransport.UploadPackSession, error) {
	if f.wait != nil {
		<-f.wait
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	s := &fakeSession{f: f}
	f.sessions = append(f.sessions, s)
	return s, nil
}

func (f *fakeTransport) NewReceivePackSession(*gittransport.Endpoint, gittransport.AuthMethod) (gittransport.ReceivePackSession, error) {
	return nil, errors.New("not here")
}

func (s *fakeSession) AdvertisedReferences() (*packp.AdvRefs, error) { return packp.NewAdvRefs(), nil }
func (s *fakeSession) AdvertisedReferencesContext(context.Context) (*packp.AdvRefs, error) {
	return packp.NewAdvRefs(), nil
}
func (s *fakeSession) Close() error {
	s.f.mu.Lock()
	defer s.f.mu.Unlock()
	s.closed = true
	return nil
}
func (s *fakeSession) UploadPack(context.Context, *packp.UploadPackRequest) (*packp.UploadPackResponse, error) {
	s.f.mu.Lock()
	defer s.f.mu.Unlock()
	s.f.uploads++
	if s.f.uploads == 1 {
		return nil, errors.New(closingInputEOF)
	}
	return &packp.UploadPackResponse{}, nil
}

func TestUploadPackRetriesWhenTheServerHungUpFirst(t *testing.T) {
	f := &fakeTransport{}
	ep, _ := gittransport.NewEndpoint("git://example.org/diary.git")
	s, _ := netTransport{proto: "git", inner: f}.NewUploadPackSession(ep, nil)
	ctx := context.Background()
	if _, err := s.AdvertisedReferencesContext(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UploadPack(ctx, packp.NewUploadPackRequest()); err != nil {
		t.Fatalf("UploadPack: %v", err)
	}
	s.Close()
	if f.uploads != 2 || len(f.sessions) != 2 || !f.sessions[0].closed || !f.sessions[1].closed {
		t.Errorf("%d uploads on %d sessions", f.uploads, len(f.sessions))
	}
}

// A transport that dials with no context (git://) still lets the step
// end on Ctrl-C; the session it makes late is closed.
func TestConnectEndsWithTheContext(t *testing.T) {
	f := &fakeTransport{wait: make(chan struct{})}
	ep, _ := gittransport.NewEndpoint("git://example.org/diary.git")
	s, _ := netTransport{proto: "git", inner: f}.NewUploadPackSession(ep, nil)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err := s.AdvertisedReferencesContext(ctx)
	if !errors.Is(err, context.Canceled) || time.Since(start) > time.Second {
		t.Fatalf("after %v: %v", time.Since(start), err)
	}
	close(f.wait)
	for i := 0; i < 100; i++ {
		f.mu.Lock()
		done := len(f.sessions) == 1 && f.sessions[0].closed
		f.mu.Unlock()
		if done {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Error("the late session was not closed")
}
