package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gitdiary/diary/internal/gittest"
)

// usbDisk mounts a new exFAT file system, as on a USB stick, on a new
// directory, unmounted when the test ends. exFAT has no hard links, no
// symbolic links and no modes: what diary writes there must do without
// them. It is served by exfat-fuse from a loop device, so the test needs
// root, /dev/fuse and a free loop device: without them it is skipped,
// except under CI, where that is a failure.
func usbDisk(t *testing.T) string {
	t.Helper()
	fail := t.Skipf
	if os.Getenv("CI") == "true" {
		fail = t.Fatalf
	}
	for _, tool := range []string{"mkfs.exfat", "mount.exfat-fuse", "losetup", "umount"} {
		if _, err := exec.LookPath(tool); err != nil {
			fail("%s is not installed (Debian's exfatprogs, exfat-fuse and mount have them): %v", tool, err)
		}
	}
	img := filepath.Join(t.TempDir(), "usb.img")
	if err := os.WriteFile(img, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(img, 64<<20); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mkfs.exfat", img).CombinedOutput(); err != nil {
		t.Fatalf("mkfs.exfat: %v\n%s", err, out)
	}
	out, err := exec.Command("losetup", "--find", "--show", img).CombinedOutput()
	if err != nil {
		fail("no loop device for an exFAT disk (the test needs root): %v: %s", err, strings.TrimSpace(string(out)))
	}
	dev := strings.TrimSpace(string(out))
	t.Cleanup(func() { exec.Command("losetup", "-d", dev).Run() })
	dir := t.TempDir()
	if out, err := exec.Command("mount.exfat-fuse", dev, dir).CombinedOutput(); err != nil {
		fail("mount an exFAT disk with exfat-fuse (the test needs root and /dev/fuse): %v: %s", err, strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			exec.Command("umount", "--lazy", dir).Run()
			t.Logf("umount %s: %v\n%s", dir, err, out)
		}
	})
	// The point of the disk: it cannot hard-link.
	if os.Link(img, filepath.Join(dir, "probe")) == nil {
		t.Fatalf("%s takes hard links: not the file system this test needs", dir)
	}
	return dir
}

// A diary synced through a USB stick formatted exFAT (a path remote on
// it), and a diary kept on one: a file system without hard links, where
// diary's locks and refs must still be taken and written.
func TestUSBDisk(t *testing.T) {
	t.Run("path remote", func(t *testing.T) {
		disk := usbDisk(t)
		w := newDiskWorld(t, filepath.Join(disk, "remote.git"))
		dir := filepath.Join(t.TempDir(), "diary")
		w.env["DIARY_REPO"] = dir
		w.diary(0, "clone", w.remote, dir)
		w.diary(0, "new", "Carried", "--body", "written at home, carried on a stick", "-q")
		if out := w.diary(0, "sync"); !strings.Contains(out, "pushed to origin/main") {
			t.Errorf("the sync to the stick:\n%s", out)
		}
		w.peerPush(map[string]string{"_posts/2022-04-02-peer.md": gittest.Post("Peer", "from git\n")})
		w.diary(0, "new", "Again", "--body", "and again", "-q")
		w.diary(0, "sync")
		if gittest.Read(t, dir, "_posts/2022-04-02-peer.md") == "" {
			t.Error("the peer's post did not arrive")
		}
		gittest.Fsck(t, w.remote)
		if got := gittest.Git(t, w.remote, "log", "--format=%s", "main"); !strings.Contains(got, `"Again"`) {
			t.Errorf("the stick's main lacks the entries:\n%s", got)
		}
	})

	t.Run("diary on the disk", func(t *testing.T) {
		disk := usbDisk(t)
		w := newDiskWorld(t, filepath.Join(t.TempDir(), "remote.git"))
		dir := filepath.Join(disk, "diary")
		w.env["DIARY_REPO"] = dir
		w.diary(0, "clone", w.remote, dir)
		w.diary(0, "new", "On the stick", "--body", "kept on a stick", "-q")
		if out := w.diary(0, "sync"); !strings.Contains(out, "pushed to origin/main") {
			t.Errorf("the sync from the stick:\n%s", out)
		}
		gittest.Fsck(t, dir)
		gittest.Fsck(t, w.remote)
	})
}
