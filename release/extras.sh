#!/bin/sh
# Writes what a release archive carries besides the binary: the shell
# completion scripts and the man pages, made by diary itself, into
# release/out/ (run from the module root, as GoReleaser's before hook does).
set -eu
out=release/out
rm -rf "$out"
mkdir -p "$out/completions" "$out/man"
go build -o "$out/diary" ./cmd/diary
for shell in bash zsh fish powershell; do
	"$out/diary" completion "$shell" > "$out/completions/diary.$shell"
done
"$out/diary" man "$out/man" > /dev/null
rm "$out/diary"
