package transport

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
)

// A network step is bounded by stalls, not by its length (DESIGN.md,
// Configuration, timeout): a Meter, carried in the step's context, is
// told of every byte the connection moves, and cancels the context once
// none has moved for its limit. Each transport tells it where it sees the
// bytes: the TCP connection of ssh and git:// (boundConn), the request
// and response bodies of http(s) (meteredRoundTripper), the streams of
// path remotes (local.go). The connect counts as a stall too: the clock
// runs from the step's start.
//
// What a step writes, its kernel takes at once, up to the size of the
// socket's send buffer (megabytes, as Linux tunes it): at the end of a
// push over a slow link, diary waits for the server's answer while its
// kernel is still sending. So the Meter also reads, where the platform
// tells them (acked, stall_linux.go), how many bytes the peer has
// acknowledged on each TCP connection of the step: those are the bytes
// sent, for the stall and for the progress line alike.

// StallError is the cause of a step's context cancelled by its Meter.
type StallError struct{ Limit time.Duration }

func (e *StallError) Error() string {
	return fmt.Sprintf("stalled: no data moved for %s", e.Limit)
}

// Meter counts the bytes a step moves and watches for stalls.
type Meter struct {
	limit    time.Duration
	start    time.Time
	last     atomic.Int64 // when a byte last moved, ns since start
	received atomic.Int64
	written  atomic.Int64 // taken by the kernel, or by a path remote
	held     atomic.Int32
	cancel   context.CancelCauseFunc
	timer    *time.Timer

	mu     sync.Mutex
	probes map[net.Conn]*ackProbe
	acked  int64 // over all probes, since each was first read
}

// ackProbe reads how many bytes the peer has acknowledged on one TCP
// connection.
type ackProbe struct {
	read  func() (uint64, bool)
	acked uint64
}

// probeEvery is how often a Meter with connections to probe looks at
// their acknowledgements.
const probeEvery = 200 * time.Millisecond

type meterKey struct{}

// Watch returns a context that is cancelled, with cause *StallError,
// once no byte has moved for limit (0: never), and the Meter that
// counts; stop ends the watch and releases the context.
func Watch(ctx context.Context, limit time.Duration) (_ context.Context, _ *Meter, stop func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	m := &Meter{limit: limit, start: time.Now(), cancel: cancel}
	if limit > 0 {
		m.timer = time.AfterFunc(limit, m.check)
	}
	stop = func() {
		if m.timer != nil {
			m.timer.Stop()
		}
		cancel(context.Canceled)
	}
	return context.WithValue(ctx, meterKey{}, m), m, stop
}

// meterOf is the Meter of ctx's step, nil when there is none.
func meterOf(ctx context.Context) *Meter {
	m, _ := ctx.Value(meterKey{}).(*Meter)
	return m
}

// check runs when the limit may have passed since the last byte.
func (m *Meter) check() {
	probing := m.probe()
	idle := time.Since(m.start) - time.Duration(m.last.Load())
	if m.held.Load() > 0 {
		idle = 0
	}
	if idle >= m.limit {
		m.cancel(&StallError{Limit: m.limit})
		return
	}
	next := m.limit - idle
	if probing {
		next = min(next, probeEvery)
	}
	m.timer.Reset(next)
}

// touch records that bytes moved now.
func (m *Meter) touch() {
	if m != nil {
		m.last.Store(int64(time.Since(m.start)))
	}
}

// read and wrote record n bytes received, and n bytes sent.
func (m *Meter) read(n int) {
	if m != nil && n > 0 {
		m.received.Add(int64(n))
		m.touch()
	}
}

func (m *Meter) wrote(n int) {
	if m != nil && n > 0 {
		m.written.Add(int64(n))
		m.touch()
	}
}

// Bytes is how many bytes the step has moved so far, both ways: sent
// are those the peer acknowledged, where they are known.
func (m *Meter) Bytes() int64 {
	if m.probe() {
		m.mu.Lock()
		defer m.mu.Unlock()
		return m.received.Load() + m.acked
	}
	return m.received.Load() + m.written.Load()
}

// watchConn has m read the peer's acknowledgements on c (under TLS or
// not), where the platform tells them.
func (m *Meter) watchConn(c net.Conn) {
	if m == nil {
		return
	}
	for {
		inner, ok := c.(interface{ NetConn() net.Conn })
		if !ok {
			break
		}
		c = inner.NetConn()
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.probes[c] != nil {
		return
	}
	read := acked(c)
	if read == nil {
		return
	}
	if m.probes == nil {
		m.probes = map[net.Conn]*ackProbe{}
	}
	p := &ackProbe{read: read}
	p.acked, _ = read()
	m.probes[c] = p
}

// probe reads the watched connections' acknowledgements, and reports
// whether there is any connection to read.
func (m *Meter) probe() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, p := range m.probes {
		if n, ok := p.read(); ok && n > p.acked {
			m.acked += int64(n - p.acked)
			p.acked = n
			m.touch()
		}
	}
	return len(m.probes) > 0
}

// Hold stops the clock while the step works locally (working out what
// to send), where the remote owes it nothing; release starts it again,
// as if a byte had just moved. Calls after the first do nothing.
func (m *Meter) Hold() (release func()) {
	m.held.Add(1)
	var once sync.Once
	return func() {
		once.Do(func() {
			m.touch()
			m.held.Add(-1)
		})
	}
}

// meteredReader counts what is read through it, as received or as sent
// (a body or a pack read as it goes out).
type meteredReader struct {
	io.ReadCloser
	count func(int)
}

func (r meteredReader) Read(p []byte) (int, error) {
	n, err := r.ReadCloser.Read(p)
	r.count(n)
	return n, err
}

// meterReceived and meterSent count the bytes read from rc into m.
func meterReceived(rc io.ReadCloser, m *Meter) io.ReadCloser {
	if m == nil || rc == nil {
		return rc
	}
	return meteredReader{rc, m.read}
}

func meterSent(rc io.ReadCloser, m *Meter) io.ReadCloser {
	if m == nil || rc == nil {
		return rc
	}
	return meteredReader{rc, m.wrote}
}

// meteredRoundTripper counts the bytes of http(s) requests and responses
// into the Meter of the request's context, with the acknowledgements of
// the connection each goes over; the response's headers count as moving.
type meteredRoundTripper struct{ inner http.RoundTripper }

func (t meteredRoundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	m := meterOf(req.Context())
	if m == nil {
		return t.inner.RoundTrip(req)
	}
	trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) { m.watchConn(info.Conn) }}
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), trace))
	req.Body = meterSent(req.Body, m)
	resp, err := t.inner.RoundTrip(req)
	if resp != nil {
		m.touch()
		resp.Body = meterReceived(resp.Body, m)
	}
	return resp, err
}

// meterPack counts the pack a push sends as it is read, with wrap
// between the pack and the count.
func meterPack(ctx context.Context, req *packp.ReferenceUpdateRequest, wrap func(io.ReadCloser) io.ReadCloser) *packp.ReferenceUpdateRequest {
	m := meterOf(ctx)
	if m == nil || req.Packfile == nil {
		return req
	}
	r := *req
	r.Packfile = meterSent(wrap(r.Packfile), m)
	return &r
}
