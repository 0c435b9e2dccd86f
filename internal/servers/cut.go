package servers

import (
	"net"
	"sync"
	"time"

	"testing"
)

// CutProxy passes TCP connections on 127.0.0.1 through to a server, and
// cuts them all once a number of bytes has passed: the network failing
// in the middle of a transfer (Wi-Fi gone, a laptop lid closed). It can
// also pass bytes slowly (Throttle: a poor link), or stop passing them
// while keeping every connection open (Stall: a link gone dead without
// a word).
type CutProxy struct {
	Addr string // 127.0.0.1:PORT, to dial instead of the server

	target string
	ln     net.Listener
	wg     sync.WaitGroup

	mu    sync.Mutex
	conns map[net.Conn]bool
	down  int64 // bytes from the server still let through; < 0: no limit
	up    int64 // bytes to the server still let through; < 0: no limit
	reset bool  // cut with a TCP reset, not a clean close
	dead  bool  // cut: every connection is closed at once
	cuts  int64

	rate    int64        // bytes a second each way; 0: no limit
	next    [2]time.Time // when each way (0 down, 1 up) may pass more
	stalled bool
	closed  bool
}

// StartCutProxy listens on 127.0.0.1 and forwards every connection to
// target (host:port), cutting nothing until Cut says so, until the test
// ends.
func StartCutProxy(t testing.TB, target string) *CutProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("cut proxy: %v", err)
	}
	p := &CutProxy{Addr: ln.Addr().String(), target: target, ln: ln, conns: map[net.Conn]bool{}, down: -1, up: -1}
	p.wg.Add(1)
	go p.serve()
	t.Cleanup(func() {
		ln.Close()
		p.mu.Lock()
		p.closed = true
		for c := range p.conns {
			c.Close()
		}
		p.mu.Unlock()
		p.wg.Wait()
	})
	return p
}

// Cut lets down more bytes come from the server and up more go to it,
// over all connections, old and new (0: none, < 0: no limit that way);
// then the network is gone: every connection is cut, with a TCP reset
// when reset is set and a plain close otherwise, and new ones are closed
// at once, until the next Cut. Cut(-1, -1, false) lets everything
// through again.
func (p *CutProxy) Cut(down, up int64, reset bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down, p.up, p.reset, p.dead = down, up, reset, false
}

// Drop closes every connection now, as a link that died does in the end,
// and lets new ones through.
func (p *CutProxy) Drop() {
	p.cut()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.dead = false
}

// Throttle passes at most rate bytes a second each way, over all
// connections (0: no limit).
func (p *CutProxy) Throttle(rate int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rate = rate
}

// Stall stops passing bytes, either way, with every connection kept
// open (and new ones accepted), until Stall(false).
func (p *CutProxy) Stall(on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stalled = on
}

// wait holds n bytes going one way until the throttle and the stall let
// them pass; false once the proxy is closed.
func (p *CutProxy) wait(n int, toServer bool) bool {
	way := 0
	if toServer {
		way = 1
	}
	for {
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			return false
		}
		if p.stalled {
			p.mu.Unlock()
			time.Sleep(10 * time.Millisecond)
			continue
		}
		var at time.Time
		if p.rate > 0 {
			now := time.Now()
			if p.next[way].Before(now) {
				p.next[way] = now
			}
			at = p.next[way]
			p.next[way] = at.Add(time.Duration(int64(n) * int64(time.Second) / p.rate))
		}
		p.mu.Unlock()
		time.Sleep(time.Until(at))
		return true
	}
}

// chunk is how many bytes pass at once: a tenth of a second's worth
// when throttled, so that a slow link trickles rather than bursts.
func (p *CutProxy) chunk(limit int) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.rate > 0 && int64(limit) > p.rate/10 {
		return int(max(p.rate/10, 1))
	}
	return limit
}

// Cuts is how many times the network was cut so far.
func (p *CutProxy) Cuts() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cuts
}

func (p *CutProxy) serve() {
	defer p.wg.Done()
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return
		}
		// A small buffer, as at the end of a slow link: what the
		// laptop sent waits in its own kernel, not in the proxy's.
		if tc, ok := client.(*net.TCPConn); ok {
			tc.SetReadBuffer(16 << 10)
		}
		p.wg.Add(1)
		go p.pass(client)
	}
}

// allow takes up to n bytes of the budget one way and returns how many
// may pass; at the end of the budget it cuts everything.
func (p *CutProxy) allow(n int, toServer bool) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.dead {
		return 0
	}
	budget := &p.down
	if toServer {
		budget = &p.up
	}
	if *budget < 0 {
		return n
	}
	if int64(n) < *budget {
		*budget -= int64(n)
		return n
	}
	n = int(*budget)
	*budget = 0
	return n
}

// cut closes every connection, and those that come until the next Cut.
func (p *CutProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.dead {
		p.dead = true
		p.cuts++
	}
	for c := range p.conns {
		if tc, ok := c.(*net.TCPConn); ok && p.reset {
			tc.SetLinger(0) // close sends a reset, not a FIN
		}
		c.Close()
	}
}

// pass copies both ways until either side ends or the budget does.
func (p *CutProxy) pass(client net.Conn) {
	defer p.wg.Done()
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		client.Close()
		return
	}
	p.mu.Lock()
	p.conns[client], p.conns[server] = true, true
	dead := p.dead
	p.mu.Unlock()
	if dead {
		p.cut()
	}
	copyAll := func(dst, src net.Conn, toServer bool) {
		buf := make([]byte, 32<<10)
		for {
			n, err := src.Read(buf[:p.chunk(len(buf))])
			if n > 0 && !p.wait(n, toServer) {
				break
			}
			if n > 0 {
				m := p.allow(n, toServer)
				if m > 0 {
					if _, werr := dst.Write(buf[:m]); werr != nil {
						break
					}
				}
				if m < n {
					p.cut()
					break
				}
			}
			if err != nil {
				break
			}
		}
		// One side ended: so does the other.
		client.Close()
		server.Close()
	}
	done := make(chan struct{})
	go func() { copyAll(server, client, true); close(done) }()
	copyAll(client, server, false)
	<-done
	p.mu.Lock()
	delete(p.conns, client)
	delete(p.conns, server)
	p.mu.Unlock()
}
