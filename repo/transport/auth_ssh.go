package transport

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	gittransport "github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/kevinburke/ssh_config"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// sshAuth is Auth's method for ssh:// and scp-like URLs: go-git's ssh
// transport asks it for the client config of each connection.
type sshAuth struct {
	o      AuthOptions
	epPort int // the URL's port and user, as go-git's endpoint has them
	epUser string
	alias  string // the host as the URL names it
	host   string // where to connect: ~/.ssh/config's HostName, or alias
	port   int
	user   string

	known    *knownHosts
	khName   string   // the name known_hosts knows the host by
	khAlias  bool     // khName comes from HostKeyAlias
	algos    []string // host key algorithms: those known_hosts has keys of for khName
	appendTo string   // the user known_hosts file a trusted key goes into, as shown

	agent     agent.ExtendedAgent // nil: none, or none with keys
	agentKeys int
	keys      []*sshKey // the identity files offered, after the agent's keys
	locked    []*sshKey // encrypted identity files left out: no passphrase to be had
	notes     []string  // identity files that could not be used, and why
}

// sshKey is an identity file, perhaps still locked by its passphrase.
type sshKey struct {
	path  string
	shown string // path with ~
	pub   ssh.PublicKey
	pem   []byte

	mu     sync.Mutex
	signer ssh.Signer // nil while locked
	err    error      // why it could not be unlocked
}

func (a *sshAuth) Name() string { return "ssh-public-keys" }

func (a *sshAuth) String() string {
	return fmt.Sprintf("%s: ssh %s@%s", a.Name(), a.user, net.JoinHostPort(a.host, strconv.Itoa(a.port)))
}

// ClientConfig is what go-git's ssh transport connects with.
func (a *sshAuth) ClientConfig() (*ssh.ClientConfig, error) {
	return &ssh.ClientConfig{
		User:              a.user,
		Auth:              []ssh.AuthMethod{ssh.PublicKeysCallback(a.signers)},
		HostKeyCallback:   a.checkHostKey,
		HostKeyAlgorithms: a.algos,
	}, nil
}

// madeFor says whether a was made for the endpoint ep: a method made
// for another remote must not send ep's session to its host.
func (a *sshAuth) madeFor(ep *gittransport.Endpoint) bool {
	return strings.EqualFold(a.alias, ep.Host) && a.epPort == ep.Port && a.epUser == ep.User
}

// addr is where the transport connects.
func (a *sshAuth) addr() string { return net.JoinHostPort(a.host, strconv.Itoa(a.port)) }

// signers are the keys offered, the agent's first.
func (a *sshAuth) signers() ([]ssh.Signer, error) {
	var out []ssh.Signer
	seen := map[string]bool{}
	add := func(s ssh.Signer) {
		k := string(s.PublicKey().Marshal())
		if !seen[k] {
			seen[k] = true
			out = append(out, s)
		}
	}
	if a.agent != nil {
		if ss, err := a.agent.Signers(); err == nil {
			for _, s := range ss {
				add(s)
			}
		}
	}
	for _, k := range a.keys {
		k.mu.Lock()
		s := k.signer
		k.mu.Unlock()
		if s == nil {
			s = &lazySigner{k: k, a: a}
		}
		add(s)
	}
	return out, nil
}

// offered says which keys were offered, for a refusal.
func (a *sshAuth) offered() string {
	var parts []string
	if a.agent != nil {
		parts = append(parts, fmt.Sprintf("ssh-agent's %d key(s)", a.agentKeys))
	}
	for _, k := range a.keys {
		parts = append(parts, k.shown)
	}
	return strings.Join(parts, ", ")
}

// refused is the error for a server that took none of the keys.
func (a *sshAuth) refused() error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s refused the SSH keys offered as %s (%s)", a.addr(), a.user, a.offered())
	for _, k := range a.locked {
		fmt.Fprintf(&b, "; %s was left out: it is encrypted and there is no terminal to ask for its passphrase (ssh-add %s, or set DIARY_SSH_PASSPHRASE)", k.shown, k.shown)
	}
	pub := "~/.ssh/id_ed25519.pub"
	if len(a.keys) > 0 {
		pub = a.keys[0].shown + ".pub"
	}
	fmt.Fprintf(&b, ": add the public key (%s) to the account on the server (GitHub: Settings, SSH and GPG keys), or name the right key with IdentityFile under Host %s in ~/.ssh/config", pub, a.alias)
	return &credentialError{msg: b.String(), cause: gittransport.ErrAuthorizationFailed}
}

