// Command diary keeps a Jekyll diary in git on several laptops.
package main

import (
	"os"
	"runtime/debug"
)

func main() {
	// A diary command lives for milliseconds and holds a few megabytes:
	// collecting garbage as it goes only slows it. Collect when the heap
	// nears 64 MiB instead, which keeps every command well under the
	// 100 MB DESIGN.md allows, unless the user set GOGC or GOMEMLIMIT.
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetGCPercent(-1)
		debug.SetMemoryLimit(64 << 20)
	}
	os.Exit(Main(os.Args[1:], OS()))
}
