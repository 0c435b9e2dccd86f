// Package e2e holds end-to-end tests of the diary binary, built once and
// run as a user runs it, against real servers on 127.0.0.1 through a
// proxy that can throttle or stall the link. It has no code of its own:
// it is a package so that `go test ./...` runs its minutes of waiting on
// a slow link beside the other packages' tests, not after them.
package e2e