// lazySigner asks for a key's passphrase only when the server is ready to
// take that key, as ssh does.
type lazySigner struct {
	k *sshKey
	a *sshAuth
}

func (s *lazySigner) PublicKey() ssh.PublicKey { return s.k.pub }

func (s *lazySigner) Sign(rand io.Reader, data []byte) (*ssh.Signature, error) {
	signer, err := s.k.unlock(s.a.o)
	if err != nil {
		return nil, err
	}
	return signer.Sign(rand, data)
}

func (s *lazySigner) SignWithAlgorithm(rand io.Reader, data []byte, algorithm string) (*ssh.Signature, error) {
	signer, err := s.k.unlock(s.a.o)
	if err != nil {
		return nil, err
	}
	if as, ok := signer.(ssh.AlgorithmSigner); ok {
		return as.SignWithAlgorithm(rand, data, algorithm)
	}
	return signer.Sign(rand, data)
}

// unlock decrypts the key with $DIARY_SSH_PASSPHRASE, or by asking when
// o allows it.
func (k *sshKey) unlock(o AuthOptions) (ssh.Signer, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.signer != nil {
		return k.signer, nil
	}
	if k.err != nil {
		return nil, k.err
	}
	if pass, ok := o.Env("DIARY_SSH_PASSPHRASE"); ok && pass != "" {
		s, err := ssh.ParsePrivateKeyWithPassphrase(k.pem, []byte(pass))
		if err == nil {
			k.signer = s
			return s, nil
		}
		if !o.canPrompt() {
			k.err = &credentialError{msg: fmt.Sprintf("DIARY_SSH_PASSPHRASE does not unlock the SSH key %s (%s): set it to that key's passphrase, or load the key into ssh-agent (ssh-add %s)", k.shown, keyError(err), k.shown)}
			return nil, k.err
		}
	}
	if o.canPrompt() {
		for try := 0; try < 3; try++ {
			pass, err := o.Passphrase(fmt.Sprintf("Enter passphrase for key '%s': ", k.shown))
			if err != nil {
				k.err = &credentialError{msg: fmt.Sprintf("no passphrase for the SSH key %s: %v", k.shown, err)}
				return nil, k.err
			}
			registerSecret(pass)
			s, err := ssh.ParsePrivateKeyWithPassphrase(k.pem, []byte(pass))
			if err == nil {
				k.signer = s
				return s, nil
			}
			if !errors.Is(err, x509.IncorrectPasswordError) {
				k.err = &credentialError{msg: fmt.Sprintf("the SSH key %s: %s", k.shown, keyError(err))}
				return nil, k.err
			}
		}
		k.err = &credentialError{msg: fmt.Sprintf("three wrong passphrases for the SSH key %s", k.shown)}
		return nil, k.err
	}
	k.err = lockedKeyError(k)
	return nil, k.err
}

func lockedKeyError(k *sshKey) error {
	return &credentialError{msg: fmt.Sprintf("the SSH key %s is encrypted, and there is no terminal to ask for its passphrase: load it into ssh-agent (ssh-add %s), or set DIARY_SSH_PASSPHRASE", k.shown, k.shown)}
}

// keyError describes a key parsing failure without quoting the key.
func keyError(err error) string {
	if errors.Is(err, x509.IncorrectPasswordError) {
		return "wrong passphrase"
	}
	return Redact(err.Error())
}

// checkHostKey is the HostKeyCallback: the key must be one known_hosts
// lists for the host, and not revoked.
func (a *sshAuth) checkHostKey(_ string, _ net.Addr, key ssh.PublicKey) error {
	if r := a.known.revoked(key); r != nil {
		return &HostKeyError{Host: a.khName, KeyType: keygenType(key.Type()), Fingerprint: ssh.FingerprintSHA256(key), Revoked: true, Known: []string{r.String()}}
	}
	known := a.known.keysFor(a.khName)
	for _, e := range known {
		if bytes.Equal(e.key.Marshal(), key.Marshal()) {
			return nil
		}
	}
	return a.hostKeyError(key, nil)
}

// hostKeyError is the refusal of key (nil: the server offered no key of
// a type known here, only those of offered).
func (a *sshAuth) hostKeyError(key ssh.PublicKey, offered []string) *HostKeyError {
	known := a.known.keysFor(a.khName)
	e := &HostKeyError{Host: a.khName, Changed: len(known) > 0, Offered: offered}
	typ := "ed25519"
	if key != nil {
		e.KeyType = keygenType(key.Type())
		e.Fingerprint = ssh.FingerprintSHA256(key)
		typ = e.KeyType
	}
	files := map[string]bool{}
	var removes []string
	for _, k := range known {
		e.Known = append(e.Known, k.String())
		if !files[k.file] {
			files[k.file] = true
			removes = append(removes, fmt.Sprintf("ssh-keygen -R %s -f %s", shellQuote(a.khName), k.file))
		}
	}
	e.Fix = append(removes, a.keyscan(typ))
	return e
}

