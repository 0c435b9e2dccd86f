//go:build !unix

package regular

import "os"

// Elsewhere a named pipe cannot stand in a folder, and open has no such
// flags: the fstat after opening does the checking.
const (
	openNoBlock  = 0
	openNoFollow = 0
)

func isLoop(error) bool { return false }

// beforeOpen refuses a symbolic link where links are not followed, as
// O_NOFOLLOW does on Unix (with a gap between the look and the open).
func beforeOpen(name string, follow bool) error {
	if follow {
		return nil
	}
	if fi, err := os.Lstat(name); err == nil && fi.Mode()&os.ModeSymlink != 0 {
		return notRegular("open", name, fi.Mode())
	}
	return nil
}
