// Package attr is the room of repo that reads git's attributes and
// applies the text and end-of-line conversions they ask for, as git 2.39
// does: the files (.gitattributes in each directory, .git/info/attributes,
// the user's and the system's), their patterns and macros, and what
// `git add` stores (clean) and `git checkout` writes (smudge) for the
// attributes text, eol and crlf and the settings core.autocrlf and
// core.eol.
//
// The rules are those of the documentation: gitattributes(5) (its
// sections DESCRIPTION, "Effects: text, eol" and "USING MACRO
// ATTRIBUTES"), gitignore(5) (PATTERN FORMAT, which attribute patterns
// follow, without negation) and git-config(1) (core.autocrlf, core.eol,
// core.attributesFile). The conversion is written from those and checked
// against the git CLI (attr_git_test.go), which is the judge of every
// corner the documents leave open.
//
// Only repo imports it; it knows nothing of repo's state: repo gives it
// the files' bytes and asks about paths.
package attr