// keyscan is the command that trusts the host's key of type typ.
func (a *sshAuth) keyscan(typ string) string {
	cmd := "ssh-keyscan -t " + typ
	if a.port != 22 {
		cmd += " -p " + strconv.Itoa(a.port)
	}
	cmd += " " + a.host
	if a.khAlias {
		cmd += " | sed " + shellQuote("s/^[^ ]*/"+a.khName+"/")
	}
	return cmd + " >> " + a.appendTo
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_/~:@%+=,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// keygenType is ssh-keygen's -t name for a key type.
func keygenType(t string) string {
	switch t {
	case ssh.KeyAlgoED25519:
		return "ed25519"
	case ssh.KeyAlgoSKED25519:
		return "ed25519-sk"
	case ssh.KeyAlgoECDSA256, ssh.KeyAlgoECDSA384, ssh.KeyAlgoECDSA521:
		return "ecdsa"
	case ssh.KeyAlgoSKECDSA256:
		return "ecdsa-sk"
	case ssh.KeyAlgoRSA:
		return "rsa"
	case ssh.InsecureKeyAlgoDSA:
		return "dsa"
	}
	return t
}

// sshConfig is ~/.ssh/config, then /etc/ssh/ssh_config.
type sshConfig struct {
	files []*ssh_config.Config
}

func loadSSHConfig(home string) (*sshConfig, error) {
	c := &sshConfig{}
	for _, name := range []string{filepath.Join(home, ".ssh", "config"), "/etc/ssh/ssh_config"} {
		data, err := os.ReadFile(name)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", tilde(home, name), err)
		}
		cfg, err := decodeSSHConfig(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %v: diary reads it as ssh does; fix it (ssh -G HOST shows how ssh reads it)", tilde(home, name), err)
		}
		c.files = append(c.files, cfg)
	}
	return c, nil
}

// decodeSSHConfig parses an ssh_config file. The parser knows no Match
// blocks (it panics on them); a `Match host PATTERNS` or `Match all` block
// becomes the Host block it means, and any other Match block is left out.
func decodeSSHConfig(data []byte) (cfg *ssh_config.Config, err error) {
	lines := strings.Split(string(data), "\n")
	for i, l := range lines {
		f := strings.Fields(strings.ReplaceAll(l, "=", " "))
		if len(f) == 0 || !strings.EqualFold(f[0], "match") {
			continue
		}
		switch {
		case len(f) == 2 && strings.EqualFold(f[1], "all"):
			lines[i] = "Host *"
		case len(f) == 3 && strings.EqualFold(f[1], "host"):
			lines[i] = "Host " + strings.ReplaceAll(f[2], ",", " ")
		default:
			lines[i] = "Host !* diary-never-matches"
		}
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("cannot parse it: %v", r)
		}
	}()
	return ssh_config.DecodeBytes([]byte(strings.Join(lines, "\n")))
}

func (c *sshConfig) get(alias, key string) (v string) {
	defer func() {
		if recover() != nil {
			v = ""
		}
	}()
	for _, f := range c.files {
		if v, err := f.Get(alias, key); err == nil && v != "" {
			return v
		}
	}
	return ""
}

func (c *sshConfig) getAll(alias, key string) (out []string) {
	defer func() {
		if recover() != nil {
			out = nil
		}
	}()
	for _, f := range c.files {
		if vs, err := f.GetAll(alias, key); err == nil {
			out = append(out, vs...)
		}
	}
	return out
}

