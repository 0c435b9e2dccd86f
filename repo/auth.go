package repo

import (
	gittransport "github.com/go-git/go-git/v5/plumbing/transport"

	"github.com/gitdiary/diary/repo/transport"
)

// AuthOptions say where Auth finds the user's credentials and whether it
// may ask for a passphrase.
type AuthOptions = transport.AuthOptions

// HostKeyError: the SSH server's host key is not trusted. Error gives the
// fingerprint, the known_hosts lines involved and the commands that fix
// it; diary never accepts such a key itself.
type HostKeyError = transport.HostKeyError

// Sentinel errors of Auth and the network steps.
var (
	// ErrAuth: the remote refused the credentials.
	ErrAuth = transport.ErrAuth
	// ErrHostKey: the server's SSH host key is not one known_hosts
	// trusts for it (unknown, changed, or revoked). errors.As gives the
	// *HostKeyError with the fingerprint and the fix.
	ErrHostKey = transport.ErrHostKey
)

// Credentials are a remote's credentials, as Auth finds them: opaque, so
// that a caller holds and passes them on without knowing how they are
// sent. A nil *Credentials is none.
type Credentials struct {
	m gittransport.AuthMethod
}

// Auth picks the credentials for talking to url the way git and ssh
// would, from what the user already has: none for a local path or
// git://; ssh-agent's keys, then those ~/.ssh/config names (or the
// default ones) for ssh, with the host key checked against known_hosts
// only; a token, `git credential fill` or ~/.git-credentials for https,
// never sent in clear text to another machine. transport.Auth says in
// full where it looks. The credentials never show a secret in their
// String or in any error.
func Auth(url string, o AuthOptions) (*Credentials, error) {
	m, err := transport.Auth(url, o)
	if err != nil || m == nil {
		return nil, err
	}
	return &Credentials{m}, nil
}

// String names the kind of credentials and the user, never a secret.
func (c *Credentials) String() string {
	if c == nil {
		return "none"
	}
	return c.m.String()
}

// method is what go-git's transports take; nil for none.
func (c *Credentials) method() gittransport.AuthMethod {
	if c == nil {
		return nil
	}
	return c.m
}

// Redact removes from s every credential diary knows of (see
// transport.Redact). Whatever diary prints that may hold text from
// elsewhere goes through it.
func Redact(s string) string { return transport.Redact(s) }
