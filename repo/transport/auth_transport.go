package transport

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	gittransport "github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/plumbing/transport/client"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	gitssh "github.com/go-git/go-git/v5/plumbing/transport/ssh"
	"golang.org/x/crypto/ssh"
	"golang.org/x/net/proxy"
)

// The network transports (go-git's ssh and http, diary's own git://
// in daemon.go), wrapped so that
//   - a session connects only when its first request brings the step's
//     context, and the connection honours it: go-git's ssh transport
//     dials with no context, and its ssh handshake has no deadline at
//     all, so a server that accepts and then says nothing would hold
//     diary forever, and Ctrl-C would not stop it;
//   - every byte moved is counted by the step's Meter, so that the step
//     gives up after a stall, never for being long (stall.go);
//   - an ssh connection goes where Auth resolved ~/.ssh/config to
//     (go-git's own lookup reads the real user's file, not Home's);
//   - a session given no credentials gets Auth's, from the process's
//     environment and home, without prompting;
//   - refusals become errors that say what was refused and what to do.
func init() {
	// diary resolves ~/.ssh/config itself, in Auth.
	gitssh.DefaultSSHConfig = nil
	client.InstallProtocol("ssh", netTransport{proto: "ssh", inner: gitssh.DefaultClient})
	client.InstallProtocol("git", netTransport{proto: "git", inner: daemonTransport{}})
	// No transport cache (ClientOptions without CacheMaxEntries): with
	// one, go-git would take the RoundTripper for an *http.Transport.
	web := githttp.NewClientWithOptions(&http.Client{Transport: meteredRoundTripper{http.DefaultTransport}}, &githttp.ClientOptions{})
	client.InstallProtocol("http", netTransport{proto: "http", inner: web})
	client.InstallProtocol("https", netTransport{proto: "https", inner: web})
	proxy.RegisterDialerType(ctxDialScheme, func(u *url.URL, _ proxy.Dialer) (proxy.Dialer, error) {
		v, ok := dialContexts.Load(u.Host)
		if !ok {
			return nil, errors.New("diary: the dial's context is gone")
		}
		return ctxDialer{ctx: v.(context.Context)}, nil
	})
}

type netTransport struct {
	proto string
	inner gittransport.Transport
}

func (t netTransport) NewUploadPackSession(ep *gittransport.Endpoint, auth gittransport.AuthMethod) (gittransport.UploadPackSession, error) {
	return &lazySession{t: t, ep: ep, auth: auth, upload: true}, nil
}

func (t netTransport) NewReceivePackSession(ep *gittransport.Endpoint, auth gittransport.AuthMethod) (gittransport.ReceivePackSession, error) {
	return &lazySession{t: t, ep: ep, auth: auth}, nil
}

// lazySession is a go-git session that connects on its first request.
type lazySession struct {
	t      netTransport
	ep     *gittransport.Endpoint
	auth   gittransport.AuthMethod
	upload bool

	mu     sync.Mutex
	up     gittransport.UploadPackSession
	rp     gittransport.ReceivePackSession
	closed bool
}

func (s *lazySession) session() gittransport.Session {
	if s.up != nil {
		return s.up
	}
	if s.rp != nil {
		return s.rp
	}
	return nil
}

