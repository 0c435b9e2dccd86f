// Package notice writes NOTICE, the third-party notices for what the
// diary binary links: every module ./cmd/diary is built from, on each
// platform diary is released for, with its licence texts from the module
// cache. `go run ./internal/cmd/notice` writes the file; a test fails
// when the file names other modules than the build links.
package notice

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// Platforms are the GOOS values diary is built for: a module may be
// linked on one only (cobra's mousetrap is Windows').
var Platforms = []string{"linux", "darwin", "windows"}

// Module is one linked module.
type Module struct {
	Path, Version string
	Dir           string // in the module cache
}

// Modules lists the modules that ./cmd/diary links on any platform,
// sorted by path, asking the go command in the module root dir. env is
// added to the go command's environment (GOPROXY=off keeps it offline).
func Modules(dir string, env ...string) ([]Module, error) {
	seen := map[string]Module{}
	for _, goos := range Platforms {
		cmd := exec.Command("go", "list", "-deps", "-f",
			"{{with .Module}}{{if not .Main}}{{.Path}}\t{{.Version}}\t{{with .Replace}}{{.Dir}}{{else}}{{.Dir}}{{end}}{{end}}{{end}}",
			"./cmd/diary")
		cmd.Dir = dir
		cmd.Env = append(append(os.Environ(), "GOOS="+goos, "CGO_ENABLED=0"), env...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("go list for %s: %v: %s: run go mod download first", goos, err, strings.TrimSpace(stderr.String()))
		}
		for _, l := range strings.Split(string(out), "\n") {
			f := strings.Split(l, "\t")
			if len(f) != 3 {
				continue
			}
			seen[f[0]] = Module{Path: f[0], Version: f[1], Dir: f[2]}
		}
	}
	var mods []Module
	for _, m := range seen {
		mods = append(mods, m)
	}
	slices.SortFunc(mods, func(a, b Module) int { return strings.Compare(a.Path, b.Path) })
	return mods, nil
}

// licenceFile matches the files that hold a module's licence and
// notices, at its root.
var licenceFile = regexp.MustCompile(`(?i)^(licen[cs]e|copying|notice|patents)([.-].*)?$`)

// Kind names a licence text by its words, for the reader of NOTICE; the
// text itself follows it there.
func Kind(text string) string {
	t := strings.Join(strings.Fields(text), " ")
	var kinds []string
	if strings.Contains(t, "Permission is hereby granted, free of charge") {
		kinds = append(kinds, "MIT")
	}
	if strings.Contains(t, "Apache License") && strings.Contains(t, "Version 2.0") {
		kinds = append(kinds, "Apache-2.0")
	}
	if strings.Contains(t, "Mozilla Public License") {
		kinds = append(kinds, "MPL-2.0")
	}
	if strings.Contains(t, "Redistribution and use in source and binary forms") {
		if strings.Contains(t, "Neither the name") || strings.Contains(t, "names of its contributors") {
			kinds = append(kinds, "BSD-3-Clause")
		} else {
			kinds = append(kinds, "BSD-2-Clause")
		}
	}
	if strings.Contains(t, "Permission to use, copy, modify, and/or distribute") {
		kinds = append(kinds, "ISC")
	}
	if len(kinds) == 0 {
		return "see the text"
	}
	return strings.Join(kinds, " and ")
}

// Header is the line that names a module in NOTICE.
func Header(m Module) string { return "== " + m.Path + " " + m.Version }

// Render writes NOTICE for mods, reading their licence files.
func Render(mods []Module) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("diary links the following modules into its binary. Their copyright\n" +
		"notices and licences follow, as their authors ask. diary itself is\n" +
		"under the MIT licence in LICENSE.\n\n" +
		"This file is written by `go run ./internal/cmd/notice`; a test fails\n" +
		"when it no longer names the modules the build links.\n")
	for _, m := range mods {
		des, err := os.ReadDir(m.Dir)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w: run go mod download first", m.Dir, err)
		}
		var files []string
		for _, de := range des {
			if !de.IsDir() && licenceFile.MatchString(de.Name()) {
				files = append(files, de.Name())
			}
		}
		if len(files) == 0 {
			return nil, fmt.Errorf("%s %s: no licence file in %s: find its licence before linking it", m.Path, m.Version, m.Dir)
		}
		slices.Sort(files)
		first, err := os.ReadFile(filepath.Join(m.Dir, files[0]))
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&b, "\n%s (%s)\n", Header(m), Kind(string(first)))
		for _, f := range files {
			data, err := os.ReadFile(filepath.Join(m.Dir, f))
			if err != nil {
				return nil, err
			}
			fmt.Fprintf(&b, "\n-- %s --\n\n", f)
			b.Write(bytes.TrimRight(data, "\n\r\t "))
			b.WriteString("\n")
		}
	}
	return b.Bytes(), nil
}

// Named returns the modules NOTICE names, as "path version".
func Named(notice []byte) []string {
	var out []string
	for _, l := range strings.Split(string(notice), "\n") {
		if rest, ok := strings.CutPrefix(l, "== "); ok {
			f := strings.Fields(rest)
			if len(f) >= 2 {
				out = append(out, f[0]+" "+f[1])
			}
		}
	}
	return out
}
