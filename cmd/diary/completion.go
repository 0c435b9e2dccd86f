package main

import (
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gitdiary/diary/config"
	"github.com/gitdiary/diary/internal/app"
)

func newCompletionCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "completion SHELL",
		Short: "Print a shell completion script (bash, zsh, fish, powershell)",
		Long: `Print the completion script for SHELL. It completes commands, flags,
entries (by slug, file name or path, with their titles), setting keys and
values. The bash script works with or without the bash-completion package.`,
		Example:   "  diary completion bash > ~/.local/share/bash-completion/completions/diary\n  diary completion zsh > \"${fpath[1]}/_diary\"\n  diary completion fish > ~/.config/fish/completions/diary.fish",
		ValidArgs: []string{"bash", "zsh", "fish", "powershell"},
		Args:      args(cobra.MatchAll(cobra.ExactArgs(1), cobra.OnlyValidArgs)),
		RunE: func(c *cobra.Command, a []string) error {
			root, out := c.Root(), g.sys.Stdout
			switch a[0] {
			case "bash":
				// cobra's script needs _get_comp_words_by_ref from the
				// bash-completion package; where that is not loaded, a
				// small one of ours stands in.
				if _, err := out.Write([]byte(bashWordsFallback)); err != nil {
					return err
				}
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

// bashWordsFallback defines _get_comp_words_by_ref, when nothing has, as
// far as cobra's script uses it: it sets the variables named (cur, prev,
// words, cword) from COMP_WORDS and COMP_CWORD, and ignores -n (so a word
// is split where bash splits it, at = and : too).
const bashWordsFallback = `# diary: a stand-in for bash-completion's _get_comp_words_by_ref.
if ! declare -F _get_comp_words_by_ref >/dev/null 2>&1; then
_get_comp_words_by_ref() {
    while [[ $# -gt 0 && $1 == -* ]]; do
        case $1 in -n|-c|-i|-p|-w) shift ;; esac
        shift
    done
    local v
    for v in "$@"; do
        case $v in
        cur) cur=${COMP_WORDS[COMP_CWORD]} ;;
        prev) prev=${COMP_WORDS[COMP_CWORD-1]} ;;
        words) words=("${COMP_WORDS[@]}") ;;
        cword) cword=$COMP_CWORD ;;
        esac
    done
}
fi

`

// completeEntries completes the first argument with the diary's entries,
// in the form the user has begun to type: a path (after _ or /), a file
// name without extension (after a digit), else a slug (once, where two
// entries share one: edit then lists both). Each comes with its title. drafts
// and posts say which entries count.
func completeEntries(g *globals, posts, drafts bool) cobra.CompletionFunc {
	return func(c *cobra.Command, a []string, typed string) ([]cobra.Completion, cobra.ShellCompDirective) {
		d := completionDiary(g, a)
		if d == nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		entries, _, err := d.List(c.Context(), app.ListOptions{Drafts: drafts})
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		type cand struct{ path, name, slug, title string }
		var cands []cand
		slugs := map[string]int{}
		for _, e := range entries {
			if (e.Draft && !drafts) || (!e.Draft && !posts) {
				continue
			}
			base := path.Base(e.Path)
			name := strings.TrimSuffix(base, path.Ext(base))
			slug := name
			if len(name) > 11 && name[4] == '-' && name[7] == '-' && name[10] == '-' {
				slug = name[11:]
			}
			slugs[slug]++
			cands = append(cands, cand{e.Path, name, slug, oneLine(e.Title)})
		}
		var out []cobra.Completion
		for _, k := range cands {
			v := k.slug
			switch {
			case strings.HasPrefix(typed, "_") || strings.Contains(typed, "/"):
				v = k.path
			case typed != "" && typed[0] >= '0' && typed[0] <= '9':
				v = k.name
			case slugs[k.slug] == 0:
				continue // offered once already
			default:
				slugs[k.slug] = 0
			}
			if strings.HasPrefix(v, typed) {
				out = append(out, cobra.CompletionWithDesc(v, k.title))
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// completionDiary is the diary whose entries complete the first
// argument; nil for a later argument, or where there is no diary.
func completionDiary(g *globals, a []string) *app.Diary {
	if len(a) > 0 {
		return nil
	}
	d, err := app.Open(g.options())
	if err != nil {
		return nil
	}
	return d
}

// completeConflicts completes the entries that have conflict copies.
func completeConflicts(g *globals) cobra.CompletionFunc {
	return func(c *cobra.Command, a []string, typed string) ([]cobra.Completion, cobra.ShellCompDirective) {
		d := completionDiary(g, a)
		if d == nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		paths, _ := d.ConflictEntries()
		var out []cobra.Completion
		for _, p := range paths {
			if strings.HasPrefix(p, typed) {
				out = append(out, p)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// completeKeys completes a setting's key, with what it means; for set,
// the second argument gets the values a key takes, where they are few.
func completeKeys(values bool) cobra.CompletionFunc {
	return func(c *cobra.Command, a []string, typed string) ([]cobra.Completion, cobra.ShellCompDirective) {
		switch {
		case len(a) == 0:
			var out []cobra.Completion
			for _, k := range config.Keys() {
				if strings.HasPrefix(k, typed) {
					out = append(out, cobra.CompletionWithDesc(k, config.Describe(k)))
				}
			}
			return out, cobra.ShellCompDirectiveNoFileComp
		case len(a) == 1 && values:
			return config.Values(a[0]), cobra.ShellCompDirectiveNoFileComp
		}
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
}

// completeSearch completes a search query's tag: and category: values
// with those the diary's entries have, and offers tag: and category:
// themselves.
func completeSearch(g *globals) cobra.CompletionFunc {
	return func(c *cobra.Command, a []string, typed string) ([]cobra.Completion, cobra.ShellCompDirective) {
		neg := strings.HasPrefix(typed, "-")
		word := strings.TrimPrefix(typed, "-")
		var field string
		for _, f := range []string{"tag:", "category:"} {
			if strings.HasPrefix(word, f) {
				field = f
			}
		}
		if field == "" {
			if neg && word == "" {
				return nil, cobra.ShellCompDirectiveNoFileComp // a flag: cobra offers those
			}
			var out []cobra.Completion
			for _, f := range []string{"tag:", "category:"} {
				if strings.HasPrefix(f, word) && word != "" {
					out = append(out, cobra.Completion(strings.TrimSuffix(typed, word)+f))
				}
			}
			return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
		}
		d, err := app.Open(g.options())
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		entries, _, err := d.List(c.Context(), app.ListOptions{Drafts: true})
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		seen := map[string]bool{}
		var out []cobra.Completion
		prefix := strings.TrimSuffix(typed, strings.TrimPrefix(word, field))
		for _, e := range entries {
			vals := e.Tags
			if field == "category:" {
				vals = e.Categories
			}
			for _, v := range vals {
				if strings.ContainsAny(v, " \t\"") || seen[v] {
					continue
				}
				seen[v] = true
				if cand := prefix + v; strings.HasPrefix(cand, typed) {
					out = append(out, cobra.Completion(cand))
				}
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// completeDay completes on-this-day's DATE with the words of a day new
// --date reads on its own: today, yesterday and the weekdays.
func completeDay(c *cobra.Command, a []string, typed string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(a) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []cobra.Completion
	for _, w := range []string{"today", "yesterday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"} {
		if strings.HasPrefix(w, strings.ToLower(typed)) {
			out = append(out, cobra.Completion(w))
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// completeYears completes calendar's YEAR with the years the diary's
// posts are dated in, newest first.
func completeYears(g *globals) cobra.CompletionFunc {
	return func(c *cobra.Command, a []string, typed string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(a) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		d, err := app.Open(g.options())
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		entries, _, err := d.List(c.Context(), app.ListOptions{})
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []cobra.Completion
		last := -1
		for _, e := range entries { // newest first
			y := e.Date.In(d.Config.Location).Year()
			if y == last {
				continue
			}
			last = y
			if s := strconv.Itoa(y); strings.HasPrefix(s, typed) && !slices.Contains(out, s) {
				out = append(out, cobra.Completion(s))
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveKeepOrder
	}
}
