//go:build linux && !diary_portable

package transport

import (
	"net"
	"syscall"

	"golang.org/x/sys/unix"
)

// acked reads the bytes the peer has acknowledged on a TCP connection,
// from the kernel's TCP_INFO (tcpi_bytes_acked, RFC 4898's
// HCThruOctetsAcked, in Linux since 4.1); nil when c is no socket.
func acked(c net.Conn) func() (uint64, bool) {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return nil
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	return func() (uint64, bool) {
		var n uint64
		ok := false
		cerr := raw.Control(func(fd uintptr) {
			info, err := unix.GetsockoptTCPInfo(int(fd), unix.IPPROTO_TCP, unix.TCP_INFO)
			if err == nil {
				n, ok = info.Bytes_acked, true
			}
		})
		return n, ok && cerr == nil
	}
}
