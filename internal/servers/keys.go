package servers

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/pem"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"golang.org/x/crypto/ssh"
)

// Key is an SSH key pair made for a test.
type Key struct {
	Private crypto.Signer
	Public  ssh.PublicKey
}

var keyCache struct {
	sync.Mutex
	keys map[string]*Key
}

// NewKey returns the key of kind ("ed25519", "ecdsa" or "rsa") called
// name: the same one for the same name within a test binary, since RSA
// keys are slow to make.
func NewKey(t testing.TB, kind, name string) *Key {
	t.Helper()
	keyCache.Lock()
	defer keyCache.Unlock()
	id := kind + "/" + name
	if k, ok := keyCache.keys[id]; ok {
		return k
	}
	var priv crypto.Signer
	var err error
	switch kind {
	case "ed25519":
		_, priv, err = ed25519.GenerateKey(rand.Reader)
	case "ecdsa":
		priv, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case "rsa":
		priv, err = rsa.GenerateKey(rand.Reader, 2048)
	default:
		t.Fatalf("NewKey: unknown kind %q", kind)
	}
	if err != nil {
		t.Fatalf("make %s key: %v", kind, err)
	}
	pub, err := ssh.NewPublicKey(priv.Public())
	if err != nil {
		t.Fatal(err)
	}
	k := &Key{Private: priv, Public: pub}
	if keyCache.keys == nil {
		keyCache.keys = map[string]*Key{}
	}
	keyCache.keys[id] = k
	return k
}

// PEM is the key in OpenSSH's private key format, encrypted with
// passphrase when it is not "".
func (k *Key) PEM(t testing.TB, passphrase string) []byte {
	t.Helper()
	var block *pem.Block
	var err error
	if passphrase == "" {
		block, err = ssh.MarshalPrivateKey(k.Private, "diary test key")
	} else {
		block, err = ssh.MarshalPrivateKeyWithPassphrase(k.Private, "diary test key", []byte(passphrase))
	}
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(block)
}

// AuthorizedKey is the key's authorized_keys line.
func (k *Key) AuthorizedKey() string {
	return string(ssh.MarshalAuthorizedKey(k.Public))
}

// Write writes the private key to path (mode 0600, encrypted with
// passphrase when it is not "") and the public key to path.pub.
func (k *Key) Write(t testing.TB, path, passphrase string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, k.PEM(t, passphrase), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path+".pub", []byte(k.AuthorizedKey()), 0o644); err != nil {
		t.Fatal(err)
	}
}
