package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"github.com/gitdiary/diary/internal/atomicfile"
)

func newManCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "man DIR",
		Short: "Write diary's man pages into DIR",
		Long: `Write a man page for diary and for each of its commands (section 1), and
one for each help topic (section 7), into DIR, which is made if missing.`,
		Example: "  diary man ~/.local/share/man/man1 && man diary-sync",
		Args:    args(cobra.ExactArgs(1)),
		RunE: func(c *cobra.Command, a []string) error {
			dir := a[0]
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return fmt.Errorf("man: %w: give a folder you can write to", err)
			}
			n, err := writeMan(c.Root(), dir)
			if err != nil {
				return fmt.Errorf("man: %w", err)
			}
			g.note("wrote %d man pages into %s", n, dir)
			fmt.Fprintln(g.sys.Stdout, dir)
			return nil
		},
	}
}

// writeMan writes the man pages of root's commands, and of its help
// topics in section 7, each atomically, and returns how many it wrote.
func writeMan(root *cobra.Command, dir string) (int, error) {
	root.DisableAutoGenTag = true
	n := 0
	var walk func(c *cobra.Command) error
	walk = func(c *cobra.Command) error {
		for _, s := range c.Commands() {
			if s.IsAvailableCommand() || s.IsAdditionalHelpTopicCommand() {
				if err := walk(s); err != nil {
					return err
				}
			}
		}
		section := "1"
		if c.IsAdditionalHelpTopicCommand() {
			section = "7"
		}
		// Help texts are laid out for a terminal: in a man page they
		// stay as they are, preformatted, rather than reflowed as
		// Markdown.
		long := c.Long
		if long != "" {
			c.Long = "```\n" + long + "\n```"
			defer func() { c.Long = long }()
		}
		var b bytes.Buffer
		h := &doc.GenManHeader{Title: strings.ToUpper(strings.ReplaceAll(c.CommandPath(), " ", "-")), Section: section, Source: "diary " + version(), Manual: "diary manual"}
		if err := doc.GenMan(c, h, &b); err != nil {
			return err
		}
		name := strings.ReplaceAll(c.CommandPath(), " ", "-") + "." + section
		if err := atomicfile.WriteFile(filepath.Join(dir, name), b.Bytes(), 0o644); err != nil {
			return err
		}
		n++
		return nil
	}
	return n, walk(root)
}
