//go:build !linux || diary_portable

package repo_test

import "time"

// blind is how long before a stall the last byte may have been seen to
// move: here what the kernel took is counted as moved, and it takes up
// to its send buffer at once (transport's sendBuffer of 64 KB, which
// Linux doubles), plus what the proxy's socket holds: about 160 KB, 1.6 s
// of a 100 KB/s link.
const blind = 1600 * time.Millisecond
