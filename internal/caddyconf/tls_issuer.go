package caddyconf

// IssuerModule is a certificate issuer named by "module": "acme",
// "zerossl" or "internal".
type IssuerModule = Inline[issuers]

type issuers struct{}

func (issuers) inlineKey() string { return "module" }
func (issuers) kind() string      { return "issuer" }
func (issuers) newModule(name string) Module {
	switch name {
	case "acme":
		return new(ACMEIssuer)
	case "zerossl":
		return new(ZeroSSLIssuer)
	case "internal":
		return new(InternalIssuer)
	}
	return nil
}

// ACMEIssuer is as Caddy's caddytls.ACMEIssuer.
type ACMEIssuer struct {
	// CA is the ACME directory URL.
	CA string `json:"ca,omitempty"`
	// TestCA is the directory used after failures.
	TestCA string `json:"test_ca,omitempty"`
	// Email is the account contact.
	Email string `json:"email,omitempty"`
	// Profile is the ACME profile to request.
	Profile string `json:"profile,omitempty"`
	// AccountKey is a PEM account key.
	AccountKey string `json:"account_key,omitempty"`
	// ExternalAccount is the EAB binding.
	ExternalAccount *ExternalAccount `json:"external_account,omitempty"`
	// ACMETimeout bounds ACME operations.
	ACMETimeout Duration `json:"acme_timeout,omitempty"`
	// Challenges configures the challenge types.
	Challenges *Challenges `json:"challenges,omitempty"`
	// TrustedRootsPEMFiles are roots for the ACME server's certificate.
	TrustedRootsPEMFiles []string `json:"trusted_roots_pem_files,omitempty"`
	// PreferredChains picks among alternate chains.
	PreferredChains *ChainPreference `json:"preferred_chains,omitempty"`
	// CertificateLifetime requests a validity period.
	CertificateLifetime Duration `json:"certificate_lifetime,omitempty"`
	// NetworkProxy is not supported.
	NetworkProxy unsupportedField `json:"network_proxy,omitempty"`
}

// ModuleName returns "acme".
func (*ACMEIssuer) ModuleName() string { return "acme" }

// ExternalAccount is an EAB binding, as acmez's acme.EAB.
type ExternalAccount struct {
	// KeyID is the key identifier.
	KeyID string `json:"key_id"`
	// MACKey is the base64url HMAC key.
	MACKey string `json:"mac_key"`
}

// Challenges is as Caddy's caddytls.ChallengesConfig.
type Challenges struct {
	// HTTP is the HTTP-01 challenge.
	HTTP *HTTPChallenge `json:"http,omitempty"`
	// TLSALPN is the TLS-ALPN-01 challenge.
	TLSALPN *HTTPChallenge `json:"tls-alpn,omitempty"`
	// DNS is the DNS-01 challenge.
	DNS *DNSChallenge `json:"dns,omitempty"`
	// BindHost is the interface challenge servers listen on.
	BindHost string `json:"bind_host,omitempty"`
	// Distributed solves challenges across a cluster.
	Distributed *bool `json:"distributed,omitempty"`
}

// HTTPChallenge is as Caddy's HTTPChallengeConfig and TLSALPNChallengeConfig.
type HTTPChallenge struct {
	// Disabled turns the challenge off.
	Disabled bool `json:"disabled,omitempty"`
	// AlternatePort is an internal port forwarded from the standard one.
	AlternatePort int `json:"alternate_port,omitempty"`
}

// DNSChallenge is as Caddy's caddytls.DNSChallengeConfig.
type DNSChallenge struct {
	// Provider sets DNS records.
	Provider *DNSProviderModule `json:"provider,omitempty"`
	// TTL is the record TTL.
	TTL Duration `json:"ttl,omitempty"`
	// PropagationDelay waits before checking propagation.
	PropagationDelay Duration `json:"propagation_delay,omitempty"`
	// PropagationTimeout bounds the propagation check.
	PropagationTimeout Duration `json:"propagation_timeout,omitempty"`
	// Resolvers check propagation.
	Resolvers []string `json:"resolvers,omitempty"`
	// OverrideDomain delegates the challenge.
	OverrideDomain string `json:"override_domain,omitempty"`
}

// ChainPreference is as Caddy's caddytls.ChainPreference.
type ChainPreference struct {
	// Smallest prefers the shortest chain.
	Smallest *bool `json:"smallest,omitempty"`
	// RootCommonName prefers chains with these root CNs.
	RootCommonName []string `json:"root_common_name,omitempty"`
	// AnyCommonName prefers chains with any of these CNs.
	AnyCommonName []string `json:"any_common_name,omitempty"`
}

// ZeroSSLIssuer is as Caddy's caddytls.ZeroSSLIssuer.
type ZeroSSLIssuer struct {
	// APIKey is the ZeroSSL API key.
	APIKey string `json:"api_key,omitempty"`
	// ValidityDays is the certificate lifetime.
	ValidityDays int `json:"validity_days,omitempty"`
	// ListenHost is where the HTTP validation server listens.
	ListenHost string `json:"listen_host,omitempty"`
	// AlternateHTTPPort is an internal port for HTTP validation.
	AlternateHTTPPort int `json:"alternate_http_port,omitempty"`
	// CNAMEValidation uses DNS CNAME validation.
	CNAMEValidation *DNSChallenge `json:"cname_validation,omitempty"`
}

// ModuleName returns "zerossl".
func (*ZeroSSLIssuer) ModuleName() string { return "zerossl" }

// InternalIssuer signs with a local CA of the pki app, as Caddy's
// caddytls.InternalIssuer.
type InternalIssuer struct {
	// CA is the pki app's CA ID (default "local").
	CA string `json:"ca,omitempty"`
	// Lifetime is the certificate validity.
	Lifetime Duration `json:"lifetime,omitempty"`
	// SignWithRoot signs with the root instead of the intermediate.
	SignWithRoot bool `json:"sign_with_root,omitempty"`
}

// ModuleName returns "internal".
func (*InternalIssuer) ModuleName() string { return "internal" }
