//go:build linux && !diary_portable

package repo_test

import "time"

// blind is how long before a stall the last byte may have been seen to
// move: here the acknowledgements show every byte, so only the proxy's
// pace (a tenth of a second's worth at a time) and the 200 ms between
// looks at the acknowledgements.
const blind = 300 * time.Millisecond