// newSSHAuth builds the method for an ssh endpoint. scpLike: the URL had
// no place for a port (user@host:path), so ~/.ssh/config's Port applies.
func newSSHAuth(ep *gittransport.Endpoint, scpLike bool, o AuthOptions) (*sshAuth, error) {
	cfg, err := loadSSHConfig(o.Home)
	if err != nil {
		return nil, err
	}
	a := &sshAuth{o: o, alias: ep.Host, epPort: ep.Port, epUser: ep.User}
	if a.alias == "" {
		return nil, errors.New("the SSH remote URL names no host")
	}
	for _, k := range []string{"ProxyJump", "ProxyCommand"} {
		if v := cfg.get(a.alias, k); v != "" && !strings.EqualFold(v, "none") {
			return nil, fmt.Errorf("~/.ssh/config sets %s for %s, which diary cannot follow: use an https:// remote, or a host it reaches directly", k, a.alias)
		}
	}

	local := localUser(o)
	a.host = a.alias
	if v := cfg.get(a.alias, "HostName"); v != "" {
		a.host = expandSSHTokens(v, map[byte]string{'h': a.alias})
	}
	a.port = 22
	if ep.Port > 0 && !scpLike {
		a.port = ep.Port
	} else if v := cfg.get(a.alias, "Port"); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil || p <= 0 || p > 65535 {
			return nil, fmt.Errorf("~/.ssh/config: Port %q for %s is not a port number", v, a.alias)
		}
		a.port = p
	}
	a.user = ep.User
	if a.user == "" {
		a.user = cfg.get(a.alias, "User")
	}
	if a.user == "" {
		a.user = local
	}
	tokens := map[byte]string{'h': a.host, 'n': a.alias, 'p': strconv.Itoa(a.port), 'r': a.user, 'u': local, 'd': o.Home}

	// Host keys.
	userFiles := splitFiles(cfg.get(a.alias, "UserKnownHostsFile"), "~/.ssh/known_hosts ~/.ssh/known_hosts2")
	globalFiles := splitFiles(cfg.get(a.alias, "GlobalKnownHostsFile"), "/etc/ssh/ssh_known_hosts /etc/ssh/ssh_known_hosts2")
	var files []string
	a.appendTo = "~/.ssh/known_hosts"
	for i, f := range userFiles {
		f = expandTilde(o.Home, expandSSHTokens(f, tokens))
		if i == 0 {
			a.appendTo = shellQuote(tilde(o.Home, f))
		}
		files = append(files, f)
	}
	for _, f := range globalFiles {
		files = append(files, expandTilde(o.Home, expandSSHTokens(f, tokens)))
	}
	a.known, err = loadKnownHosts(o.Home, files)
	if err != nil {
		return nil, err
	}
	a.khName = knownHostsName(a.host, a.port)
	if v := cfg.get(a.alias, "HostKeyAlias"); v != "" {
		a.khName, a.khAlias = strings.ToLower(v), true
	}
	a.algos = hostKeyAlgorithms(a.known.keysFor(a.khName))

	// Identity files: those ~/.ssh/config names, else the defaults.
	var idFiles []string
	for _, f := range cfg.getAll(a.alias, "IdentityFile") {
		if !strings.EqualFold(f, "none") {
			idFiles = append(idFiles, expandTilde(o.Home, expandSSHTokens(f, tokens)))
		}
	}
	configured := len(idFiles) > 0
	if !configured {
		for _, n := range []string{"id_ed25519", "id_ecdsa", "id_rsa"} {
			idFiles = append(idFiles, filepath.Join(o.Home, ".ssh", n))
		}
	}
	for i, f := range idFiles {
		if !filepath.IsAbs(f) {
			idFiles[i] = filepath.Join(o.Home, f)
		}
	}
	idOnly := strings.EqualFold(cfg.get(a.alias, "IdentitiesOnly"), "yes")

	// The agent.
	sock := cfg.get(a.alias, "IdentityAgent")
	switch {
	case strings.EqualFold(sock, "none"):
		sock = ""
	case sock == "" || sock == "SSH_AUTH_SOCK":
		sock = o.getenv("SSH_AUTH_SOCK")
	case strings.HasPrefix(sock, "$"):
		sock = o.getenv(sock[1:])
	default:
		sock = expandTilde(o.Home, expandSSHTokens(sock, tokens))
	}
	agentPubs := map[string]bool{}
	if sock != "" {
		if ag, keys := openAgent(sock); ag != nil {
			a.agent, a.agentKeys = ag, len(keys)
			for _, k := range keys {
				agentPubs[string(k.Marshal())] = true
			}
		}
	}

	canUnlock := o.getenv("DIARY_SSH_PASSPHRASE") != "" || o.canPrompt()
	idPubs := map[string]bool{}
	for _, f := range idFiles {
		k, note := loadSSHKey(f, o.Home)
		if note != "" && configured {
			a.notes = append(a.notes, note)
		}
		if k == nil {
			continue
		}
		if k.pub == nil {
			// An old PEM key hides its public half too: it must be
			// unlocked before anything can be offered.
			if !canUnlock {
				a.locked = append(a.locked, k)
				continue
			}
			s, err := k.unlock(o)
			if err != nil {
				return nil, err
			}
			k.pub = s.PublicKey()
		}
		idPubs[string(k.pub.Marshal())] = true
		if agentPubs[string(k.pub.Marshal())] {
			continue // the agent holds it, unlocked
		}
		if k.signer == nil && !canUnlock {
			a.locked = append(a.locked, k)
			continue
		}
		a.keys = append(a.keys, k)
	}
	if idOnly && a.agent != nil {
		// Only the agent's keys that are also identity files.
		a.agent = &filteredAgent{ExtendedAgent: a.agent, keep: idPubs}
		a.agentKeys = 0
		for p := range agentPubs {
			if idPubs[p] {
				a.agentKeys++
			}
		}
		if a.agentKeys == 0 {
			a.agent = nil
		}
	}

	if a.agent == nil && len(a.keys) == 0 {
		if len(a.locked) > 0 {
			return nil, lockedKeyError(a.locked[0])
		}
		msg := fmt.Sprintf("no SSH key to offer %s: ", a.alias)
		if configured {
			msg += "the IdentityFile that ~/.ssh/config names for it cannot be used (" + strings.Join(a.notes, "; ") + ")"
		} else {
			msg += "~/.ssh holds no id_ed25519, id_ecdsa or id_rsa"
		}
		if sock == "" {
			msg += ", and no ssh-agent is running (SSH_AUTH_SOCK is not set)"
		} else {
			msg += ", and ssh-agent holds no key"
		}
		msg += ": make one with ssh-keygen -t ed25519 and add ~/.ssh/id_ed25519.pub to your account on the server"
		return nil, &credentialError{msg: msg}
	}
	return a, nil
}

