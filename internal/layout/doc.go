// Package layout holds no code: its test guards the layout of
// DESIGN.md (section Layout) over the whole module. It fails when a .go
// file stands in the module root, when a package outside repo/... imports
// go-git, when entry/ depends on repo or config, when a package other
// than config/ imports viper, or when sync/ or internal/app, which print
// nothing, name standard output, standard error or a print function.
package layout
