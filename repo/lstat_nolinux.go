//go:build !linux

package repo

// lstatAt is lstatInto: the directory is not used.
func lstatAt(dirfd int, name, root, rel string, d *statData) error {
	return lstatInto(joinRoot(root, rel), d)
}
