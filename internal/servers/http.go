package servers

import (
	"bytes"
	"crypto/subtle"
	"io"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// HTTPOptions say who a git http server lets in.
type HTTPOptions struct {
	// User and Password are the only credentials accepted (basic auth),
	// for reading and pushing; both "": anyone.
	User, Password string
	// Wrap, when set, wraps git http-backend's handler (after the
	// credentials were checked), to make the server misbehave.
	Wrap func(http.Handler) http.Handler
}

// HTTP is git http-backend behind an httptest server on 127.0.0.1.
type HTTP struct {
	Base string // http://127.0.0.1:PORT
	// Refused counts the requests turned away for their credentials.
	Refused atomic.Int64
}

// StartHTTP serves the repositories under root (URL path /NAME is
// root/NAME), pushes enabled, until the test ends.
func StartHTTP(t testing.TB, root string, o HTTPOptions) *HTTP {
	t.Helper()
	gitBin := NeedGit(t)
	home := t.TempDir()
	var backend http.Handler = &cgi.Handler{
		Path: gitBin,
		Args: []string{"http-backend"},
		Dir:  root,
		Env: []string{
			"GIT_PROJECT_ROOT=" + root,
			"GIT_HTTP_EXPORT_ALL=1",
			"GIT_CONFIG_NOSYSTEM=1",
			"HOME=" + home,
			"GIT_CONFIG_COUNT=1",
			"GIT_CONFIG_KEY_0=http.receivepack",
			"GIT_CONFIG_VALUE_0=true",
		},
	}
	backend = wholeBody(backend)
	if o.Wrap != nil {
		backend = o.Wrap(backend)
	}
	h := &HTTP{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if o.User != "" || o.Password != "" {
			u, p, ok := r.BasicAuth()
			if !ok || subtle.ConstantTimeCompare([]byte(u), []byte(o.User)) != 1 || subtle.ConstantTimeCompare([]byte(p), []byte(o.Password)) != 1 {
				h.Refused.Add(1)
				w.Header().Set("WWW-Authenticate", `Basic realm="diary test"`)
				http.Error(w, "Unauthorized", http.StatusUnauthorized)
				return
			}
		}
		backend.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	h.Base = srv.URL
	return h
}

// URL is the URL of the repository at root/name.
func (h *HTTP) URL(name string) string {
	return h.Base + "/" + strings.TrimPrefix(filepath.ToSlash(name), "/")
}

// wholeBody reads a request's body to its end before the CGI starts, and
// answers 400 when the client went away first: git http-backend given a
// body cut short (a push whose connection was cut) does not end, and
// the test's server would wait for it forever.
func wholeBody(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil && r.ContentLength != 0 {
			body, err := io.ReadAll(r.Body)
			if err != nil {
				http.Error(w, "the request body was cut short", http.StatusBadRequest)
				return
			}
			r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
			r.Header.Del("Transfer-Encoding")
			r.TransferEncoding = nil
		}
		h.ServeHTTP(w, r)
	})
}
