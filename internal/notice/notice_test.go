package notice

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestNoticeIsCurrent fails when NOTICE no longer names exactly the
// modules (and versions) that the diary binary links: after a change to
// go.mod, run go run ./internal/cmd/notice. It asks the go command with
// the network off, so it needs the module cache (go mod download).
func TestNoticeIsCurrent(t *testing.T) {
	root := filepath.Join("..", "..")
	data, err := os.ReadFile(filepath.Join(root, "NOTICE"))
	if err != nil {
		t.Fatalf("%v: write it with go run ./internal/cmd/notice", err)
	}
	mods, err := Modules(root, "GOPROXY=off", "GOFLAGS=-mod=readonly")
	if err != nil {
		t.Fatal(err)
	}
	var linked []string
	for _, m := range mods {
		linked = append(linked, m.Path+" "+m.Version)
	}
	named := Named(data)
	for _, m := range linked {
		if !slices.Contains(named, m) {
			t.Errorf("the binary links %s, which NOTICE does not name", m)
		}
	}
	for _, m := range named {
		if !slices.Contains(linked, m) {
			t.Errorf("NOTICE names %s, which the binary does not link", m)
		}
	}
	if t.Failed() {
		t.Log("run go run ./internal/cmd/notice to write NOTICE again")
	}
}

// TestKind: the licence names in NOTICE's headers.
func TestKind(t *testing.T) {
	for text, want := range map[string]string{
		"Permission is hereby granted, free of charge, to any person":                                 "MIT",
		"Apache License\n Version 2.0, January 2004":                                                  "Apache-2.0",
		"Redistribution and use in source and binary forms ... Neither the name of Google":            "BSD-3-Clause",
		"Redistribution and use in source and binary forms, with or without modification":             "BSD-2-Clause",
		"MIT and Apache: Permission is hereby granted, free of charge ... Apache License Version 2.0": "MIT and Apache-2.0",
		"all rights reserved": "see the text",
	} {
		if got := Kind(text); got != want {
			t.Errorf("Kind(%q) = %q, want %q", text, got, want)
		}
	}
}
