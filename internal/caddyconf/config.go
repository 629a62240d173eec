package caddyconf

import (
	"encoding/json"
	"fmt"
	"reflect"
)

// Config is a whole Caddy JSON document, as Caddy's caddy.Config. Only the
// apps zeroserve implements (http, tls, pki) are accepted.
type Config struct {
	// Admin configures Caddy's admin API, which zeroserve does not serve:
	// it is checked and reported as a warning.
	Admin *Admin `json:"admin,omitempty" zs:"warn"`
	// Logging configures the named loggers (access logs among them).
	Logging *Logging `json:"logging,omitempty"`
	// Storage is where certificates and keys are kept.
	Storage *StorageModule `json:"storage,omitempty"`
	// Apps holds the app configs by app name.
	Apps *Apps `json:"apps,omitempty"`

	// Warnings lists the fields Parse accepted but zeroserve ignores.
	Warnings []Warning `json:"-"`
}

// Apps is Caddy's "apps" module map.
type Apps struct {
	// HTTP is the http app.
	HTTP *HTTPApp `json:"http,omitempty"`
	// TLS is the tls app.
	TLS *TLSApp `json:"tls,omitempty"`
	// PKI is the pki app (local certificate authorities).
	PKI *PKIApp `json:"pki,omitempty"`
}

func (*Apps) moduleKind() string { return "app" }

// Admin is the admin endpoint's config, as Caddy's caddy.AdminConfig.
type Admin struct {
	// Disabled turns the admin endpoint off.
	Disabled bool `json:"disabled,omitempty"`
	// Listen is the admin endpoint's address.
	Listen string `json:"listen,omitempty"`
	// EnforceOrigin checks the Origin header of admin requests.
	EnforceOrigin bool `json:"enforce_origin,omitempty"`
	// Origins are the allowed origins.
	Origins []string `json:"origins,omitempty"`
	// Config holds config-persistence settings.
	Config *AdminConfigSettings `json:"config,omitempty"`
	// Identity (the admin endpoint's certificate) is not supported.
	Identity unsupportedField `json:"identity,omitempty"`
	// Remote (remote administration) is not supported.
	Remote unsupportedField `json:"remote,omitempty"`
}

// AdminConfigSettings is Caddy's caddy.ConfigSettings without config
// loaders (a "load" module is rejected).
type AdminConfigSettings struct {
	// Persist saves the active config to disk.
	Persist *bool `json:"persist,omitempty"`
	// Load (a config loader module) is not supported.
	Load unsupportedField `json:"load,omitempty"`
	// LoadDelay waits before loading a dynamic config.
	LoadDelay Duration `json:"load_delay,omitempty"`
}

// PKIApp is the pki app, as Caddy's caddypki.PKI.
type PKIApp struct {
	// CertificateAuthorities are the local CAs by ID ("local" is the default).
	CertificateAuthorities map[string]*CA `json:"certificate_authorities,omitempty"`
}

// CA is a local certificate authority, as Caddy's caddypki.CA.
type CA struct {
	// Name is the user-facing name.
	Name string `json:"name,omitempty"`
	// RootCommonName is the root certificate's CN.
	RootCommonName string `json:"root_common_name,omitempty"`
	// IntermediateCommonName is the intermediate certificate's CN.
	IntermediateCommonName string `json:"intermediate_common_name,omitempty"`
	// IntermediateLifetime is the intermediate's validity.
	IntermediateLifetime Duration `json:"intermediate_lifetime,omitempty"`
	// InstallTrust installs the root into the system trust store.
	InstallTrust *bool `json:"install_trust,omitempty"`
	// Root is a root key pair to use instead of generating one.
	Root *KeyPair `json:"root,omitempty"`
	// Intermediate is an intermediate key pair to use.
	Intermediate *KeyPair `json:"intermediate,omitempty"`
	// MaintenanceInterval is how often the CA is checked for renewal.
	MaintenanceInterval Duration `json:"maintenance_interval,omitempty"`
	// RenewalWindowRatio is the share of lifetime left that triggers renewal.
	RenewalWindowRatio float64 `json:"renewal_window_ratio,omitempty"`
	// Storage overrides the global storage for this CA.
	Storage *StorageModule `json:"storage,omitempty"`
}

// KeyPair is a certificate and its key on disk, as Caddy's caddypki.KeyPair.
type KeyPair struct {
	// Certificate is the certificate file.
	Certificate string `json:"certificate,omitempty"`
	// PrivateKey is the key file.
	PrivateKey string `json:"private_key,omitempty"`
	// Format is the files' format ("pem_file").
	Format string `json:"format,omitempty"`
}

// Parse decodes a Caddy JSON document strictly: unknown fields are
// *PathError values, unknown or unimplemented modules *UnsupportedError
// values, each with the JSON path. Fields zeroserve accepts but ignores
// are listed in Config.Warnings. Parse never panics.
func Parse(data []byte) (*Config, error) {
	if !json.Valid(data) {
		var v any
		err := json.Unmarshal(data, &v)
		return nil, &PathError{Msg: fmt.Sprintf("invalid JSON: %v", err)}
	}
	if depth := nesting(data); depth > maxNesting {
		return nil, &PathError{Msg: fmt.Sprintf("JSON nested %d levels deep, more than %d", depth, maxNesting)}
	}
	var d decoder
	var c Config
	if err := d.decode("", data, reflect.ValueOf(&c).Elem()); err != nil {
		return nil, err
	}
	c.Warnings = d.warnings
	return &c, nil
}

// maxNesting bounds the depth of arrays and objects. The decoder re-reads
// each value's subtree once per level, so its cost is the input size times
// the depth; real configs are a few dozen levels deep (each nested
// subroute adds four), and 512 keeps hostile inputs cheap.
const maxNesting = 512

// nesting returns the deepest array/object nesting of valid JSON data.
func nesting(data []byte) int {
	depth, deepest := 0, 0
	inString := false
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch {
		case inString:
			if c == '\\' {
				i++
			} else if c == '"' {
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
			deepest = max(deepest, depth)
		case c == '}' || c == ']':
			depth--
		}
	}
	return deepest
}