// loadSSHKey reads an identity file; nil and a note when it cannot be
// used, nil and no note when it does not exist.
func loadSSHKey(path, home string) (*sshKey, string) {
	shown := tilde(home, path)
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, shown + " does not exist"
	}
	if err != nil {
		return nil, fmt.Sprintf("%s: %v", shown, err)
	}
	k := &sshKey{path: path, shown: shown, pem: data}
	s, err := ssh.ParsePrivateKey(data)
	if err == nil {
		k.signer, k.pub = s, s.PublicKey()
		return k, ""
	}
	var pm *ssh.PassphraseMissingError
	if !errors.As(err, &pm) {
		return nil, fmt.Sprintf("%s: %s", shown, keyError(err))
	}
	k.pub = pm.PublicKey
	if k.pub == nil {
		if pubData, err := os.ReadFile(path + ".pub"); err == nil {
			if pub, _, _, _, err := ssh.ParseAuthorizedKey(pubData); err == nil {
				k.pub = pub
			}
		}
	}
	return k, ""
}

// openAgent connects to the agent at sock and lists its keys; nil when
// there is none, or it holds no key.
func openAgent(sock string) (agent.ExtendedAgent, []*agent.Key) {
	conn, err := net.DialTimeout("unix", sock, 2*time.Second)
	if err != nil {
		return nil, nil
	}
	conn.SetDeadline(time.Now().Add(2 * time.Second))
	ag := agent.NewClient(conn)
	keys, err := ag.List()
	if err != nil || len(keys) == 0 {
		conn.Close()
		return nil, nil
	}
	conn.SetDeadline(time.Time{})
	return ag, keys
}

// filteredAgent offers only the keys in keep.
type filteredAgent struct {
	agent.ExtendedAgent
	keep map[string]bool
}

func (f *filteredAgent) Signers() ([]ssh.Signer, error) {
	all, err := f.ExtendedAgent.Signers()
	var out []ssh.Signer
	for _, s := range all {
		if f.keep[string(s.PublicKey().Marshal())] {
			out = append(out, s)
		}
	}
	return out, err
}

func localUser(o AuthOptions) string {
	for _, k := range []string{"USER", "LOGNAME", "USERNAME"} {
		if v := o.getenv(k); v != "" {
			return v
		}
	}
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return "git"
}

// expandSSHTokens replaces ssh_config's %x tokens.
func expandSSHTokens(s string, tokens map[byte]string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		if s[i] == '%' {
			b.WriteByte('%')
		} else if v, ok := tokens[s[i]]; ok {
			b.WriteString(v)
		} else {
			b.WriteByte('%')
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// splitFiles splits a known-hosts file list ("none": no files).
func splitFiles(v, def string) []string {
	if v == "" {
		v = def
	}
	if strings.EqualFold(v, "none") {
		return nil
	}
	return strings.Fields(v)
}
