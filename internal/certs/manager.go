package certs

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/caddyserver/certmagic"
	"github.com/mholt/acmez/v3/acme"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/zeroserve/zeroserve/internal/caddyconf"
)

// Options configure New.
type Options struct {
	// HTTPPort and HTTPSPort are the http app's ports (0: 80 and 443).
	// ACME challenges are answered on them.
	HTTPPort, HTTPSPort int
	// Log receives the manager's log lines (JSON, as Caddy's); nil
	// discards them.
	Log io.Writer
}

// Manager owns the certificates of one tls app: a certmagic cache (with
// its renewal and OCSP maintenance), the automation policies, the loaded
// certificates and the local CA. Build it with New, name what it manages
// (AutoHTTPS, Manage), Preload before the listeners start, Start once
// they are up, and end it with Stop.
type Manager struct {
	cache    *certmagic.Cache
	storage  certmagic.Storage
	logger   *zap.Logger
	policies []*policy // explicit automation policies, first match wins
	public   *policy   // names no policy covers that qualify for public certs
	internal *policy   // names no policy covers that do not
	managed  map[*policy][]string
	due      bool // a preloaded certificate needs renewal
	ctx      context.Context
	cancel   context.CancelFunc
}

// policy is one automation policy with its certmagic config.
type policy struct {
	subjects []string
	magic    *certmagic.Config
	onDemand bool
}

// builder carries what converting the tls app needs.
type builder struct {
	m                   *Manager
	app                 *caddyconf.TLSApp
	httpPort, httpsPort int
	logger              *zap.Logger
	permission          func(context.Context, string) error
}

// New builds a Manager for cfg's tls app (nil: automatic HTTPS defaults)
// and storage, and loads the certificates the app names. Fields zeroserve
// does not implement are errors with their JSON paths.
func New(cfg *caddyconf.Config, opts Options) (*Manager, error) {
	b := &builder{httpPort: opts.HTTPPort, httpsPort: opts.HTTPSPort, app: &caddyconf.TLSApp{}}
	if b.httpPort == 0 {
		b.httpPort = 80
	}
	if b.httpsPort == 0 {
		b.httpsPort = 443
	}
	if cfg.Apps != nil && cfg.Apps.TLS != nil {
		b.app = cfg.Apps.TLS
	}
	if cfg.Apps != nil && cfg.Apps.PKI != nil && len(cfg.Apps.PKI.CertificateAuthorities) > 0 {
		return nil, unsupported("app", "pki", "apps.pki")
	}
	b.logger = newLogger(opts.Log)
	ctx, cancel := context.WithCancel(context.Background())
	m := &Manager{logger: b.logger, managed: map[*policy][]string{}, ctx: ctx, cancel: cancel}
	b.m = m
	if err := b.build(cfg); err != nil {
		cancel()
		if m.cache != nil {
			m.cache.Stop()
		}
		return nil, err
	}
	return m, nil
}

// newLogger writes Info and above as JSON lines to w.
func newLogger(w io.Writer) *zap.Logger {
	if w == nil {
		return zap.NewNop()
	}
	enc := zap.NewProductionEncoderConfig()
	enc.EncodeTime = zapcore.ISO8601TimeEncoder
	return zap.New(zapcore.NewCore(zapcore.NewJSONEncoder(enc), zapcore.AddSync(w), zap.InfoLevel))
}

