package helpers

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/bcrypt"
)

// CaddyAuthentication configures authentication, as Caddy's
// caddyauth.Authentication with its one provider zeroserve runs,
// http_basic (caddyauth.HTTPBasicAuth): the hash algorithm ("bcrypt" or
// "argon2id"), the accounts (password hashes as Caddy takes them: the
// hash itself when it starts with "$", else base64 of it), the realm
// and the hash cache. Basic nil means no provider: every request is
// refused, as Caddy does.
type CaddyAuthentication struct {
	Basic *CaddyBasicAuth `json:"http_basic,omitempty"`
}

// CaddyBasicAuth is the http_basic provider's configuration.
type CaddyBasicAuth struct {
	Hash      string         `json:"hash"`
	Accounts  []CaddyAccount `json:"accounts"`
	Realm     string         `json:"realm,omitempty"`
	HashCache bool           `json:"hash_cache,omitempty"`
}

// CaddyAccount is one user of http_basic.
type CaddyAccount struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

func init() {
	registerCaddyHandler("authentication", configOf(newAuthHandler))
}

// authHandler is a parsed authentication configuration.
type authHandler struct {
	basic *basicAuth // nil: no provider
}

// basicAuth is Caddy's HTTPBasicAuth after Provision.
type basicAuth struct {
	compare  func(hash, plaintext []byte) (bool, error)
	accounts map[string][]byte // user -> password hash
	decoy    []byte            // a hash compared for unknown users, so they cost the same time
	header   string            // the WWW-Authenticate value
	cache    *hashCache        // nil without hash_cache
}

func newAuthHandler(c *CaddyAuthentication) (caddyRunner, error) {
	if c.Basic == nil {
		return &authHandler{}, nil
	}
	b := &basicAuth{accounts: map[string][]byte{}}
	switch c.Basic.Hash {
	case "bcrypt":
		b.compare = compareBcrypt
	case "argon2id":
		b.compare = compareArgon2id
	default:
		return nil, fmt.Errorf("authentication: hash %q: bcrypt or argon2id", c.Basic.Hash)
	}
	for i, a := range c.Basic.Accounts {
		if a.Username == "" || a.Password == "" {
			return nil, fmt.Errorf("authentication: account %d: username and password are required", i)
		}
		if _, dup := b.accounts[a.Username]; dup {
			return nil, fmt.Errorf("authentication: account %d: username is not unique: %s", i, a.Username)
		}
		hash := []byte(a.Password)
		if !strings.HasPrefix(a.Password, "$") {
			var err error
			if hash, err = base64.StdEncoding.DecodeString(a.Password); err != nil {
				return nil, fmt.Errorf("authentication: account %d: base64-decoding password: %v", i, err)
			}
		}
		b.accounts[a.Username] = hash
		if b.decoy == nil {
			b.decoy = hash
		}
	}
	realm := c.Basic.Realm
	if realm == "" {
		realm = "restricted"
	}
	b.header = `Basic realm="` + realm + `"`
	if c.Basic.HashCache {
		b.cache = &hashCache{m: map[[32]byte]bool{}}
	}
	return &authHandler{basic: b}, nil
}

// run is Caddy's Authentication.ServeHTTP with http_basic: valid
// credentials set {http.auth.user.id} and continue; anything else sets
// WWW-Authenticate and returns a 401 error to the error routes.
func (h *authHandler) run(ex *Exchange, _ replacer) (uint64, error) {
	if h.basic != nil {
		if user, ok := h.basic.authenticate(ex); ok {
			ex.User = user
			return CaddyContinue, nil
		}
		ex.ResponseHeader = setField(ex.ResponseHeader, "Www-Authenticate", h.basic.header)
	}
	ex.caddy.raised = &caddyError{status: 401, message: "not authenticated"}
	return CaddyError, nil
}

// authenticate checks the request's Basic credentials. An unknown user
// costs a hash comparison too, as in Caddy, so timing does not tell
// which users exist. A hash that cannot be read fails the check.
func (b *basicAuth) authenticate(ex *Exchange) (string, bool) {
	user, pass, ok := basicCredentials(firstValue(ex.Req.Header, "Authorization"))
	if !ok {
		return "", false
	}
	hash, known := b.accounts[user]
	if !known {
		if b.decoy == nil {
			return "", false
		}
		hash = b.decoy
	}
	same, err := b.check(hash, []byte(pass))
	return user, err == nil && same && known
}

