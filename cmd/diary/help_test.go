package main

import (
	"testing"

	"github.com/spf13/cobra"
)

// TestEveryCommandHasExamples: every command a user can run shows how,
// in its help, and says in one line what it does.
func TestEveryCommandHasExamples(t *testing.T) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, s := range c.Commands() {
			if !s.IsAvailableCommand() {
				continue
			}
			if s.Example == "" {
				t.Errorf("%s has no examples in its help", s.CommandPath())
			}
			if s.Short == "" {
				t.Errorf("%s has no one-line summary", s.CommandPath())
			}
			walk(s)
		}
	}
	walk(newRoot(&globals{sys: testSystem()}))
}
