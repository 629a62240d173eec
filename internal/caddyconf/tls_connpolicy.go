package caddyconf

// ConnectionPolicy picks TLS settings for a handshake, as Caddy's
// caddytls.ConnectionPolicy.
type ConnectionPolicy struct {
	// Match selects handshakes (all when empty).
	Match *HandshakeMatchers `json:"match,omitempty"`
	// CertificateSelection narrows the certificates offered.
	CertificateSelection *CertSelection `json:"certificate_selection,omitempty"`
	// CipherSuites are the allowed TLS 1.2 suites.
	CipherSuites []string `json:"cipher_suites,omitempty"`
	// Curves are the allowed key-exchange groups.
	Curves []string `json:"curves,omitempty"`
	// ALPN are the offered application protocols.
	ALPN []string `json:"alpn,omitempty"`
	// ProtocolMin is the lowest version ("tls1.2").
	ProtocolMin string `json:"protocol_min,omitempty"`
	// ProtocolMax is the highest version ("tls1.3").
	ProtocolMax string `json:"protocol_max,omitempty"`
	// Drop closes matching connections.
	Drop bool `json:"drop,omitempty"`
	// ClientAuthentication requests client certificates.
	ClientAuthentication *ClientAuthentication `json:"client_authentication,omitempty"`
	// DefaultSNI is assumed when the client sends none.
	DefaultSNI string `json:"default_sni,omitempty"`
	// FallbackSNI is used when no certificate matches the SNI.
	FallbackSNI string `json:"fallback_sni,omitempty"`
	// InsecureSecretsLog writes TLS secrets to a file (debugging).
	InsecureSecretsLog string `json:"insecure_secrets_log,omitempty"`
	// HandshakeContext is not supported.
	HandshakeContext unsupportedField `json:"handshake_context,omitempty"`
}

// HandshakeMatchers is the tls.handshake_match module map.
type HandshakeMatchers struct {
	// SNI matches the server name.
	SNI []string `json:"sni,omitempty"`
	// SNIRegexp matches the server name against an expression.
	SNIRegexp *MatchRegexp `json:"sni_regexp,omitempty"`
	// RemoteIP matches the client address.
	RemoteIP *HandshakeIP `json:"remote_ip,omitempty"`
	// LocalIP matches the local address.
	LocalIP *MatchIP `json:"local_ip,omitempty"`
}

func (*HandshakeMatchers) moduleKind() string { return "handshake matcher" }

// HandshakeIP is as Caddy's caddytls.MatchRemoteIP.
type HandshakeIP struct {
	// Ranges must contain the address.
	Ranges []string `json:"ranges,omitempty"`
	// NotRanges must not contain it.
	NotRanges []string `json:"not_ranges,omitempty"`
}

// CertSelection is as Caddy's caddytls.CustomCertSelectionPolicy.
type CertSelection struct {
	// SerialNumber is not supported.
	SerialNumber unsupportedField `json:"serial_number,omitempty"`
	// SubjectOrganization matches the subject's O.
	SubjectOrganization []string `json:"subject_organization,omitempty"`
	// PublicKeyAlgorithm is "rsa", "ecdsa" or "ed25519".
	PublicKeyAlgorithm string `json:"public_key_algorithm,omitempty"`
	// AnyTag matches certificates with any of these tags.
	AnyTag []string `json:"any_tag,omitempty"`
	// AllTags matches certificates with all of these tags.
	AllTags []string `json:"all_tags,omitempty"`
}

// ClientAuthentication is as Caddy's caddytls.ClientAuthentication.
type ClientAuthentication struct {
	// CA is the pool of trusted client CAs.
	CA *CAPoolModule `json:"ca,omitempty"`
	// TrustedCACerts are base64 DER CAs (deprecated form of CA).
	TrustedCACerts []string `json:"trusted_ca_certs,omitempty"`
	// TrustedCACertPEMFiles are PEM CA files (deprecated form of CA).
	TrustedCACertPEMFiles []string `json:"trusted_ca_certs_pem_files,omitempty"`
	// TrustedLeafCerts are base64 DER leaves (deprecated).
	TrustedLeafCerts []string `json:"trusted_leaf_certs,omitempty"`
	// Verifiers add checks on the client certificate.
	Verifiers []VerifierModule `json:"verifiers,omitempty"`
	// Mode is request, require, verify_if_given or require_and_verify.
	Mode string `json:"mode,omitempty"`
}

// CAPoolModule is a source of trusted CAs named by "provider": inline,
// file, pki_root, pki_intermediate, system or combined.
type CAPoolModule = Inline[caPools]

