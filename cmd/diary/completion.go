package main

import (
	"github.com/spf13/cobra"
)

func newCompletionCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:       "completion SHELL",
		Short:     "Print a shell completion script (bash, zsh, fish, powershell)",
		Example:   "  diary completion bash > /etc/bash_completion.d/diary\n  diary completion zsh > \"${fpath[1]}/_diary\"",
		ValidArgs: []string{"bash", "zsh", "fish", "powershell"},
		Args:      args(cobra.MatchAll(cobra.ExactArgs(1), cobra.OnlyValidArgs)),
		RunE: func(c *cobra.Command, a []string) error {
			root, out := c.Root(), g.sys.Stdout
			switch a[0] {
			case "bash":
				return root.GenBashCompletionV2(out, true)
			case "zsh":
				return root.GenZshCompletion(out)
			case "fish":
				return root.GenFishCompletion(out, true)
			default:
				return root.GenPowerShellCompletionWithDesc(out)
			}
		},
	}
}
