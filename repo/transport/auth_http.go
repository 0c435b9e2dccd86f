package transport

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	gittransport "github.com/go-git/go-git/v5/plumbing/transport"
)

// credentialFillTimeout bounds `git credential fill`: a helper that would
// wait for a person (a GUI prompt) must not hold a cron job.
const credentialFillTimeout = 5 * time.Second

// httpAuth is Auth's method for http(s) remotes: basic auth with what it
// found, or nothing at all. It knows where its credentials came from, so
// that a refusal can say which ones were refused.
type httpAuth struct {
	user, pass string
	source     string // where user and pass came from; "": none (anonymous)
	host       string // host[:port], for messages
	cleartext  bool   // http:// to another machine: nothing is ever sent
}

// SetAuth adds the credentials to a request (go-git's http.AuthMethod).
func (a *httpAuth) SetAuth(r *http.Request) {
	if a != nil && a.source != "" {
		r.SetBasicAuth(a.user, a.pass)
	}
}

func (a *httpAuth) Name() string { return "http-basic-auth" }

func (a *httpAuth) String() string {
	if a.source == "" {
		return a.Name() + " - none"
	}
	return fmt.Sprintf("%s - %s:******* from %s", a.Name(), a.user, a.source)
}

// refused is the error for a remote that answered 401 or 403.
func (a *httpAuth) refused(forbidden bool) error {
	switch {
	case a.cleartext:
		return &credentialError{msg: fmt.Sprintf("%s asks for credentials over plain http://, and diary never sends them unencrypted: use the https:// URL of the remote", a.host)}
	case a.source == "":
		return &credentialError{msg: fmt.Sprintf("%s asks for credentials and diary has none: set DIARY_TOKEN to a token that may read and write the repository (GitHub: a fine-grained personal access token with Contents read and write), or store them with git's credential helper", a.host)}
	case forbidden:
		return &credentialError{msg: fmt.Sprintf("%s accepted the credentials from %s but refused access (HTTP 403): the token may lack the right to this repository (GitHub: Contents read and write)", a.host, a.source), cause: gittransport.ErrAuthorizationFailed}
	}
	return &credentialError{msg: fmt.Sprintf("%s refused the credentials from %s (HTTP 401): they are wrong or expired; make a new token that may read and write the repository and set DIARY_TOKEN", a.host, a.source)}
}

// newHTTPAuth finds the credentials for an http(s) endpoint.
func newHTTPAuth(ep *gittransport.Endpoint, o AuthOptions) (*httpAuth, error) {
	hostPort := ep.Host
	if ep.Port > 0 && !(ep.Protocol == "https" && ep.Port == 443) && !(ep.Protocol == "http" && ep.Port == 80) {
		hostPort = net.JoinHostPort(ep.Host, strconv.Itoa(ep.Port))
	}
	a := &httpAuth{host: hostPort}
	if ep.Protocol == "http" && !isLoopback(ep.Host) {
		if ep.Password != "" {
			return nil, fmt.Errorf("the remote URL holds a password for plain http://%s, which would send it unencrypted: use the https:// URL, without the password", hostPort)
		}
		a.cleartext = true
		return a, nil
	}
	if ep.Password != "" {
		a.user, a.pass, a.source = ep.User, ep.Password, "the remote URL"
		return a, nil
	}
	user := ep.User
	if user == "" {
		user = "x-access-token"
	}
	if v := strings.TrimSpace(o.getenv("DIARY_TOKEN")); v != "" {
		a.user, a.pass, a.source = user, v, "DIARY_TOKEN"
		return a, nil
	}
	// GitHub's own variables go to GitHub only: a token for GitHub must
	// not reach another host.
	if isGitHub(ep.Host) {
		for _, k := range []string{"GITHUB_TOKEN", "GH_TOKEN"} {
			if v := strings.TrimSpace(o.getenv(k)); v != "" {
				a.user, a.pass, a.source = user, v, k
				return a, nil
			}
		}
	}
	if u, p, ok := credentialFill(ep, hostPort, o); ok {
		registerSecret(p)
		a.user, a.pass, a.source = u, p, "git's credential helper"
		return a, nil
	}
	if u, p, file, ok := gitCredentialsFile(ep, hostPort, o); ok {
		registerSecret(p)
		a.user, a.pass, a.source = u, p, file
		return a, nil
	}
	return a, nil
}