func (b *builder) build(cfg *caddyconf.Config) error {
	app := b.app
	b.m.storage = storageOf(cfg.Storage, &certmagic.FileStorage{Path: DefaultStorageDir()})
	var err error
	switch {
	case app.DNS != nil:
		return unsupported("tls field", "dns", "apps.tls.dns")
	case len(app.Resolvers) > 0:
		return unsupported("tls field", "resolvers", "apps.tls.resolvers")
	}
	copts := certmagic.CacheOptions{GetConfigForCert: func(c certmagic.Certificate) (*certmagic.Config, error) {
		name := ""
		if len(c.Names) > 0 {
			name = c.Names[0]
		}
		return b.m.policyFor(name).magic, nil
	}, Logger: b.logger}
	if a := app.Automation; a != nil {
		copts.OCSPCheckInterval = time.Duration(a.OCSPInterval)
		copts.RenewCheckInterval = time.Duration(a.RenewInterval)
		if a.StorageCleanInterval != 0 {
			return unsupported("automation field", "storage_clean_interval", "apps.tls.automation.storage_clean_interval")
		}
		if od := a.OnDemand; od != nil {
			if b.permission, err = permission(od); err != nil {
				return err
			}
		}
	}
	b.m.cache = certmagic.NewCache(copts)
	if a := app.Automation; a != nil {
		for i, ap := range a.Policies {
			p, err := b.policy(ap, fmt.Sprintf("apps.tls.automation.policies[%d]", i))
			if err != nil {
				return err
			}
			b.m.policies = append(b.m.policies, p)
		}
	}
	if b.m.public, err = b.policy(&caddyconf.AutomationPolicy{}, "apps.tls.automation"); err != nil {
		return err
	}
	internal := &caddyconf.AutomationPolicy{Issuers: []caddyconf.IssuerModule{{Value: &caddyconf.InternalIssuer{}}}}
	if b.m.internal, err = b.policy(internal, "apps.tls.automation"); err != nil {
		return err
	}
	return b.loadCertificates()
}

// policy converts one automation policy.
func (b *builder) policy(ap *caddyconf.AutomationPolicy, path string) (*policy, error) {
	if len(ap.GetCertificate) > 0 {
		return nil, unsupported("automation field", "get_certificate", path+".get_certificate")
	}
	storage := storageOf(ap.Storage, b.m.storage)
	tpl := certmagic.Config{
		RenewalWindowRatio:  ap.RenewalWindowRatio,
		MustStaple:          ap.MustStaple,
		ReusePrivateKeys:    ap.ReusePrivateKeys,
		Storage:             storage,
		DisableStorageCheck: b.app.DisableStorageCheck,
		OCSP: certmagic.OCSPConfig{
			DisableStapling:    ap.DisableOCSPStapling || b.app.DisableOCSPStapling,
			ResponderOverrides: ap.OCSPOverrides,
		},
		Logger: b.logger,
	}
	if ap.KeyType != "" {
		switch kt := certmagic.KeyType(strings.ToLower(ap.KeyType)); kt {
		case certmagic.ED25519, certmagic.P256, certmagic.P384, certmagic.RSA2048, certmagic.RSA4096, certmagic.RSA8192:
			tpl.KeySource = certmagic.StandardKeyGenerator{KeyType: kt}
		default:
			return nil, &caddyconf.PathError{Path: path + ".key_type", Msg: fmt.Sprintf("unknown key type %q", ap.KeyType)}
		}
	}
	if ap.OnDemand {
		if b.permission == nil {
			return nil, &caddyconf.PathError{Path: path + ".on_demand", Msg: "on-demand TLS needs apps.tls.automation.on_demand.permission (an `ask` endpoint), as Caddy"}
		}
		tpl.OnDemand = &certmagic.OnDemandConfig{DecisionFunc: b.permission}
	}
	specs, err := b.issuerSpecs(ap, path)
	if err != nil {
		return nil, err
	}
	magic := certmagic.New(b.m.cache, tpl)
	var iss []certmagic.Issuer // replacing the default certmagic.New put in
	for _, s := range specs {
		if s.acme != nil {
			iss = append(iss, certmagic.NewACMEIssuer(magic, *s.acme))
			continue
		}
		iss = append(iss, b.internalIssuer(s.internal, storage))
	}
	magic.Issuers = iss
	return &policy{subjects: ap.Subjects, magic: magic, onDemand: ap.OnDemand}, nil
}

// internalIssuer returns an issuer on the local CA in storage.
func (b *builder) internalIssuer(v *caddyconf.InternalIssuer, storage certmagic.Storage) certmagic.Issuer {
	life := time.Duration(v.Lifetime)
	if life <= 0 {
		life = defaultLeafLifetime
	}
	return &internalIssuer{storage: storage, lifetime: life, signWithRoot: v.SignWithRoot, logger: b.logger}
}

