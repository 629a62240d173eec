package certs

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"time"

	"github.com/caddyserver/certmagic"
	"github.com/mholt/acmez/v3/acme"

	"github.com/zeroserve/zeroserve/internal/caddyconf"
)

// letsEncryptCA is Caddy's default ACME directory.
const letsEncryptCA = "https://acme-v02.api.letsencrypt.org/directory"

// issuerSpec is an issuer before it is bound to its certmagic config.
type issuerSpec struct {
	acme     *certmagic.ACMEIssuer // template, or nil
	internal *caddyconf.InternalIssuer
}

// unsupported is the error for a field zeroserve does not implement.
func unsupported(kind, name, path string) error {
	return &caddyconf.UnsupportedError{Kind: kind, Name: name, Path: path}
}

// issuerSpecs converts a policy's issuers. With none, Caddy's default
// applies: Let's Encrypt without an email (the Caddyfile adapter writes
// the issuers out, ZeroSSL's among them, when the config has an email).
func (b *builder) issuerSpecs(ap *caddyconf.AutomationPolicy, path string) ([]issuerSpec, error) {
	if len(ap.Issuers) == 0 {
		return []issuerSpec{{acme: b.acmeDefaults(&certmagic.ACMEIssuer{CA: letsEncryptCA})}}, nil
	}
	var specs []issuerSpec
	for i, im := range ap.Issuers {
		p := fmt.Sprintf("%s.issuers[%d]", path, i)
		switch v := im.Value.(type) {
		case *caddyconf.ACMEIssuer:
			tpl, err := b.acmeIssuer(v, p)
			if err != nil {
				return nil, err
			}
			specs = append(specs, issuerSpec{acme: tpl})
		case *caddyconf.InternalIssuer:
			if v.CA != "" && v.CA != "local" {
				return nil, unsupported("internal issuer CA", v.CA, p+".ca")
			}
			specs = append(specs, issuerSpec{internal: v})
		default:
			return nil, unsupported("issuer", im.Value.ModuleName(), p)
		}
	}
	return specs, nil
}

// acmeIssuer converts one acme issuer module.
func (b *builder) acmeIssuer(v *caddyconf.ACMEIssuer, p string) (*certmagic.ACMEIssuer, error) {
	tpl := &certmagic.ACMEIssuer{
		CA:            v.CA,
		TestCA:        v.TestCA,
		Email:         v.Email,
		Profile:       v.Profile,
		AccountKeyPEM: v.AccountKey,
		NotAfter:      time.Duration(v.CertificateLifetime),
	}
	if tpl.CA == "" {
		tpl.CA = letsEncryptCA
	}
	if v.ACMETimeout != 0 {
		return nil, unsupported("acme field", "acme_timeout", p+".acme_timeout")
	}
	if ea := v.ExternalAccount; ea != nil {
		tpl.ExternalAccount = &acme.EAB{KeyID: ea.KeyID, MACKey: ea.MACKey}
	}
	if c := v.Challenges; c != nil {
		if c.HTTP != nil {
			tpl.DisableHTTPChallenge = c.HTTP.Disabled
			tpl.AltHTTPPort = c.HTTP.AlternatePort
		}
		if c.TLSALPN != nil {
			tpl.DisableTLSALPNChallenge = c.TLSALPN.Disabled
			tpl.AltTLSALPNPort = c.TLSALPN.AlternatePort
		}
		if c.DNS != nil {
			return nil, unsupported("acme challenge", "dns", p+".challenges.dns")
		}
		tpl.ListenHost = c.BindHost
		if c.Distributed != nil {
			tpl.DisableDistributedSolvers = !*c.Distributed
		}
	}
	if len(v.TrustedRootsPEMFiles) > 0 {
		pool := x509.NewCertPool()
		for i, f := range v.TrustedRootsPEMFiles {
			if err := addPEMFile(pool, f); err != nil {
				return nil, fmt.Errorf("%s.trusted_roots_pem_files[%d]: %w", p, i, err)
			}
		}
		tpl.TrustedRoots = pool
	}
	if pc := v.PreferredChains; pc != nil {
		tpl.PreferredChains = certmagic.ChainPreference{Smallest: pc.Smallest, RootCommonName: pc.RootCommonName, AnyCommonName: pc.AnyCommonName}
	}
	return b.acmeDefaults(tpl), nil
}

// acmeDefaults fills in what Caddy's http app does: the challenge ports
// (our own listeners' ports) and agreement to the CA's terms.
func (b *builder) acmeDefaults(tpl *certmagic.ACMEIssuer) *certmagic.ACMEIssuer {
	if tpl.AltHTTPPort == 0 {
		tpl.AltHTTPPort = b.httpPort
	}
	if tpl.AltTLSALPNPort == 0 {
		tpl.AltTLSALPNPort = b.httpsPort
	}
	tpl.Agreed = true
	tpl.Logger = b.logger
	return tpl
}

// addPEMFile adds every certificate of a PEM file to pool.
func addPEMFile(pool *x509.CertPool, file string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	n := 0
	for {
		var blk *pem.Block
		blk, data = pem.Decode(data)
		if blk == nil {
			break
		}
		if blk.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		pool.AddCert(c)
		n++
	}
	if n == 0 {
		return fmt.Errorf("%s: no PEM certificate", file)
	}
	return nil
}
