//go:build !linux || diary_portable

package transport

import "net"

// sendBuffer is the send buffer of a step's connections where diary does
// not read the TCP acknowledgements: what the kernel has taken but not
// sent yet can never be more than this, so at the end of a push the
// stall watch is blind for only as long as the link takes to send it
// (0.6 s at 100 KB/s). The price: a push sends at most this much per
// round trip (6 MB/s at 10 ms).
const sendBuffer = 64 << 10

// acked caps c's send buffer (sendBuffer) and returns nil: here a step
// counts the bytes its kernel took (stall.go).
func acked(c net.Conn) func() (uint64, bool) {
	if tc, ok := c.(interface{ SetWriteBuffer(int) error }); ok {
		tc.SetWriteBuffer(sendBuffer)
	}
	return nil
}
