package servers

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// SSHDOptions say what an sshd lets in and shows.
type SSHDOptions struct {
	// AuthorizedKeys may log in, as the user the tests run as.
	AuthorizedKeys []*Key
	// HostKeys are the server's host keys; default one ed25519 key.
	HostKeys []*Key
}

// SSHD is a running OpenSSH server on 127.0.0.1, serving the current
// user's files with the git CLI's git-upload-pack and git-receive-pack.
type SSHD struct {
	Host     string // 127.0.0.1
	Port     int
	User     string // the user sshd runs as, and lets in
	HostKeys []*Key
}

// StartSSHD runs sshd (-D -e -f CONFIG) as the current user, with a
// temporary host key and authorized_keys, until the test ends.
func StartSSHD(t testing.TB, o SSHDOptions) *SSHD {
	t.Helper()
	bin := need(t, "sshd", "openssh-server", "/usr/sbin", "/usr/local/sbin", "/sbin")
	NeedGit(t)
	u, err := user.Current()
	if err != nil {
		t.Fatalf("who am I: %v", err)
	}
	if os.Getuid() == 0 {
		// sshd run by root separates privileges into an empty
		// directory that the package's service would have made.
		if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
			t.Fatalf("sshd as root needs /run/sshd: %v", err)
		}
	}
	dir := t.TempDir()
	if len(o.HostKeys) == 0 {
		o.HostKeys = []*Key{NewKey(t, "ed25519", "sshd host")}
	}
	var cfg strings.Builder
	for i, k := range o.HostKeys {
		p := filepath.Join(dir, "host_key_"+strconv.Itoa(i))
		k.Write(t, p, "")
		fmt.Fprintf(&cfg, "HostKey %s\n", p)
	}
	var auth strings.Builder
	for _, k := range o.AuthorizedKeys {
		auth.WriteString(k.AuthorizedKey())
	}
	authFile := filepath.Join(dir, "authorized_keys")
	if err := os.WriteFile(authFile, []byte(auth.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&cfg, `ListenAddress 127.0.0.1
AuthorizedKeysFile %s
PidFile none
StrictModes no
UsePAM no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowTcpForwarding no
X11Forwarding no
PermitTTY no
PrintMotd no
PrintLastLog no
UseDNS no
MaxAuthTries 10
LogLevel VERBOSE
`, authFile)
	s := &SSHD{Host: "127.0.0.1", User: u.Username, HostKeys: o.HostKeys}
	for try := 0; ; try++ {
		s.Port = freePort(t)
		cfgFile := filepath.Join(dir, "sshd_config")
		if err := os.WriteFile(cfgFile, []byte(fmt.Sprintf("Port %d\n%s", s.Port, cfg.String())), 0o600); err != nil {
			t.Fatal(err)
		}
		p := start(t, "sshd", exec.Command(bin, "-D", "-e", "-f", cfgFile))
		err := p.waitReady(s.Addr(), "SSH-2.0-", 10*time.Second)
		if err == nil {
			return s
		}
		if errors.Is(err, errExited) && addrInUse(p.log.String()) && try < 3 {
			continue
		}
		t.Fatalf("%v\n%s", err, p.log.String())
	}
}

// Addr is host:port.
func (s *SSHD) Addr() string { return fmt.Sprintf("%s:%d", s.Host, s.Port) }

// URL is the ssh:// URL of the repository at the absolute path dir.
func (s *SSHD) URL(dir string) string {
	return fmt.Sprintf("ssh://%s@%s:%d%s", s.User, s.Host, s.Port, filepath.ToSlash(dir))
}

// KnownHosts is the known_hosts text that trusts the server's host keys,
// as ssh-keyscan -p PORT 127.0.0.1 would print it.
func (s *SSHD) KnownHosts() string {
	var b strings.Builder
	for _, k := range s.HostKeys {
		fmt.Fprintf(&b, "[%s]:%d %s", s.Host, s.Port, ssh.MarshalAuthorizedKey(k.Public))
	}
	return b.String()
}
