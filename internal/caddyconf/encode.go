package caddyconf

// Encode compresses responses, as Caddy's encode.Encode.
type Encode struct {
	// Encodings are the enabled encoders by name.
	Encodings *Encodings `json:"encodings,omitempty"`
	// Prefer orders the encodings when the client accepts several equally.
	Prefer []string `json:"prefer,omitempty"`
	// MinimumLength is the smallest body that is compressed.
	MinimumLength int `json:"minimum_length,omitempty"`
	// Match limits compression to matching responses.
	Match *ResponseMatcher `json:"match,omitempty"`
}

// ModuleName returns "encode".
func (*Encode) ModuleName() string { return "encode" }

// Encodings is the http.encoders module map.
type Encodings struct {
	// Gzip enables gzip.
	Gzip *Gzip `json:"gzip,omitempty"`
	// Zstd enables zstd.
	Zstd *Zstd `json:"zstd,omitempty"`
}

func (*Encodings) moduleKind() string { return "encoder" }

// Gzip is the gzip encoder, as Caddy's caddygzip.Gzip.
type Gzip struct {
	// Level is the compression level (1–9).
	Level int `json:"level,omitempty"`
}

// Zstd is the zstd encoder, as Caddy's caddyzstd.Zstd.
type Zstd struct {
	// Level is "fastest", "better", "best" or "default".
	Level string `json:"level,omitempty"`
	// Checksum adds a checksum to each frame.
	Checksum *bool `json:"checksum,omitempty"`
}

// FileServer serves static files, as Caddy's fileserver.FileServer.
type FileServer struct {
	// FS names a file system; only the default is supported.
	FS string `json:"fs,omitempty"`
	// Root is the site root (default "{http.vars.root}" or the cwd).
	Root string `json:"root,omitempty"`
	// Hide are paths or globs never served.
	Hide []string `json:"hide,omitempty"`
	// IndexNames are the index files tried for directories.
	IndexNames []string `json:"index_names,omitempty"`
	// Browse enables directory listings.
	Browse *Browse `json:"browse,omitempty"`
	// CanonicalURIs redirects to add or remove trailing slashes.
	CanonicalURIs *bool `json:"canonical_uris,omitempty"`
	// StatusCode overrides the success status.
	StatusCode WeakString `json:"status_code,omitempty"`
	// PassThru calls the next handler instead of returning 404.
	PassThru bool `json:"pass_thru,omitempty"`
	// Precompressed serves sidecar files (.gz, .zst, .br) by encoding.
	Precompressed *Precompressed `json:"precompressed,omitempty"`
	// PrecompressedOrder is the preference among Precompressed encodings.
	PrecompressedOrder []string `json:"precompressed_order,omitempty"`
	// EtagFileExtensions are sidecar extensions holding ETags.
	EtagFileExtensions []string `json:"etag_file_extensions,omitempty"`
}

// ModuleName returns "file_server".
func (*FileServer) ModuleName() string { return "file_server" }

// Browse configures directory listings, as Caddy's fileserver.Browse.
type Browse struct {
	// TemplateFile replaces the listing template; not supported.
	TemplateFile unsupportedField `json:"template_file,omitempty"`
	// RevealSymlinks shows symlink targets.
	RevealSymlinks bool `json:"reveal_symlinks,omitempty"`
	// Sort is the default sort ("name", "size", "time"; "asc"/"desc").
	Sort []string `json:"sort,omitempty"`
	// FileLimit caps the entries listed.
	FileLimit int `json:"file_limit,omitempty"`
	// PlainTimeFormat formats times in the plain-text listing.
	PlainTimeFormat string `json:"plain_time_format,omitempty"`
}

// Precompressed is the http.precompressed module map.
type Precompressed struct {
	// Br serves .br files.
	Br *struct{} `json:"br,omitempty"`
	// Gzip serves .gz files.
	Gzip *struct{} `json:"gzip,omitempty"`
	// Zstd serves .zst files.
	Zstd *struct{} `json:"zstd,omitempty"`
}

func (*Precompressed) moduleKind() string { return "precompressed encoding" }

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