// storageFile is the file a storage key is kept in ("" for non-file
// storage).
func storageFile(s certmagic.Storage, key string) string {
	if fs, ok := s.(*certmagic.FileStorage); ok {
		return filepath.Join(fs.Path, filepath.FromSlash(key))
	}
	return ""
}

// policyFor returns the automation policy for a name, as Caddy: the first
// policy with no subjects or a subject matching the name, else the
// implicit public (ACME) or internal policy by the kind of name.
func (m *Manager) policyFor(name string) *policy {
	name = strings.ToLower(name)
	for _, p := range m.policies {
		if len(p.subjects) == 0 {
			return p
		}
		for _, s := range p.subjects {
			if certmagic.MatchWildcard(name, strings.ToLower(s)) {
				return p
			}
		}
	}
	if !certmagic.SubjectQualifiesForPublicCert(name) || certmagic.SubjectIsIP(name) && len(m.policies) == 0 {
		return m.internal
	}
	return m.public
}

// Manage adds names whose certificates Start obtains and keeps renewed.
func (m *Manager) Manage(names ...string) {
	for _, n := range names {
		p := m.policyFor(n)
		m.managed[p] = append(m.managed[p], n)
	}
}

// HasCertificateFor reports whether a loaded certificate covers name.
func (m *Manager) HasCertificateFor(name string) bool {
	return len(m.cache.AllMatchingCertificates(name)) > 0
}

// preloadTimeout bounds loading stored certificates at Start (loading
// may fetch OCSP staples).
const preloadTimeout = 10 * time.Second

// Preload loads the managed certificates kept in storage into the cache,
// so listeners started after it serve them from their first handshake (a
// restart serves at once). Missing or unreadable ones are left to Start.
func (m *Manager) Preload() {
	ctx, cancel := context.WithTimeout(m.ctx, preloadTimeout)
	defer cancel()
	for p, names := range m.managed {
		if p.onDemand {
			continue
		}
		for _, n := range names {
			if c, err := p.magic.CacheManagedCertificate(ctx, n); err == nil && c.NeedsRenewal(p.magic) {
				m.due = true
			}
		}
	}
}

// Start obtains the managed certificates not in the cache in the
// background (a failing order is logged and retried with backoff by
// certmagic; serving goes on), renews preloaded ones that are due, and
// starts renewal and OCSP maintenance. Call it once the listeners that
// answer ACME challenges are up.
func (m *Manager) Start() error {
	for p, names := range m.managed {
		if p.onDemand {
			continue // obtained during handshakes
		}
		if err := p.magic.ManageAsync(m.ctx, names); err != nil {
			return fmt.Errorf("certs: %w", err)
		}
	}
	if m.due { // ManageAsync leaves cached certificates to maintenance
		go m.cache.RenewManagedCertificates(m.ctx)
	}
	return nil
}

// Stop ends maintenance and pending orders.
func (m *Manager) Stop() {
	m.cancel()
	m.cache.Stop()
}

// HTTPChallenge answers an ACME HTTP-01 validation request: for a GET of
// /.well-known/acme-challenge/TOKEN at a host with an order in progress,
// it returns the key authorization to send as the body.
func (m *Manager) HTTPChallenge(method, host, path string) (string, bool) {
	if method != "GET" || !strings.HasPrefix(path, "/.well-known/acme-challenge/") {
		return "", false
	}
	chal, ok := certmagic.GetACMEChallenge(host)
	if !ok || chal.Type != acme.ChallengeTypeHTTP01 || path != chal.HTTP01ResourcePath() {
		return "", false
	}
	return chal.KeyAuthorization, true
}

// tlsALPN is the ALPN protocol of ACME's TLS-ALPN-01 challenge.
const tlsALPN = "acme-tls/1"

// getCertificate returns the certificate for a handshake from the
// automation policy of its server name, through a certmagic config that
// carries the connection policy's selection and SNI defaults.
func (m *Manager) getCertificate(hello *tls.ClientHelloInfo, cp *connPolicy) (*tls.Certificate, error) {
	name := hello.ServerName
	if name == "" {
		name = cp.defaultSNI
	}
	return cp.magicFor(m, m.policyFor(name)).GetCertificate(hello)
}