func isGitHub(host string) bool {
	host = strings.ToLower(host)
	return host == "github.com" || strings.HasSuffix(host, ".github.com")
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// credentialFill asks git's credential helpers, when git is installed,
// never letting git prompt.
func credentialFill(ep *gittransport.Endpoint, hostPort string, o AuthOptions) (user, pass string, ok bool) {
	gitBin, err := exec.LookPath("git")
	if err != nil {
		return "", "", false
	}
	ctx, cancel := context.WithTimeout(context.Background(), credentialFillTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, gitBin, "credential", "fill")
	var in bytes.Buffer
	fmt.Fprintf(&in, "protocol=%s\nhost=%s\n", ep.Protocol, hostPort)
	if ep.User != "" {
		fmt.Fprintf(&in, "username=%s\n", ep.User)
	}
	in.WriteString("\n")
	cmd.Stdin = &in
	cmd.Stderr = nil
	cmd.WaitDelay = time.Second
	cmd.Env = credentialEnv(o)
	out, err := cmd.Output()
	if err != nil {
		return "", "", false
	}
	for _, line := range strings.Split(string(out), "\n") {
		k, v, found := strings.Cut(strings.TrimRight(line, "\r"), "=")
		if !found {
			continue
		}
		switch k {
		case "username":
			user = v
		case "password":
			pass = v
		}
	}
	if pass == "" {
		return "", "", false
	}
	if user == "" {
		user = "x-access-token"
	}
	return user, pass, true
}

// credentialEnv is the environment of `git credential fill`: the
// process's, with o's home, and every way of asking a person shut.
func credentialEnv(o AuthOptions) []string {
	drop := map[string]bool{"HOME": true, "GIT_TERMINAL_PROMPT": true, "GIT_ASKPASS": true, "SSH_ASKPASS": true, "GCM_INTERACTIVE": true, "XDG_CONFIG_HOME": true}
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if !drop[k] {
			env = append(env, kv)
		}
	}
	env = append(env, "HOME="+o.Home, "GIT_TERMINAL_PROMPT=0", "GIT_ASKPASS=", "SSH_ASKPASS=", "GCM_INTERACTIVE=never")
	if v := o.getenv("XDG_CONFIG_HOME"); v != "" {
		env = append(env, "XDG_CONFIG_HOME="+v)
	}
	return env
}

// gitCredentialsFile reads git's credential store, ~/.git-credentials and
// $XDG_CONFIG_HOME/git/credentials: lines like
// https://user:password@host[:port][/path], the first match winning.
func gitCredentialsFile(ep *gittransport.Endpoint, hostPort string, o AuthOptions) (user, pass, file string, ok bool) {
	xdg := o.getenv("XDG_CONFIG_HOME")
	if xdg == "" {
		xdg = filepath.Join(o.Home, ".config")
	}
	for _, f := range []string{filepath.Join(o.Home, ".git-credentials"), filepath.Join(xdg, "git", "credentials")} {
		fh, err := os.Open(f)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			u, err := url.Parse(line)
			if err != nil || u.User == nil {
				continue
			}
			p, hasPass := u.User.Password()
			if !hasPass || !strings.EqualFold(u.Scheme, ep.Protocol) || !strings.EqualFold(u.Host, hostPort) {
				continue
			}
			if ep.User != "" && u.User.Username() != ep.User {
				continue
			}
			fh.Close()
			return u.User.Username(), p, tilde(o.Home, f), true
		}
		fh.Close()
	}
	return "", "", "", false
}
