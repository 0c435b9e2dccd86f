package transport

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"

	gittransport "github.com/go-git/go-git/v5/plumbing/transport"
)

// AuthOptions say where Auth finds the user's credentials and whether it
// may ask for a passphrase.
type AuthOptions struct {
	// Env looks up an environment variable; nil: os.LookupEnv.
	Env func(string) (string, bool)
	// Home is the user's home directory (~/.ssh, ~/.git-credentials);
	// "": $HOME from Env, else os.UserHomeDir.
	Home string
	// Interactive: a person is at a terminal, and Passphrase may ask them.
	Interactive bool
	// Passphrase reads a passphrase from the terminal without echo; nil
	// without one.
	Passphrase func(prompt string) (string, error)
}

func (o AuthOptions) withDefaults() AuthOptions {
	if o.Env == nil {
		o.Env = os.LookupEnv
	}
	if o.Home == "" {
		if h, ok := o.Env("HOME"); ok && h != "" {
			o.Home = h
		} else if h, err := os.UserHomeDir(); err == nil {
			o.Home = h
		}
	}
	return o
}

func (o AuthOptions) getenv(key string) string {
	v, _ := o.Env(key)
	return v
}

// canPrompt says whether a passphrase may be asked for.
func (o AuthOptions) canPrompt() bool { return o.Interactive && o.Passphrase != nil }

// Sentinel errors of Auth and the network steps.
var (
	// ErrAuth: the remote refused the credentials.
	ErrAuth = errors.New("remote refused the credentials")
	// ErrHostKey: the server's SSH host key is not one known_hosts
	// trusts for it (unknown, changed, or revoked). errors.As gives the
	// *HostKeyError with the fingerprint and the fix.
	ErrHostKey = errors.New("SSH host key not trusted")
)

// Auth picks the credentials for talking to url the way git and ssh
// would, from what the user already has:
//
//   - a local path or file:// URL, and git://: none (nil);
//   - ssh:// and scp-like user@host:path: the keys of ssh-agent
//     ($SSH_AUTH_SOCK, or IdentityAgent), then the IdentityFile keys that
//     ~/.ssh/config names for the host (whose HostName, Port and User it
//     also follows), or when it names none ~/.ssh/id_ed25519, id_ecdsa
//     and id_rsa. An encrypted key is unlocked with $DIARY_SSH_PASSPHRASE,
//     or by asking when o is Interactive; otherwise it is left out, and
//     when no other key is left Auth fails at once, saying how to unlock
//     it. The server's host key is checked against ~/.ssh/known_hosts and
//     /etc/ssh/ssh_known_hosts only, and only the key types known there
//     for the host are negotiated;
//   - https://: the user and password of the URL, else a token from
//     $DIARY_TOKEN (any host), $GITHUB_TOKEN or $GH_TOKEN (github.com
//     only), else `git credential fill` when git is installed (never
//     prompting), else ~/.git-credentials, else none;
//   - http://: as https:// to this machine (localhost, 127.0.0.1, ::1);
//     to any other host no credentials are ever sent in clear text, and
//     a URL holding some is refused.
//
// The method returned never shows a secret in its String or in any error.
func Auth(url string, o AuthOptions) (gittransport.AuthMethod, error) {
	o = o.withDefaults()
	registerEnvSecrets(o.Env)
	ep, err := gittransport.NewEndpoint(url)
	if err != nil {
		return nil, fmt.Errorf("remote URL %s: %s", Redact(url), Redact(err.Error()))
	}
	if ep.Password != "" {
		registerSecret(ep.Password)
	}
	switch ep.Protocol {
	case "file", "git":
		return nil, nil
	case "ssh":
		a, err := newSSHAuth(ep, !strings.Contains(url, "://"), o)
		if err != nil {
			return nil, err
		}
		return a, nil
	case "http", "https":
		a, err := newHTTPAuth(ep, o)
		if err != nil {
			return nil, err
		}
		return a, nil
	}
	return nil, fmt.Errorf("remote URL %s: diary speaks ssh, https, git and local paths, not %s://", Redact(url), ep.Protocol)
}

// NetError is what repo's netError should try first, after its two
// context cases: it sorts out the failures that Auth's methods report (refused
// keys or tokens, a locked key, an untrusted host key), keeping their
// advice, which the general cases would drop. It returns nil for any
// other error.
func NetError(step string, err error) error {
	var hk *HostKeyError
	var ce *credentialError
	switch {
	case errors.As(err, &hk):
		return fmt.Errorf("%s: %w", step, hk)
	case errors.As(err, &ce):
		return fmt.Errorf("%s: %w", step, ce)
	}
	return nil
}

// credentialError: the remote refused the credentials, or there were none
// to give; msg says which and what to do.
type credentialError struct {
	msg   string
	cause error // a transport sentinel, so that errors.Is finds it too
}

func (e *credentialError) Error() string { return e.msg }

func (e *credentialError) Unwrap() []error {
	if e.cause == nil {
		return []error{ErrAuth, gittransport.ErrAuthenticationRequired}
	}
	return []error{ErrAuth, e.cause}
}

