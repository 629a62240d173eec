package caddyconf

// TLSApp is the tls app, as Caddy's caddytls.TLS.
type TLSApp struct {
	// Certificates are certificate loaders by name.
	Certificates *CertificateLoaders `json:"certificates,omitempty"`
	// Automation manages certificates (ACME, internal CA).
	Automation *Automation `json:"automation,omitempty"`
	// SessionTickets configures ticket key rotation; not supported.
	SessionTickets unsupportedField `json:"session_tickets,omitempty"`
	// Cache tunes the in-memory certificate cache; ignored (warning).
	Cache *CertCache `json:"cache,omitempty" zs:"warn"`
	// DisableOCSPStapling turns off OCSP stapling.
	DisableOCSPStapling bool `json:"disable_ocsp_stapling,omitempty"`
	// DisableStorageCheck skips the storage write check at start.
	DisableStorageCheck bool `json:"disable_storage_check,omitempty"`
	// DisableStorageClean skips cleaning stale certificates.
	DisableStorageClean bool `json:"disable_storage_clean,omitempty"`
	// EncryptedClientHello (ECH) is not supported.
	EncryptedClientHello unsupportedField `json:"encrypted_client_hello,omitempty"`
	// DNS is the default DNS provider for challenges.
	DNS *DNSProviderModule `json:"dns,omitempty"`
	// Resolvers are DNS resolvers for challenges.
	Resolvers []string `json:"resolvers,omitempty"`
}

// CertCache is as Caddy's caddytls.CertCacheOptions.
type CertCache struct {
	// Capacity caps the cached certificates.
	Capacity int `json:"capacity,omitempty"`
}

// CertificateLoaders is the tls.certificates module map.
type CertificateLoaders struct {
	// LoadFiles loads certificate and key files.
	LoadFiles []CertKeyFiles `json:"load_files,omitempty"`
	// LoadPEM loads inline PEM pairs.
	LoadPEM []CertKeyPEM `json:"load_pem,omitempty"`
	// LoadFolders loads every PEM bundle in these folders.
	LoadFolders []string `json:"load_folders,omitempty"`
	// Automate names subjects whose certificates are managed.
	Automate []string `json:"automate,omitempty"`
}

func (*CertificateLoaders) moduleKind() string { return "certificate loader" }

// CertKeyFiles is a certificate and key file pair, as Caddy's
// caddytls.CertKeyFilePair.
type CertKeyFiles struct {
	// Certificate is the certificate (chain) file.
	Certificate string `json:"certificate"`
	// Key is the key file.
	Key string `json:"key"`
	// Format is the encoding (only "pem").
	Format string `json:"format,omitempty"`
	// Tags select the certificate in connection policies.
	Tags []string `json:"tags,omitempty"`
}

// CertKeyPEM is an inline PEM pair, as Caddy's caddytls.CertKeyPEMPair.
type CertKeyPEM struct {
	// Certificate is the PEM certificate (chain).
	Certificate string `json:"certificate"`
	// Key is the PEM key.
	Key string `json:"key"`
	// Tags select the certificate in connection policies.
	Tags []string `json:"tags,omitempty"`
}

// Automation is as Caddy's caddytls.AutomationConfig.
type Automation struct {
	// Policies apply to subjects, first match wins.
	Policies []*AutomationPolicy `json:"policies,omitempty"`
	// OnDemand configures on-demand issuance.
	OnDemand *OnDemand `json:"on_demand,omitempty"`
	// OCSPInterval is how often OCSP staples are checked.
	OCSPInterval Duration `json:"ocsp_interval,omitempty"`
	// RenewInterval is how often renewals are checked.
	RenewInterval Duration `json:"renew_interval,omitempty"`
	// StorageCleanInterval is how often storage is cleaned.
	StorageCleanInterval Duration `json:"storage_clean_interval,omitempty"`
}

