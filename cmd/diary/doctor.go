package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gitdiary/diary/internal/app"
)

func newDoctorCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use: "doctor",
		Example: `  diary doctor
  diary doctor || echo "something needs fixing"`,
		Short: "Check the diary, identity, remote, credentials, clock and site, with fixes",
		Long: `One line per check: ok, warning or error, and what to do. Exits 1 only when
a check is an error.`,
		Args: args(cobra.NoArgs),
		RunE: func(c *cobra.Command, _ []string) error {
			checks := app.Doctor(c.Context(), g.options())
			failed := 0
			h, _ := g.sys.Env("HOME")
			for _, ch := range checks {
				msg := ch.Say
				if h != "" {
					msg = strings.ReplaceAll(msg, h+"/", "~/")
				}
				fmt.Fprintf(g.sys.Stdout, "%-8s %s: %s\n", ch.Severity, ch.Name, msg)
				if ch.Severity == app.SeverityError {
					failed++
				}
			}
			if failed > 0 {
				return &exitError{code: exitFailed}
			}
			return nil
		},
	}
}
