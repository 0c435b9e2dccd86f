// Package transport is the room of repo that talks to other machines and
// other repositories: the credentials (Auth: ssh-agent and ssh keys as
// ~/.ssh/config names them, tokens, git credential fill,
// ~/.git-credentials), the SSH host key check against known_hosts,
// go-git's ssh and http(s) transports and diary's own git:// wrapped so
// that a connection honours the step's context and a refusal says what
// to do, the Meter that ends a step once no byte has moved for its limit
// (Watch), and path remotes served in-process (ServePaths) with repo's
// storage and odb's object walk. Importing it installs the network
// transports.
//
// Only repo imports it: repo hands its callers opaque Credentials.
package transport
