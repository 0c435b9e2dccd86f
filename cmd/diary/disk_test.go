package main

import (
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/gitdiary/diary/internal/gittest"
)

// smallDisk mounts a tmpfs of size (as mount's size= takes it) on a new
// directory, unmounted when the test ends. Mounting needs root: without
// it the test is skipped, except under CI, where that is a failure.
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("mount a tmpfs for the full-disk test (CI runs as root): %v\n%s", err, out)
		}
		t.Skipf("cannot mount a tmpfs here (the full-disk tests need root): %v: %s", err, strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", "--lazy", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v\n%s", dir, err, out)
		}
	})
	return dir
}

// fill writes a file on dir's file system until the disk is full, then
// frees keep bytes of it; free removes the file.
func fill(t *testing.T, dir string, keep int64) (free func()) {
	t.Helper()
	p := filepath.Join(dir, "filler")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 64<<10)
	var n int64
	for {
		m, err := f.Write(chunk)
		n += int64(m)
		if errors.Is(err, syscall.ENOSPC) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Truncate(max(n-keep, 0)); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return func() {
		if err := os.Remove(p); err != nil {
			t.Fatal(err)
		}
	}
}

// randomFile is n bytes that do not compress, as a photo.
func randomFile(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return string(b)
}

type diskWorld struct {
	t      *testing.T
	env    map[string]string
	remote string
}

// newDiskWorld is a bare remote at remote (made by the git CLI, with one
// post) and a diarist's environment.
func newDiskWorld(t *testing.T, remote string) *diskWorld {
	gittest.NeedGit(t)
	home := t.TempDir()
	env := pinnedEnv(home)
	env["TZ"], env["PATH"], env["DIARY_HOST"] = "UTC", os.Getenv("PATH"), "a"
	gittest.Seeded(t, remote)
	return &diskWorld{t: t, env: env, remote: remote}
}

// diary runs diary and checks its exit code.
func (w *diskWorld) diary(want int, args ...string) string {
	w.t.Helper()
	code, out := run(w.t, w.env, w.env["HOME"], args...)
	if code != want {
		w.t.Fatalf("diary %s: exit %d, want %d\n%s", strings.Join(args, " "), code, want, out)
	}
	return out
}

// peerPush has a git CLI laptop push a commit with the files.
func (w *diskWorld) peerPush(files map[string]string) {
	w.t.Helper()
	dir := w.t.TempDir()
	gittest.Git(w.t, dir, "clone", "-q", w.remote, ".")
	for p, c := range files {
		gittest.Write(w.t, dir, p, c)
	}
	gittest.Git(w.t, dir, "add", "-A")
	gittest.Git(w.t, dir, "commit", "-q", "-m", "from the git laptop")
	gittest.Git(w.t, dir, "push", "-q", "origin", "HEAD:main")
}

func rev(t *testing.T, dir, name string) string {
	t.Helper()
	out, _ := gittest.TryGit(dir, "rev-parse", "-q", "--verify", name)
	return strings.TrimSpace(out)
}

// diskFull checks what a sync on a full disk said.
func diskFull(t *testing.T, out string) {
	t.Helper()
	if !strings.Contains(out, "disk is full") || !strings.Contains(out, "free space, then run diary sync again") {
		t.Errorf("the sync does not say the disk is full, and what to do:\n%s", out)
	}
	if strings.Contains(out, "offline") {
		t.Errorf("the sync calls a full disk offline:\n%s", out)
	}
}

