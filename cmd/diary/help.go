package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gitdiary/diary/config"
)

// A topic is a page of `diary help TOPIC` (and a man page in section 7)
// about something that is not one command.
type topic struct {
	name, short, text string
}

// topics, in the order they are listed.
func topics() []topic {
	return []topic{
		{"exit-codes", "What diary's exit codes mean", `Every diary command ends with one of these exit codes, so that scripts and
schedulers can tell what happened:

  0  done
  1  failed; nothing is lost, and the message on stderr says why and what to do
     (diary sync also when it held back a post that would break the site,
     having pushed everything else)
  2  bad usage: a mistyped command, flag, argument or value; nothing was changed
  3  diary sync worked offline: local changes are committed, not pushed
  4  diary sync finished, and kept conflict copies that need you (diary status,
     diary resolve)
  130  interrupted (Ctrl-C); what was committed stays committed

diary merge-file follows git's merge-driver protocol instead: 0 merged cleanly,
1 merged with conflict markers, 2 bad input.`},
		{"environment", "Environment variables diary reads", `DIARY_<KEY>          any setting, e.g. DIARY_AUTHOR, DIARY_TIMEZONE, DIARY_AUTOSYNC
                     (see diary help config); above the config files, below flags
DIARY_REPO           the diary's directory, when --repo is not given
DIARY_TOKEN          a token for https remotes (never stored in .diary.yml)
DIARY_SSH_PASSPHRASE the passphrase of an encrypted ssh key, for unattended syncs
                     (on a terminal diary asks instead)
VISUAL, EDITOR       the editor, when the editor setting is not set
XDG_CONFIG_HOME      where the user config lives ($XDG_CONFIG_HOME/diary/config.yaml;
                     default ~/.config)
XDG_STATE_HOME       where the autosync log lives ($XDG_STATE_HOME/diary; default
                     ~/.local/state)
HOME                 ~ in paths, and the default diary ~/diary
SSH_AUTH_SOCK        the ssh agent, tried before key files
GIT_AUTHOR_NAME, GIT_AUTHOR_EMAIL, GIT_COMMITTER_NAME, GIT_COMMITTER_EMAIL
                     the identity of commits, as git reads them`},
		{"merging", "How diary sync merges what two laptops wrote", `diary sync merges path by path (base: the last common commit):

- changed on one side only, or the same change on both: that change
- a post changed on both sides: front matter key by key (tags and categories
  as sets), the body line by line (diff3); where the changes do not overlap,
  both are kept
- overlapping changes: the path gets the remote's version, and this laptop's
  is kept byte for byte at _conflicts/<path>~<host>-<time>.<ext>; sync exits 4
  and diary resolve settles it (merge in the editor, or --take local|remote)
- a new post at the same path on both sides: both are kept, this laptop's
  under the next free name
- deleted on one side, changed on the other: the changed file stays
- renamed on one side, changed on the other: the change lands at the new name
- a binary file changed on both: the remote's stays, this laptop's goes to
  _conflicts/

Nothing with conflict markers or broken front matter is ever pushed: such a
post is held back alone (left as it is on this laptop, named by sync, status
and doctor with the fix), and everything else is pushed. diary
undo puts everything back to where it was before the last sync. diary init
--merge-driver lets the git CLI merge posts the same way.`},
	}
}

// configHelp is the config command's text, and so what diary help
// config shows: the layers, and every key with what it means.
func configHelp() string {
	return `Settings come from these layers, the first that has a value winning:

  1. flags (--repo)
  2. the environment: DIARY_<KEY> (upper case), e.g. DIARY_AUTHOR
  3. the diary's .diary.yml (committed: shared by every laptop, so never secrets)
  4. the user's $XDG_CONFIG_HOME/diary/config.yaml (this machine only)
  5. for timezone only, the site's _config.yml
  6. the built-in defaults

diary config list shows every value and the layer it came from; diary config
set KEY VALUE writes the user config, and with --shared .diary.yml.

Keys:
` + configKeys()
}

// configKeys lists the settings with what each means, from config.
func configKeys() string {
	var b strings.Builder
	for _, k := range config.Keys() {
		fmt.Fprintf(&b, "  %-15s %s\n", k, config.Describe(k))
	}
	return strings.TrimRight(b.String(), "\n")
}

// topicNames are the names diary help takes besides commands: the
// topics, and config, whose command carries its topic.
func topicNames() []string {
	var names []string
	for _, t := range topics() {
		names = append(names, t.name)
	}
	return append(names[:2:2], append([]string{"config"}, names[2:]...)...)
}

// topicCmds are the topics as cobra's "additional help topics": commands
// that do nothing but carry a text.
func topicCmds() []*cobra.Command {
	var cmds []*cobra.Command
	for _, t := range topics() {
		cmds = append(cmds, &cobra.Command{Use: t.name, Short: t.short, Long: t.text})
	}
	return cmds
}

// newHelpCmd replaces cobra's help, which exits 0 on a topic it does not
// know.
func newHelpCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use: "help [COMMAND|TOPIC]",
		Example: `  diary help sync
  diary help exit-codes
  diary help config set`,
		Short: "Help about any command, or a topic: " + strings.Join(topicNames(), ", "),
		ValidArgsFunction: func(c *cobra.Command, a []string, _ string) ([]string, cobra.ShellCompDirective) {
			var names []string
			for _, s := range c.Root().Commands() {
				if s.IsAvailableCommand() || s.IsAdditionalHelpTopicCommand() {
					names = append(names, s.Name())
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(c *cobra.Command, a []string) error {
			root := c.Root()
			if len(a) == 0 {
				return root.Help()
			}
			target, rest, err := root.Find(a)
			if err != nil || target == root || len(rest) > 0 {
				return usageErrorf("no help topic or command %q: the topics are %s; see diary help", strings.Join(a, " "), strings.Join(topicNames(), ", "))
			}
			if target.IsAdditionalHelpTopicCommand() {
				fmt.Fprintln(g.sys.Stdout, target.Long)
				return nil
			}
			return target.Help()
		},
	}
}
