package caddyconf

// Authentication authenticates requests, as Caddy's caddyauth.Authentication.
type Authentication struct {
	// Providers are the authentication providers by name.
	Providers *AuthProviders `json:"providers,omitempty"`
}

// ModuleName returns "authentication".
func (*Authentication) ModuleName() string { return "authentication" }

// AuthProviders is the http.authentication.providers module map.
type AuthProviders struct {
	// HTTPBasic is HTTP Basic authentication.
	HTTPBasic *HTTPBasicAuth `json:"http_basic,omitempty"`
}

func (*AuthProviders) moduleKind() string { return "authentication provider" }

// HTTPBasicAuth is HTTP Basic authentication, as Caddy's
// caddyauth.HTTPBasicAuth.
type HTTPBasicAuth struct {
	// Hash is the password hash algorithm (bcrypt or argon2id).
	Hash *HashModule `json:"hash,omitempty"`
	// Accounts are the users and their hashed, base64-encoded passwords.
	Accounts []Account `json:"accounts,omitempty"`
	// Realm is the WWW-Authenticate realm.
	Realm string `json:"realm,omitempty"`
	// HashCache caches hash comparisons (an empty object enables it).
	HashCache *struct{} `json:"hash_cache,omitempty"`
}

// Account is one user, as Caddy's caddyauth.Account.
type Account struct {
	// Username is the user name.
	Username string `json:"username"`
	// Password is the hashed password, base64-encoded.
	Password string `json:"password"`
}

// HashModule is a password hash named by "algorithm".
type HashModule = Inline[hashes]

type hashes struct{}

func (hashes) inlineKey() string { return "algorithm" }
func (hashes) kind() string      { return "password hash" }
func (hashes) newModule(name string) Module {
	switch name {
	case "bcrypt":
		return new(Bcrypt)
	case "argon2id":
		return new(Argon2id)
	}
	return nil
}

// Bcrypt is the bcrypt hash, as Caddy's caddyauth.BcryptHash.
type Bcrypt struct{}

// ModuleName returns "bcrypt".
func (*Bcrypt) ModuleName() string { return "bcrypt" }

// Argon2id is the argon2id hash, as Caddy's caddyauth.Argon2idHash.
type Argon2id struct{}

// ModuleName returns "argon2id".
func (*Argon2id) ModuleName() string { return "argon2id" }