// A full disk on the laptop, during the fetch, the commit, and on a path
// remote during the push: sync exits 1 saying the disk is full, nothing
// written is lost, every repository passes git fsck --strict, and once
// space is freed the next sync finishes with exit 0.
func TestFullDisk(t *testing.T) {
	t.Run("fetch", func(t *testing.T) {
		disk := smallDisk(t, "4m")
		w := newDiskWorld(t, filepath.Join(t.TempDir(), "remote.git"))
		dir := filepath.Join(disk, "diary")
		w.env["DIARY_REPO"] = dir
		w.diary(0, "clone", w.remote, dir)
		w.peerPush(map[string]string{"assets/img/photo.jpg": randomFile(1 << 20), "_posts/2022-04-02-peer.md": gittest.Post("Peer", "from git\n")})
		w.diary(0, "new", "Mine", "--body", "written on the small disk", "-q")
		before := rev(t, dir, "refs/remotes/origin/main")

		free := fill(t, disk, 192<<10)
		code, out := run(t, w.env, w.env["HOME"], "sync")
		if code != exitFailed {
			t.Errorf("sync on a full disk: exit %d, want %d\n%s", code, exitFailed, out)
		}
		diskFull(t, out)
		if after := rev(t, dir, "refs/remotes/origin/main"); after != before {
			t.Errorf("origin/main moved from %s to %s in a fetch the full disk cut short", before, after)
		}
		if got := gittest.Git(t, dir, "log", "--format=%s", "-1", "main"); !strings.Contains(got, `"Mine"`) {
			t.Errorf("the new entry is not committed: %s", got)
		}
		gittest.Fsck(t, dir)

		free()
		if out := w.diary(0, "sync"); !strings.Contains(out, "pushed to origin/main") {
			t.Errorf("the sync after freeing space:\n%s", out)
		}
		if gittest.Read(t, dir, "_posts/2022-04-02-peer.md") == "" {
			t.Error("the peer's post did not arrive")
		}
		gittest.Fsck(t, dir)
		gittest.Fsck(t, w.remote)
	})

	t.Run("commit", func(t *testing.T) {
		disk := smallDisk(t, "2m")
		w := newDiskWorld(t, filepath.Join(t.TempDir(), "remote.git"))
		dir := filepath.Join(disk, "diary")
		w.env["DIARY_REPO"] = dir
		w.diary(0, "clone", w.remote, dir)
		const p = "_posts/2022-04-30-full.md"
		text := gittest.Post("Full", strings.Repeat("a line written as the disk filled up\n", 200))
		gittest.Write(t, dir, p, text)

		free := fill(t, disk, 0)
		code, out := run(t, w.env, w.env["HOME"], "sync")
		if code != exitFailed {
			t.Errorf("sync on a full disk: exit %d, want %d\n%s", code, exitFailed, out)
		}
		diskFull(t, out)
		if got := gittest.Read(t, dir, p); got != text {
			t.Errorf("the entry changed on the full disk")
		}
		free()
		gittest.Fsck(t, dir)
		w.diary(0, "sync")
		if got := gittest.Git(t, w.remote, "show", "main:"+p); got != text {
			t.Errorf("the remote has %q", got)
		}
		gittest.Fsck(t, dir)
		gittest.Fsck(t, w.remote)
	})

	t.Run("push to a path remote", func(t *testing.T) {
		disk := smallDisk(t, "4m")
		w := newDiskWorld(t, filepath.Join(disk, "remote.git"))
		dir := filepath.Join(t.TempDir(), "diary")
		w.env["DIARY_REPO"] = dir
		w.diary(0, "clone", w.remote, dir)
		gittest.Write(t, dir, "assets/img/photo.jpg", randomFile(1<<20))
		w.diary(0, "new", "Photo", "--body", "a photo", "-q")
		before := rev(t, w.remote, "main")

		free := fill(t, disk, 128<<10)
		code, out := run(t, w.env, w.env["HOME"], "sync")
		if code != exitFailed {
			t.Errorf("sync to a full remote disk: exit %d, want %d\n%s", code, exitFailed, out)
		}
		diskFull(t, out)
		if after := rev(t, w.remote, "main"); after != before {
			t.Errorf("the remote's main moved from %s to %s in a push the full disk cut short", before, after)
		}
		gittest.Fsck(t, w.remote)
		gittest.Fsck(t, dir)

		free()
		if out := w.diary(0, "sync"); !strings.Contains(out, "pushed to origin/main") {
			t.Errorf("the sync after freeing space:\n%s", out)
		}
		gittest.Fsck(t, w.remote)
		clone := filepath.Join(t.TempDir(), "clone")
		gittest.Git(t, filepath.Dir(clone), "clone", "-q", w.remote, clone)
		if gittest.Read(t, clone, "assets/img/photo.jpg") == "" {
			t.Error("a git clone of the remote has no photo")
		}
	})
}

