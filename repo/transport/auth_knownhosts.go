package transport

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/crypto/ssh"
)

// knownHosts is the known_hosts database, read by diary itself rather
// than through go-git's (which has had key-mismatch regressions, and like
// x/crypto's knownhosts keeps only the first key of each type per host):
// every key listed for a host is trusted, @revoked keys never are, and
// @cert-authority lines are not used (a host known only through one is
// unknown to diary).
type knownHosts struct {
	entries []khEntry
}

type khEntry struct {
	file   string // as shown, with ~
	line   int
	marker string // "", "revoked", "cert-authority"
	hosts  []string
	key    ssh.PublicKey
}

func (e khEntry) String() string {
	return fmt.Sprintf("%s:%d (%s %s)", e.file, e.line, strings.ToUpper(keygenType(e.key.Type())), ssh.FingerprintSHA256(e.key))
}

// loadKnownHosts reads the files that exist; lines it cannot parse (a key
// type it does not know) are skipped, as ssh skips them.
func loadKnownHosts(home string, files []string) (*knownHosts, error) {
	kh := &knownHosts{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if errors.Is(err, os.ErrNotExist) || (errors.Is(err, os.ErrPermission) && !strings.HasPrefix(f, home)) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", tilde(home, f), err)
		}
		shown := tilde(home, f)
		for i, line := range bytes.Split(data, []byte("\n")) {
			marker, hosts, key, _, _, err := ssh.ParseKnownHosts(line)
			if err != nil {
				continue // io.EOF for a blank line or a comment
			}
			kh.entries = append(kh.entries, khEntry{file: shown, line: i + 1, marker: marker, hosts: hosts, key: key})
		}
	}
	return kh, nil
}

// knownHostsName is how known_hosts names host at port: host, or
// [host]:port when the port is not 22.
func knownHostsName(host string, port int) string {
	host = strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"))
	if port == 22 || port == 0 {
		return host
	}
	return "[" + host + "]:" + strconv.Itoa(port)
}

// keysFor returns the plain (unmarked) entries for name.
func (kh *knownHosts) keysFor(name string) []khEntry {
	var out []khEntry
	for _, e := range kh.entries {
		if e.marker == "" && matchHosts(e.hosts, name) {
			out = append(out, e)
		}
	}
	return out
}

// revoked returns the @revoked entry of key, whatever host it names.
func (kh *knownHosts) revoked(key ssh.PublicKey) *khEntry {
	k := key.Marshal()
	for i, e := range kh.entries {
		if e.marker == "revoked" && bytes.Equal(e.key.Marshal(), k) {
			return &kh.entries[i]
		}
	}
	return nil
}

// matchHosts applies a known_hosts host field (already split at commas)
// to name, as sshd(8) describes: wildcards * and ?, !negation (a negated
// match rules the line out), and hashed |1|salt|hash names.
func matchHosts(patterns []string, name string) bool {
	matched := false
	for _, p := range patterns {
		if strings.HasPrefix(p, "|1|") {
			if matchHashed(p, name) {
				matched = true
			}
			continue
		}
		neg := strings.HasPrefix(p, "!")
		if neg {
			p = p[1:]
		}
		if wildMatch(strings.ToLower(p), name) {
			if neg {
				return false
			}
			matched = true
		}
	}
	return matched
}

func matchHashed(p, name string) bool {
	parts := strings.Split(p, "|")
	if len(parts) != 4 {
		return false
	}
	salt, err1 := base64.StdEncoding.DecodeString(parts[2])
	want, err2 := base64.StdEncoding.DecodeString(parts[3])
	if err1 != nil || err2 != nil {
		return false
	}
	mac := hmac.New(sha1.New, salt)
	mac.Write([]byte(name))
	return hmac.Equal(mac.Sum(nil), want)
}

// wildMatch matches s against a pattern of literal bytes, * and ?.
func wildMatch(p, s string) bool {
	star, back := -1, 0
	i, j := 0, 0
	for j < len(s) {
		switch {
		case i < len(p) && (p[i] == '?' || p[i] == s[j]):
			i++
			j++
		case i < len(p) && p[i] == '*':
			star, back = i, j
			i++
		case star >= 0:
			back++
			i, j = star+1, back
		default:
			return false
		}
	}
	for i < len(p) && p[i] == '*' {
		i++
	}
	return i == len(p)
}

// algoRank orders host key types by preference, as OpenSSH does.
var algoRank = map[string]int{
	ssh.KeyAlgoED25519:     0,
	ssh.KeyAlgoSKED25519:   1,
	ssh.KeyAlgoECDSA256:    2,
	ssh.KeyAlgoECDSA384:    3,
	ssh.KeyAlgoECDSA521:    4,
	ssh.KeyAlgoSKECDSA256:  5,
	ssh.KeyAlgoRSA:         6,
	ssh.InsecureKeyAlgoDSA: 7,
}

// hostKeyAlgorithms are the algorithms to negotiate so that the server
// shows a key known_hosts has for it: the types of the known keys, an
// RSA key by SHA-2 first. nil (x/crypto's defaults) for an unknown host,
// so that the error can show the fingerprint of its preferred key.
func hostKeyAlgorithms(known []khEntry) []string {
	types := map[string]bool{}
	for _, e := range known {
		types[e.key.Type()] = true
	}
	var list []string
	for t := range types {
		list = append(list, t)
	}
	sort.Slice(list, func(i, j int) bool {
		ri, ok := algoRank[list[i]]
		if !ok {
			ri = len(algoRank)
		}
		rj, ok := algoRank[list[j]]
		if !ok {
			rj = len(algoRank)
		}
		if ri != rj {
			return ri < rj
		}
		return list[i] < list[j]
	})
	var out []string
	for _, t := range list {
		if t == ssh.KeyAlgoRSA {
			out = append(out, ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA)
			continue
		}
		out = append(out, t)
	}
	return out
}