// connect opens the real session within ctx.
func (s *lazySession) connect(ctx context.Context) (gittransport.Session, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sess := s.session(); sess != nil {
		return sess, nil
	}
	if s.closed {
		return nil, errors.New("session closed")
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if s.auth == nil {
		a, err := defaultAuth(s.t.proto, s.ep)
		if err != nil {
			return nil, err
		}
		if a != nil {
			s.auth = a
		}
	}
	ep := *s.ep
	sa, _ := s.auth.(*sshAuth)
	if sa != nil && !sa.madeFor(s.ep) {
		// Made for another remote: the same sources, for this one.
		a, err := newSSHAuth(s.ep, s.ep.Port == 22, sa.o)
		if err != nil {
			return nil, err
		}
		s.auth, sa = a, a
	}
	if sa != nil {
		ep.Host, ep.Port, ep.User = sa.host, sa.port, sa.user
	}
	type result struct {
		sess gittransport.Session
		err  error
	}
	done := make(chan result, 1)
	go func() {
		if s.t.proto == "ssh" && ep.Proxy.URL == "" {
			id := strconv.FormatUint(dialSeq.Add(1), 10)
			dialContexts.Store(id, ctx)
			defer dialContexts.Delete(id)
			ep.Proxy = gittransport.ProxyOptions{URL: ctxDialScheme + "://" + id}
		}
		var r result
		if s.upload {
			r.sess, r.err = s.t.inner.NewUploadPackSession(&ep, s.auth)
		} else {
			r.sess, r.err = s.t.inner.NewReceivePackSession(&ep, s.auth)
		}
		done <- r
	}()
	var r result
	select {
	case r = <-done:
	case <-ctx.Done():
		// The dial is bound to ctx and ends now; the session, should
		// it come all the same, is closed.
		go func() {
			if r := <-done; r.err == nil {
				r.sess.Close()
			}
		}()
		return nil, ctx.Err()
	}
	if r.err != nil {
		return nil, s.translate(ctx, r.err)
	}
	if s.upload {
		s.up = r.sess.(gittransport.UploadPackSession)
	} else {
		s.rp = r.sess.(gittransport.ReceivePackSession)
	}
	return r.sess, nil
}

func (s *lazySession) AdvertisedReferences() (*packp.AdvRefs, error) {
	return s.AdvertisedReferencesContext(context.Background())
}

func (s *lazySession) AdvertisedReferencesContext(ctx context.Context) (*packp.AdvRefs, error) {
	sess, err := s.connect(ctx)
	if err != nil {
		return nil, err
	}
	ar, err := sess.AdvertisedReferencesContext(ctx)
	if err == nil {
		meterOf(ctx).touch()
	}
	return ar, s.translate(ctx, err)
}

func (s *lazySession) UploadPack(ctx context.Context, req *packp.UploadPackRequest) (*packp.UploadPackResponse, error) {
	if _, err := s.connect(ctx); err != nil {
		return nil, err
	}
	resp, err := s.up.UploadPack(ctx, req)
	if err != nil && err.Error() == closingInputEOF && ctx.Err() == nil {
		// go-git v5 fails a fetch when the server has sent the whole
		// pack and hung up before go-git closed its side (go-git#1685,
		// fixed in v6 by #1815). Nothing was read yet: ask again, once,
		// on a new connection.
		s.mu.Lock()
		s.up.Close()
		s.up = nil
		s.mu.Unlock()
		if _, err := s.AdvertisedReferencesContext(ctx); err != nil {
			return nil, err
		}
		resp, err = s.up.UploadPack(ctx, req)
	}
	return resp, s.translate(ctx, err)
}

// closingInputEOF is how go-git v5 reports a server that hung up before
// it closed its side of an upload-pack.
const closingInputEOF = "closing input: EOF"

func (s *lazySession) ReceivePack(ctx context.Context, req *packp.ReferenceUpdateRequest) (*packp.ReportStatus, error) {
	if _, err := s.connect(ctx); err != nil {
		return nil, err
	}
	st, err := s.rp.ReceivePack(ctx, req)
	return st, s.translate(ctx, err)
}

func (s *lazySession) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	if sess := s.session(); sess != nil {
		return sess.Close()
	}
	return nil
}

// defaultAuth is Auth for a session that was given none: the process's
// environment and home, no prompting.
func defaultAuth(proto string, ep *gittransport.Endpoint) (gittransport.AuthMethod, error) {
	o := AuthOptions{}.withDefaults()
	registerEnvSecrets(o.Env)
	switch proto {
	case "ssh":
		// The endpoint no longer says whether the URL had a port;
		// go-git gives scp-like URLs port 22.
		a, err := newSSHAuth(ep, ep.Port == 22, o)
		if err != nil {
			return nil, err
		}
		return a, nil
	case "http", "https":
		if ep.Password != "" {
			registerSecret(ep.Password)
		}
		a, err := newHTTPAuth(ep, o)
		if err != nil {
			return nil, err
		}
		return a, nil
	}
	return nil, nil
}