type caPools struct{}

func (caPools) inlineKey() string { return "provider" }
func (caPools) kind() string      { return "CA pool" }
func (caPools) newModule(name string) Module {
	switch name {
	case "inline":
		return new(InlineCAPool)
	case "file":
		return new(FileCAPool)
	case "pki_root", "pki_intermediate":
		return &PKICAPool{Name: name}
	case "system":
		return new(SystemCAPool)
	case "combined":
		return new(CombinedCAPool)
	}
	return nil
}

// InlineCAPool is as Caddy's caddytls.InlineCAPool.
type InlineCAPool struct {
	// TrustedCACerts are base64 DER certificates.
	TrustedCACerts []string `json:"trusted_ca_certs,omitempty"`
}

// ModuleName returns "inline".
func (*InlineCAPool) ModuleName() string { return "inline" }

// FileCAPool is as Caddy's caddytls.FileCAPool.
type FileCAPool struct {
	// PEMFiles are PEM certificate files.
	PEMFiles []string `json:"pem_files,omitempty"`
}

// ModuleName returns "file".
func (*FileCAPool) ModuleName() string { return "file" }

// PKICAPool trusts a pki app CA's root ("pki_root") or intermediate
// ("pki_intermediate"), as Caddy's PKIRootCAPool and PKIIntermediateCAPool.
type PKICAPool struct {
	// Name is "pki_root" or "pki_intermediate".
	Name string `json:"-"`
	// Authority are CA IDs.
	Authority []string `json:"authority,omitempty"`
}

// ModuleName returns the provider name.
func (p *PKICAPool) ModuleName() string { return p.Name }

// SystemCAPool trusts the system roots, as Caddy's caddytls.SystemCAPool.
type SystemCAPool struct{}

// ModuleName returns "system".
func (*SystemCAPool) ModuleName() string { return "system" }

// CombinedCAPool merges pools, as Caddy's caddytls.CombinedCAPool.
type CombinedCAPool struct {
	// Sources are the pools merged.
	Sources []CAPoolModule `json:"sources,omitempty"`
}

// ModuleName returns "combined".
func (*CombinedCAPool) ModuleName() string { return "combined" }

// VerifierModule is a client-certificate verifier named by "verifier";
// only "leaf" is supported.
type VerifierModule = Inline[verifiers]

type verifiers struct{}

func (verifiers) inlineKey() string { return "verifier" }
func (verifiers) kind() string      { return "client certificate verifier" }
func (verifiers) newModule(name string) Module {
	if name == "leaf" {
		return new(LeafVerifier)
	}
	return nil
}

// LeafVerifier accepts only listed leaf certificates, as Caddy's
// caddytls.LeafCertClientAuth.
type LeafVerifier struct {
	// LeafCertsLoaders load the accepted leaves.
	LeafCertsLoaders []LeafLoaderModule `json:"leaf_certs_loaders,omitempty"`
}

// ModuleName returns "leaf".
func (*LeafVerifier) ModuleName() string { return "leaf" }

// LeafLoaderModule loads leaf certificates, named by "loader": file,
// folder or pem.
type LeafLoaderModule = Inline[leafLoaders]

type leafLoaders struct{}

func (leafLoaders) inlineKey() string { return "loader" }
func (leafLoaders) kind() string      { return "leaf certificate loader" }
func (leafLoaders) newModule(name string) Module {
	switch name {
	case "file":
		return new(LeafFileLoader)
	case "folder":
		return new(LeafFolderLoader)
	case "pem":
		return new(LeafPEMLoader)
	}
	return nil
}

// LeafFileLoader is as Caddy's caddytls.LeafFileLoader.
type LeafFileLoader struct {
	// Files are PEM files.
	Files []string `json:"files,omitempty"`
}

// ModuleName returns "file".
func (*LeafFileLoader) ModuleName() string { return "file" }

// LeafFolderLoader is as Caddy's caddytls.LeafFolderLoader.
type LeafFolderLoader struct {
	// Folders hold PEM files.
	Folders []string `json:"folders,omitempty"`
}

// ModuleName returns "folder".
func (*LeafFolderLoader) ModuleName() string { return "folder" }

// LeafPEMLoader is as Caddy's caddytls.LeafPEMLoader.
type LeafPEMLoader struct {
	// Certificates are inline PEM certificates.
	Certificates []string `json:"certificates,omitempty"`
}

// ModuleName returns "pem".
func (*LeafPEMLoader) ModuleName() string { return "pem" }
