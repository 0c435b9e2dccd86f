// Package layout holds no code: its test guards the layout of
// DESIGN.md (section Layout) over the whole module. It fails when a .go
// file stands in the module root, when a package outside repo/... imports
// go-git, when entry/ depends on repo or config, when a package other
// than config/ imports viper, when sync/ or internal/app, which print
// nothing, name standard output, standard error or a print function; and
// when a package outside repo/... imports one of repo's rooms, or
// when an exported name of package repo (a type, a field, a parameter, a
// result, a method) is or holds a go-git type, so that callers never
// see one.
package layout
