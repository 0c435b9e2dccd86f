package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

func newVersionCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Example: `  diary version`,
		Short:   "Print diary's version",
		Args:    args(cobra.NoArgs),
		RunE: func(*cobra.Command, []string) error {
			fmt.Fprintf(g.sys.Stdout, "diary %s (%s, %s/%s)\n", version(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return nil
		},
	}
}

// tag is the release's version, set by the release build
// (-ldflags "-X main.tag=v1.2.3", see .goreleaser.yaml).
var tag string

// version is the release's tag, the module version stamped by `go
// install` (or by go build in a tagged checkout), or the VCS revision of
// a build from a checkout.
func version() string {
	if tag != "" {
		return "v" + strings.TrimPrefix(tag, "v")
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	rev, dirty := "", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "devel"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "+dirty"
	}
	return "devel-" + rev
}