// A remote-tracking ref that an older diary left at a commit it never
// received (go-git set it although the fetch failed): doctor calls it an
// error and says what to do, and the next sync fetches the commit again
// and finishes, rather than fail with "object not found" for good.
func TestRefAtMissingObjectsHeals(t *testing.T) {
	w := newDiskWorld(t, filepath.Join(t.TempDir(), "remote.git"))
	dir := filepath.Join(t.TempDir(), "diary")
	w.env["DIARY_REPO"] = dir
	w.diary(0, "clone", w.remote, dir)
	w.peerPush(map[string]string{"_posts/2022-04-02-peer.md": gittest.Post("Peer", "from git\n")})
	tip := rev(t, w.remote, "main")
	if err := os.WriteFile(filepath.Join(dir, ".git", "refs", "remotes", "origin", "main"), []byte(tip+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := gittest.TryGit(dir, "fsck", "--strict", "--no-progress"); err == nil {
		t.Fatal("git fsck finds nothing wrong with a ref at a missing commit")
	}

	code, out := run(t, w.env, w.env["HOME"], "doctor")
	if code != exitFailed || !strings.Contains(out, "refs/remotes/origin/main points at "+tip[:7]) || !strings.Contains(out, "diary sync") {
		t.Errorf("doctor on a ref at a missing commit: exit %d, want %d, naming the ref and the fix:\n%s", code, exitFailed, out)
	}
	w.diary(0, "new", "Mine", "--body", "written meanwhile", "-q")
	if out := w.diary(0, "sync"); !strings.Contains(out, "pushed to origin/main") {
		t.Errorf("sync after the broken fetch:\n%s", out)
	}
	if gittest.Read(t, dir, "_posts/2022-04-02-peer.md") == "" {
		t.Error("the peer's post did not arrive")
	}
	gittest.Fsck(t, dir)
	if out := w.diary(0, "doctor"); strings.Contains(out, "error") {
		t.Errorf("doctor after the sync healed it:\n%s", out)
	}
}

// A branch at a missing commit, and a blob that is gone: doctor reports
// each as an error with the fix.
func TestDoctorFindsMissingObjects(t *testing.T) {
	w := newDiskWorld(t, filepath.Join(t.TempDir(), "remote.git"))
	dir := filepath.Join(t.TempDir(), "diary")
	w.env["DIARY_REPO"] = dir
	w.diary(0, "clone", w.remote, dir)
	gittest.Git(t, dir, "config", "core.looseCompression", "0")
	w.diary(0, "new", "Mine", "--body", "a blob to lose", "-q")
	blob := strings.TrimSpace(gittest.Git(t, dir, "rev-parse", "HEAD:_posts/2022-04-30-mine.md"))
	if err := os.Remove(filepath.Join(dir, ".git", "objects", blob[:2], blob[2:])); err != nil {
		t.Fatalf("the new entry's blob is not loose: %v", err)
	}
	code, out := run(t, w.env, w.env["HOME"], "doctor")
	if code != exitFailed || !strings.Contains(out, "error    objects: ") || !strings.Contains(out, blob[:7]) {
		t.Errorf("doctor with a blob gone: exit %d, want %d, naming %s:\n%s", code, exitFailed, blob[:7], out)
	}

	if err := os.WriteFile(filepath.Join(dir, ".git", "refs", "heads", "main"), []byte(strings.Repeat("ab", 20)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out = run(t, w.env, w.env["HOME"], "doctor")
	if code != exitFailed || !strings.Contains(out, "refs/heads/main points at abababa") {
		t.Errorf("doctor with main at a missing commit: exit %d, want %d:\n%s", code, exitFailed, out)
	}
}

// sparse makes rel a file of size bytes that takes no room (truncate).
func sparse(t *testing.T, root, rel string, size int64) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
}

// diary never pushes what it would refuse to fetch: a file over 100 MB
// (GitHub's limit) in a commit to be pushed is refused before anything
// is sent, naming the file, its size and the limit, with the commit
// kept here (exit 1); a post that large is reported by the lint by its
// size, never read.
func TestOversizedFilesAreNotPushed(t *testing.T) {
	w := newDiskWorld(t, filepath.Join(t.TempDir(), "remote.git"))
	dir := filepath.Join(t.TempDir(), "diary")
	w.env["DIARY_REPO"] = dir
	w.diary(0, "clone", w.remote, dir)
	before := rev(t, w.remote, "main")

	sparse(t, dir, "assets/video/holiday.mov", 101<<20)
	code, out := run(t, w.env, w.env["HOME"], "sync")
	if code != exitFailed {
		t.Errorf("sync of a 101 MB file: exit %d, want %d\n%s", code, exitFailed, out)
	}
	for _, want := range []string{"assets/video/holiday.mov", "101 MB", "100 MB", "git reset --soft origin/main"} {
		if !strings.Contains(out, want) {
			t.Errorf("the refusal does not say %q:\n%s", want, out)
		}
	}
	if now := rev(t, w.remote, "main"); now != before {
		t.Errorf("the remote's main moved to %s", now)
	}
	if got := gittest.Git(t, dir, "log", "-1", "--format=%s", "--", "assets/video/holiday.mov"); got == "" {
		t.Error("the file is not committed here")
	}
	gittest.Fsck(t, dir)

	// Taken out as the message says, the rest is pushed.
	gittest.Git(t, dir, "reset", "-q", "--soft", "origin/main")
	if err := os.Rename(filepath.Join(dir, "assets/video/holiday.mov"), filepath.Join(t.TempDir(), "holiday.mov")); err != nil {
		t.Fatal(err)
	}
	gittest.Git(t, dir, "reset", "-q")
	w.diary(0, "sync")

	const post = "_posts/2022-04-30-huge.md"
	sparse(t, dir, post, 101<<20)
	code, out = run(t, w.env, w.env["HOME"], "sync")
	if code != exitFailed || !strings.Contains(out, post+": 101 MB") {
		t.Errorf("sync of a 101 MB post: exit %d, want %d, the post named with its size:\n%s", code, exitFailed, out)
	}
	code, out = run(t, w.env, w.env["HOME"], "status")
	if !strings.Contains(out, post) {
		t.Errorf("status of a 101 MB post: exit %d\n%s", code, out)
	}
	code, out = run(t, w.env, w.env["HOME"], "list")
	if code != exitOK || !strings.Contains(out, post+": 101 MB, too large for a post") {
		t.Errorf("list with a 101 MB post: exit %d, want a warning that names it:\n%s", code, out)
	}
	gittest.Fsck(t, dir)
	gittest.Fsck(t, w.remote)
}

// The disk fills at any point of a sync that fetches a photo, merges and
// pushes: whatever the sync then says (done, or the disk is full), once
// space is freed the next sync finishes with exit 0, with both laptops'
// entries, and every repository passes git fsck --strict. The levels
// step through the whole sync, the fetch's pack and index, the merge's
// objects, the index, the refs and the records.
func TestFullDiskAtEveryLevel(t *testing.T) {
	if testing.Short() {
		t.Skip("fills a disk a dozen times")
	}
	// Coarse through the fetch; fine where the sync's last steps run out
	// of room (about 2.1 MB free here: the photo's pack, then its file).
	var levels []int64
	for keep := int64(0); keep < 2048<<10; keep += 256 << 10 {
		levels = append(levels, keep)
	}
	for keep := int64(2048 << 10); keep <= 2304<<10; keep += 16 << 10 {
		levels = append(levels, keep)
	}
	for _, keep := range levels {
		t.Run(fmt.Sprintf("%dK", keep>>10), func(t *testing.T) {
			disk := smallDisk(t, "4m")
			w := newDiskWorld(t, filepath.Join(t.TempDir(), "remote.git"))
			dir := filepath.Join(disk, "diary")
			w.env["DIARY_REPO"] = dir
			w.diary(0, "clone", w.remote, dir)
			w.peerPush(map[string]string{"assets/img/photo.jpg": randomFile(1 << 20), "_posts/2022-04-02-peer.md": gittest.Post("Peer", "from git\n")})
			w.diary(0, "new", "Mine", "--body", "written as the disk filled up", "-q")

			free := fill(t, disk, keep)
			code, out := run(t, w.env, w.env["HOME"], "sync")
			t.Logf("with %d KB free, sync exits %d", keep>>10, code)
			switch code {
			case 0:
			case exitFailed:
				diskFull(t, out)
			default:
				t.Errorf("sync on a disk with %d KB free: exit %d\n%s", keep>>10, code, out)
			}
			free()
			if out := w.diary(0, "sync"); code != 0 && !strings.Contains(out, "pushed to origin/main") {
				t.Errorf("the sync after freeing space:\n%s", out)
			}
			if gittest.Read(t, dir, "_posts/2022-04-02-peer.md") == "" {
				t.Error("the peer's post did not arrive")
			}
			if got := gittest.Git(t, w.remote, "log", "--format=%s", "main"); !strings.Contains(got, `"Mine"`) {
				t.Errorf("the remote lacks the entry written on the full disk:\n%s", got)
			}
			gittest.Fsck(t, dir)
			gittest.Fsck(t, w.remote)
		})
	}
}

// diary never pushes what it would refuse to fetch: a post that is a
// link out of the work tree (to /etc/passwd, or to /dev/zero) is
// committed here, nothing lost, but the push is refused, naming it, so
// that no other laptop's sync fails on it for good.
func TestEscapingLinksAreNotPushed(t *testing.T) {
	for _, target := range []string{"/etc/passwd", "../../../../etc/hostname", "/dev/zero"} {
		t.Run(strings.ReplaceAll(target, "/", "_"), func(t *testing.T) {
			w := newDiskWorld(t, filepath.Join(t.TempDir(), "remote.git"))
			dir := filepath.Join(t.TempDir(), "diary")
			w.env["DIARY_REPO"] = dir
			w.diary(0, "clone", w.remote, dir)
			w.diary(0, "new", "Kept", "--body", "an entry that must stay", "-q")
			if err := os.Symlink(target, filepath.Join(dir, "_posts", "2022-05-01-link.md")); err != nil {
				t.Fatal(err)
			}
			before := rev(t, w.remote, "main")
			code, out := run(t, w.env, w.env["HOME"], "sync")
			if code != exitFailed {
				t.Errorf("sync with a link out of the diary: exit %d, want %d\n%s", code, exitFailed, out)
			}
			t.Logf("diary sync said:\n%s", out)
			if !strings.Contains(out, "2022-05-01-link.md") {
				t.Errorf("the refusal does not name the link:\n%s", out)
			}
			if after := rev(t, w.remote, "main"); after != before {
				t.Errorf("the remote's main moved from %s to %s", before, after)
			}
			if got := gittest.Git(t, dir, "log", "--format=%s", "-2", "main"); !strings.Contains(got, `"Kept"`) {
				t.Errorf("the entry is not committed here:\n%s", got)
			}
			// A git CLI laptop's clone of the remote, and diary's, still work.
			w.diary(0, "clone", w.remote, filepath.Join(t.TempDir(), "other"))
		})
	}
}
