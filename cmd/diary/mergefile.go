package main

import (
	"github.com/spf13/cobra"

	"github.com/gitdiary/diary/internal/app"
)

func newMergeFileCmd(g *globals) *cobra.Command {
	var o app.MergeFileOptions
	c := &cobra.Command{
		Use: "merge-file [--post] [-L LABEL]... CURRENT BASE OTHER",
		Example: `  diary merge-file --post mine.md base.md theirs.md
  git config merge.diary.driver 'diary merge-file --post %A %O %B'   # what diary init --merge-driver writes`,
		Short: "Merge a file as diary does, for git's merge drivers",
		Long: `Merge the changes from BASE to OTHER into CURRENT, the way diary sync
merges: a post front matter key by key (tags and categories as sets), its
body and any other file line by line as git merge-file does. The merge is
written over CURRENT. This is git's merge-driver protocol (%A %O %B);
diary init --merge-driver registers it, so that git merge and git pull
merge posts this way too.

A post is a file of _posts/ or _drafts/ (named by --path, git's %P, or
else by CURRENT), or any file with --post. -L names CURRENT, BASE and
OTHER in conflict markers, as in git merge-file; unnamed ones are shown
by their file names.

Exit status: 0 merged cleanly; 1 conflicts, marked in CURRENT; 2 bad
input (a missing file, a directory, a binary file), CURRENT untouched.
It needs no diary and reads no settings.`,
		Args: args(cobra.ExactArgs(3)),
		RunE: func(c *cobra.Command, a []string) error {
			o.Current, o.Base, o.Other = a[0], a[1], a[2]
			o.Dir = g.sys.Dir
			n, err := app.MergeFile(o)
			if err != nil {
				return err
			}
			if n > 0 {
				return &exitError{code: exitMergeConflicts}
			}
			return nil
		},
	}
	c.Flags().BoolVar(&o.Post, "post", false, "merge as a Jekyll post whatever the file's name")
	c.Flags().StringVar(&o.Path, "path", "", "the file's path in the work tree (git's %P)")
	c.Flags().StringArrayVarP(&o.Labels, "label", "L", nil, "name CURRENT, then BASE, then OTHER in conflict markers")
	return c
}
