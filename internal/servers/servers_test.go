package servers

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gitdiary/diary/internal/gittest"
)

// The git CLI, with its own ssh, reaches each server: the helpers work
// whatever diary does.

func bareWithCommit(t *testing.T, root string) string {
	t.Helper()
	bare := gittest.Bare(t, filepath.Join(root, "diary.git"))
	wt := t.TempDir()
	gittest.Git(t, wt, "init", "-q", "-b", "main")
	gittest.Write(t, wt, "a.md", "a\n")
	gittest.Git(t, wt, "add", "-A")
	gittest.Git(t, wt, "commit", "-q", "-m", "a")
	gittest.Git(t, wt, "push", "-q", bare, "main")
	return bare
}

func lsRemote(t *testing.T, url string, env ...string) string {
	t.Helper()
	cmd := exec.Command("git", "ls-remote", url)
	cmd.Env = append(gittest.Env(t.TempDir()), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git ls-remote %s: %v\n%s", url, err, out)
	}
	return string(out)
}

func TestSSHD(t *testing.T) {
	ssh, err := exec.LookPath("ssh")
	if err != nil {
		t.Skip("no ssh client to check sshd with")
	}
	key := NewKey(t, "ed25519", "client")
	s := StartSSHD(t, SSHDOptions{AuthorizedKeys: []*Key{key}})
	bare := bareWithCommit(t, t.TempDir())
	dir := t.TempDir()
	key.Write(t, filepath.Join(dir, "id"), "")
	known := filepath.Join(dir, "known_hosts")
	os.WriteFile(known, []byte(s.KnownHosts()), 0o600)
	out := lsRemote(t, s.URL(bare), "GIT_SSH_COMMAND="+ssh+" -F none -i "+filepath.Join(dir, "id")+" -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile="+known)
	if !strings.Contains(out, "refs/heads/main") {
		t.Errorf("ls-remote over ssh:\n%s", out)
	}
}

func TestHTTP(t *testing.T) {
	gittest.NeedGit(t)
	root := t.TempDir()
	bareWithCommit(t, root)
	h := StartHTTP(t, root, HTTPOptions{User: "u", Password: "p"})
	out := lsRemote(t, strings.Replace(h.URL("diary.git"), "://", "://u:p@", 1))
	if !strings.Contains(out, "refs/heads/main") {
		t.Errorf("ls-remote over http:\n%s", out)
	}
	cmd := exec.Command("git", "ls-remote", strings.Replace(h.URL("diary.git"), "://", "://u:wrong@", 1))
	cmd.Env = gittest.Env(t.TempDir())
	if out, err := cmd.CombinedOutput(); err == nil || h.Refused.Load() == 0 {
		t.Errorf("wrong password accepted:\n%s", out)
	}
}

func TestDaemon(t *testing.T) {
	gittest.NeedGit(t)
	root := t.TempDir()
	bareWithCommit(t, root)
	d := StartDaemon(t, root)
	if out := lsRemote(t, d.URL("diary.git")); !strings.Contains(out, "refs/heads/main") {
		t.Errorf("ls-remote over git://:\n%s", out)
	}
}

func TestMissingServerSkips(t *testing.T) {
	t.Setenv("CI", "")
	var sub *testing.T
	t.Run("missing", func(t *testing.T) {
		sub = t
		need(t, "diary-no-such-server", "no-such-package")
		t.Error("need returned for a missing program")
	})
	if !sub.Skipped() {
		t.Error("a missing server did not skip the test")
	}
}