// check compares through the hash cache when there is one.
func (b *basicAuth) check(hash, plaintext []byte) (bool, error) {
	if b.cache == nil {
		return b.compare(hash, plaintext)
	}
	h := sha256.New()
	h.Write([]byte(strconv.Itoa(len(hash))))
	h.Write(hash)
	h.Write(plaintext)
	var key [32]byte
	h.Sum(key[:0])
	if same, ok := b.cache.get(key); ok {
		return same, nil
	}
	same, err := b.compare(hash, plaintext)
	if err == nil {
		b.cache.put(key, same)
	}
	return same, err
}

// basicCredentials parses "Basic base64(user:password)" as Go's
// Request.BasicAuth does.
func basicCredentials(v string) (user, pass string, ok bool) {
	const prefix = "Basic "
	if len(v) < len(prefix) || !strings.EqualFold(v[:len(prefix)], prefix) {
		return "", "", false
	}
	c, err := base64.StdEncoding.DecodeString(v[len(prefix):])
	if err != nil {
		return "", "", false
	}
	return strings.Cut(string(c), ":")
}

func compareBcrypt(hash, plaintext []byte) (bool, error) {
	err := bcrypt.CompareHashAndPassword(hash, plaintext)
	if errors.Is(err, bcrypt.ErrMismatchedHashAndPassword) {
		return false, nil
	}
	return err == nil, err
}

// compareArgon2id checks a hash in the format Caddy writes:
// $argon2id$v=19$m=<KiB>,t=<passes>,p=<threads>$<salt>$<key>, salt and
// key in unpadded standard base64.
func compareArgon2id(hash, plaintext []byte) (bool, error) {
	parts := strings.Split(string(hash), "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return false, errors.New("argon2id: invalid hash format")
	}
	if v, err := strconv.Atoi(strings.TrimPrefix(parts[2], "v=")); err != nil || v != argon2.Version {
		return false, fmt.Errorf("argon2id: unsupported version %q", parts[2])
	}
	params := strings.Split(parts[3], ",")
	if len(params) != 3 {
		return false, errors.New("argon2id: invalid parameters")
	}
	m, err1 := strconv.ParseUint(strings.TrimPrefix(params[0], "m="), 10, 32)
	t, err2 := strconv.ParseUint(strings.TrimPrefix(params[1], "t="), 10, 32)
	p, err3 := strconv.ParseUint(strings.TrimPrefix(params[2], "p="), 10, 8)
	if err := errors.Join(err1, err2, err3); err != nil || t == 0 || p == 0 {
		return false, fmt.Errorf("argon2id: invalid parameters %q", parts[3])
	}
	salt, err := base64.RawStdEncoding.Strict().DecodeString(parts[4])
	if err != nil {
		return false, fmt.Errorf("argon2id: salt: %v", err)
	}
	key, err := base64.RawStdEncoding.Strict().DecodeString(parts[5])
	if err != nil || len(key) == 0 {
		return false, fmt.Errorf("argon2id: key: %v", err)
	}
	got := argon2.IDKey(plaintext, salt, uint32(t), uint32(m), uint8(p), uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// hashCache remembers comparison results, as Caddy's hash_cache: at most
// hashCacheSize entries, a tenth dropped when full (map iteration picks
// them at random). Keys
// are SHA-256 digests of (hash, plaintext), so no password is kept.
type hashCache struct {
	mu sync.RWMutex
	m  map[[32]byte]bool
}

const hashCacheSize = 1000

func (c *hashCache) get(k [32]byte) (same, ok bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	same, ok = c.m[k]
	return same, ok
}

func (c *hashCache) put(k [32]byte, same bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= hashCacheSize {
		drop := max(len(c.m)/10, 1)
		for key := range c.m { // map iteration starts at a random place
			if drop == 0 {
				break
			}
			delete(c.m, key)
			drop--
		}
	}
	c.m[k] = same
}
