//go:build !linux || diary_portable

package transport

import "net"

// acked is nil where diary does not read TCP acknowledgements: a step
// counts the bytes its kernel took (stall.go, ackProbe).
func acked(net.Conn) func() (uint64, bool) { return nil }