// HostKeyError: the SSH server's host key is not trusted. Error gives the
// fingerprint, the known_hosts lines involved and the commands that fix
// it; diary never accepts such a key itself.
type HostKeyError struct {
	Host        string   // the name known_hosts knows it by: host, or [host]:port
	KeyType     string   // of the key offered, as ssh-keygen -t names it: ed25519, rsa…
	Fingerprint string   // SHA256:… of the key offered; "" when none was seen
	Changed     bool     // known_hosts holds other keys for this host
	Revoked     bool     // the key offered is marked @revoked
	Known       []string // the known keys: "~/.ssh/known_hosts:3 (ED25519 SHA256:…)"
	Offered     []string // when the server offered no key type known here: the types it offered
	Fix         []string // the commands to run once the fingerprint is checked
}

func (e *HostKeyError) Unwrap() error { return ErrHostKey }

func (e *HostKeyError) Error() string {
	var b strings.Builder
	offered := "no key diary could see"
	if e.Fingerprint != "" {
		offered = fmt.Sprintf("the %s key %s", strings.ToUpper(e.KeyType), e.Fingerprint)
	}
	switch {
	case e.Revoked:
		fmt.Fprintf(&b, "REFUSED: the SSH host key of %s is marked @revoked in known_hosts (%s); diary will not connect to it. Ask the server's owner what happened", e.Host, e.Fingerprint)
		return b.String()
	case e.Changed:
		fmt.Fprintf(&b, "WARNING: THE SSH HOST KEY OF %s HAS CHANGED, or someone is intercepting the connection (a man-in-the-middle attack). diary did not connect and will not while known_hosts says otherwise. ", e.Host)
		fmt.Fprintf(&b, "The server offered %s", offered)
		if len(e.Offered) > 0 {
			fmt.Fprintf(&b, " (it offers only %s)", strings.Join(e.Offered, ", "))
		}
		fmt.Fprintf(&b, "; known_hosts trusts %s. ", strings.Join(e.Known, ", "))
		b.WriteString("Ask the server's owner for its key fingerprints (GitHub publishes its own in its docs, \"GitHub's SSH key fingerprints\"); only if the offered one is among them, replace the old key:")
	default:
		fmt.Fprintf(&b, "the SSH host key of %s is not in known_hosts, so diary cannot tell it is talking to the right server. The server offered %s. ", e.Host, offered)
		b.WriteString("Check that fingerprint with the server's owner (GitHub publishes its own in its docs, \"GitHub's SSH key fingerprints\"), then trust it with:")
	}
	for _, c := range e.Fix {
		b.WriteString("\n    ")
		b.WriteString(c)
	}
	return b.String()
}

// Secrets seen by Auth, and the environment's, for Redact.
var secrets struct {
	sync.Mutex
	list []string
}

// secretEnv are the variables whose values are secrets.
var secretEnv = []string{"DIARY_TOKEN", "GITHUB_TOKEN", "GH_TOKEN", "DIARY_SSH_PASSPHRASE"}

// minSecret is the shortest value Redact replaces wherever it appears;
// shorter ones would mangle ordinary words (they still never get printed:
// no message includes a credential on purpose).
const minSecret = 4

func registerSecret(s string) {
	if len(s) < minSecret {
		return
	}
	secrets.Lock()
	defer secrets.Unlock()
	for _, have := range secrets.list {
		if have == s {
			return
		}
	}
	secrets.list = append(secrets.list, s)
	// Longest first, so that a secret holding another is replaced whole.
	sort.Slice(secrets.list, func(i, j int) bool { return len(secrets.list[i]) > len(secrets.list[j]) })
}

func registerEnvSecrets(env func(string) (string, bool)) {
	for _, k := range secretEnv {
		if v, ok := env(k); ok {
			registerSecret(strings.TrimSpace(v))
		}
	}
}

var (
	// Well-known token shapes: GitHub's (ghp_, gho_, ghu_, ghs_, ghr_,
	// github_pat_) and GitLab's (glpat-).
	tokenShapes = regexp.MustCompile(`\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{16,})`)
	// An Authorization header's credentials.
	authHeader = regexp.MustCompile(`(?i)(authorization:\s*(?:basic|bearer|token)\s+)\S+`)
)

// credentialsInURL matches the user:password@ of a URL.
var credentialsInURL = regexp.MustCompile(`([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\s]*@`)

// Redact removes from s every credential diary knows of: user:password@
// in URLs, the values of DIARY_TOKEN, GITHUB_TOKEN, GH_TOKEN and
// DIARY_SSH_PASSPHRASE, the passwords and tokens Auth found, GitHub and
// GitLab token shapes, and Authorization header values. Whatever diary
// prints that may hold text from elsewhere goes through it.
func Redact(s string) string {
	s = credentialsInURL.ReplaceAllString(s, "$1")
	s = tokenShapes.ReplaceAllString(s, "[REDACTED]")
	s = authHeader.ReplaceAllString(s, "${1}[REDACTED]")
	registerEnvSecrets(os.LookupEnv)
	secrets.Lock()
	list := secrets.list
	secrets.Unlock()
	for _, v := range list {
		s = strings.ReplaceAll(s, v, "[REDACTED]")
	}
	return s
}

// tilde shows a path under home as ~/…, as diary shows paths to people.
func tilde(home, p string) string {
	if home == "" {
		return p
	}
	if rel, err := filepath.Rel(home, p); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		if rel == "." {
			return "~"
		}
		return "~/" + filepath.ToSlash(rel)
	}
	return p
}

// expandTilde turns ~/x into home/x.
func expandTilde(home, p string) string {
	if p == "~" {
		return home
	}
	if strings.HasPrefix(p, "~/") || strings.HasPrefix(p, `~\`) {
		return filepath.Join(home, p[2:])
	}
	return p
}
