// Package transport is the room of repo that talks to other machines:
// the credentials (Auth: ssh-agent and ssh keys as ~/.ssh/config names
// them, tokens, git credential fill, ~/.git-credentials), the SSH host
// key check against known_hosts, and go-git's ssh, git:// and http(s)
// transports wrapped so that a connection honours the step's context and
// a refusal says what to do. Importing it installs those transports.
//
// Only repo imports it: repo hands its callers opaque Credentials, and
// serves path remotes itself, with its own object and ref storage.
package transport