// AutomationPolicy is as Caddy's caddytls.AutomationPolicy.
type AutomationPolicy struct {
	// Subjects are the names this policy covers (all when empty).
	Subjects []string `json:"subjects,omitempty"`
	// Issuers obtain certificates, tried in order.
	Issuers []IssuerModule `json:"issuers,omitempty"`
	// GetCertificate fetches certificates from managers at handshake.
	GetCertificate []CertManagerModule `json:"get_certificate,omitempty"`
	// MustStaple requests OCSP Must-Staple.
	MustStaple bool `json:"must_staple,omitempty"`
	// RenewalWindowRatio is the share of lifetime left that triggers renewal.
	RenewalWindowRatio float64 `json:"renewal_window_ratio,omitempty"`
	// KeyType is the private key type ("ed25519", "p256", "rsa2048", ...).
	KeyType string `json:"key_type,omitempty"`
	// Storage overrides the global storage.
	Storage *StorageModule `json:"storage,omitempty"`
	// OnDemand obtains certificates during handshakes.
	OnDemand bool `json:"on_demand,omitempty"`
	// ReusePrivateKeys keeps keys across renewals.
	ReusePrivateKeys bool `json:"reuse_private_keys,omitempty"`
	// DisableOCSPStapling turns off stapling for these subjects.
	DisableOCSPStapling bool `json:"disable_ocsp_stapling,omitempty"`
	// OCSPOverrides replaces OCSP responder URLs.
	OCSPOverrides map[string]string `json:"ocsp_overrides,omitempty"`
}

// OnDemand is as Caddy's caddytls.OnDemandConfig.
type OnDemand struct {
	// Ask is the deprecated form of Permission (an HTTP endpoint).
	Ask string `json:"ask,omitempty"`
	// Permission decides whether a name may get a certificate.
	Permission *PermissionModule `json:"permission,omitempty"`
}

// PermissionModule is an on-demand permission module named by "module";
// only "http" is supported.
type PermissionModule = Inline[permissions]

type permissions struct{}

func (permissions) inlineKey() string { return "module" }
func (permissions) kind() string      { return "on-demand permission" }
func (permissions) newModule(name string) Module {
	if name == "http" {
		return new(PermissionByHTTP)
	}
	return nil
}

// PermissionByHTTP asks an HTTP endpoint, as Caddy's caddytls.PermissionByHTTP.
type PermissionByHTTP struct {
	// Endpoint is the URL asked with ?domain=.
	Endpoint string `json:"endpoint"`
}

// ModuleName returns "http".
func (*PermissionByHTTP) ModuleName() string { return "http" }

// CertManagerModule gets certificates at handshake, named by "via"; only
// "http" is supported.
type CertManagerModule = Inline[certManagers]

type certManagers struct{}

func (certManagers) inlineKey() string { return "via" }
func (certManagers) kind() string      { return "certificate manager" }
func (certManagers) newModule(name string) Module {
	if name == "http" {
		return new(HTTPCertGetter)
	}
	return nil
}

// HTTPCertGetter fetches certificates over HTTP, as Caddy's
// caddytls.HTTPCertGetter.
type HTTPCertGetter struct {
	// URL is the endpoint.
	URL string `json:"url,omitempty"`
}

// ModuleName returns "http".
func (*HTTPCertGetter) ModuleName() string { return "http" }

// DNSProviderModule is a DNS provider named by "name". Caddy's standard
// distribution has none, so every name is unsupported.
type DNSProviderModule = Inline[dnsProviders]

type dnsProviders struct{}

func (dnsProviders) inlineKey() string       { return "name" }
func (dnsProviders) kind() string            { return "DNS provider" }
func (dnsProviders) newModule(string) Module { return nil }

// StorageModule is a certificate storage named by "module"; only
// "file_system" is supported.
type StorageModule = Inline[storages]

type storages struct{}

func (storages) inlineKey() string { return "module" }
func (storages) kind() string      { return "storage" }
func (storages) newModule(name string) Module {
	if name == "file_system" {
		return new(FileStorage)
	}
	return nil
}

// FileStorage keeps data in a directory, as Caddy's filestorage.FileStorage.
type FileStorage struct {
	// Root is the directory.
	Root string `json:"root,omitempty"`
}

// ModuleName returns "file_system".
func (*FileStorage) ModuleName() string { return "file_system" }
