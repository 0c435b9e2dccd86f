// Command notice writes NOTICE, the third-party notices for what the
// diary binary links, from the module cache:
//
//	go run ./internal/cmd/notice
//
// Run it in the module root after a change to go.mod.
package main

import (
	"fmt"
	"os"

	"github.com/gitdiary/diary/internal/notice"
)

func main() {
	mods, err := notice.Modules(".")
	if err == nil {
		var data []byte
		if data, err = notice.Render(mods); err == nil {
			err = os.WriteFile("NOTICE", data, 0o644)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "notice:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "notice: NOTICE names %d modules\n", len(mods))
}
