package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestReleaseBuild builds diary with the flags release/goreleaser.yaml
// gives, as a release is built: the binary says the tag's version, holds
// no path of the machine that built it (-trimpath), and carries no
// symbol table (-s -w).
func TestReleaseBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds diary")
	}
	data, err := os.ReadFile("../../release/goreleaser.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Builds []struct {
			Main    string   `yaml:"main"`
			Env     []string `yaml:"env"`
			Flags   []string `yaml:"flags"`
			Ldflags []string `yaml:"ldflags"`
		} `yaml:"builds"`
	}
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		t.Fatalf("release/goreleaser.yaml: %v", err)
	}
	if len(cfg.Builds) != 1 || cfg.Builds[0].Main != "./cmd/diary" {
		t.Fatalf("release/goreleaser.yaml builds %+v, want the one build of ./cmd/diary", cfg.Builds)
	}
	b := cfg.Builds[0]
	ld := strings.ReplaceAll(strings.Join(b.Ldflags, " "), "{{.Version}}", "9.8.7")
	bin := filepath.Join(t.TempDir(), "diary")
	args := append([]string{"build"}, b.Flags...)
	args = append(args, "-ldflags", ld, "-o", bin, ".")
	cmd := exec.Command("go", args...)
	cmd.Env = append(os.Environ(), b.Env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(out), "diary v9.8.7 (") {
		t.Errorf("diary version: %q, want the release's v9.8.7", out)
	}
	exe, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	here, _ := filepath.Abs(".")
	if bytes.Contains(exe, []byte(here)) {
		t.Errorf("the release binary holds the build machine's path %s: -trimpath is missing", here)
	}
	if bytes.Contains(exe, []byte(".symtab")) {
		t.Errorf("the release binary has a symbol table: -s -w are missing")
	}
	t.Logf("release binary: %d bytes", len(exe))
}