var noCommonHostKey = regexp.MustCompile(`no common algorithm for host key; we offered: \[([^\]]*)\], peer offered: \[([^\]]*)\]`)

// translate turns what go-git and x/crypto report into diary's errors.
func (s *lazySession) translate(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return fmt.Errorf("%w (%s)", ctx.Err(), Redact(err.Error()))
	}
	var hk *HostKeyError
	var ce *credentialError
	switch {
	case errors.As(err, &hk):
		return hk
	case errors.As(err, &ce):
		return ce
	}
	switch a := s.auth.(type) {
	case *sshAuth:
		msg := err.Error()
		if strings.Contains(msg, "ssh: unable to authenticate") {
			return a.refused()
		}
		if m := noCommonHostKey.FindStringSubmatch(msg); m != nil && a.algos != nil {
			var offered []string
			for _, f := range strings.Fields(m[2]) {
				if v, err := strconv.Unquote(f); err == nil {
					offered = append(offered, v)
				}
			}
			return a.hostKeyError(probeHostKey(ctx, a), offered)
		}
	case *httpAuth:
		switch {
		case errors.Is(err, gittransport.ErrAuthenticationRequired):
			return a.refused(false)
		case errors.Is(err, gittransport.ErrAuthorizationFailed):
			return a.refused(true)
		}
	}
	return err
}

// probeHostKey connects once more, accepting any host key algorithm, to
// see the key the server prefers; nil when it cannot.
func probeHostKey(ctx context.Context, a *sshAuth) ssh.PublicKey {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	conn, err := (ctxDialer{ctx: ctx}).DialContext(ctx, "tcp", a.addr())
	if err != nil {
		return nil
	}
	defer conn.Close()
	var key ssh.PublicKey
	errSeen := errors.New("seen")
	ssh.NewClientConn(conn, a.addr(), &ssh.ClientConfig{
		User: a.user,
		HostKeyCallback: func(_ string, _ net.Addr, k ssh.PublicKey) error {
			key = k
			return errSeen
		},
	})
	return key
}

// ctxDialScheme is the x/net/proxy scheme through which go-git's ssh
// transport dials with diary's context: the session puts
// diary-ctx://ID in the endpoint's proxy options, and the dialer
// registered for it finds the context by ID.
const ctxDialScheme = "diary-ctx"

var (
	dialContexts sync.Map // ID → context.Context
	dialSeq      atomic.Uint64
)

// ctxDialer dials within a context, and ties the connection to it: its
// deadline is the context's, and it closes when the context ends.
type ctxDialer struct{ ctx context.Context }

func (d ctxDialer) Dial(network, addr string) (net.Conn, error) {
	return d.DialContext(context.Background(), network, addr)
}

func (d ctxDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(d.ctx, cancel)
	defer stop()
	conn, err := proxy.Dial(ctx, network, addr)
	if err != nil {
		if d.ctx.Err() != nil {
			return nil, d.ctx.Err()
		}
		return nil, err
	}
	if dl, ok := d.ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	b := &boundConn{Conn: conn, m: meterOf(d.ctx)}
	b.m.watchConn(conn)
	b.stop = context.AfterFunc(d.ctx, func() { conn.Close() })
	return b, nil
}

type boundConn struct {
	net.Conn
	stop func() bool
	m    *Meter // the step's, nil when it has none
}

func (b *boundConn) Read(p []byte) (int, error) {
	n, err := b.Conn.Read(p)
	b.m.read(n)
	return n, err
}

func (b *boundConn) Write(p []byte) (int, error) {
	n, err := b.Conn.Write(p)
	b.m.wrote(n)
	return n, err
}

func (b *boundConn) Close() error {
	b.stop()
	return b.Conn.Close()
}
