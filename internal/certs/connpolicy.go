package certs

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/caddyserver/certmagic"

	"github.com/zeroserve/zeroserve/internal/caddyconf"
)

// connPolicy is one TLS connection policy, ready for handshakes.
type connPolicy struct {
	sni         []string       // match: server names (lower case)
	remote      []netip.Prefix // match: client address in one of these
	notRemote   []netip.Prefix // match: and in none of these
	local       []netip.Prefix // match: local address in one of these
	drop        bool
	defaultSNI  string
	fallbackSNI string
	selector    certmagic.CertificateSelector
	base        *tls.Config // everything but the certificate

	mu    sync.Mutex
	magic map[*policy]*certmagic.Config // the automation policies' configs with this policy's selection
}

// errDropped and errNoPolicy end handshakes.
var (
	errDropped  = errors.New("certs: connection dropped by TLS connection policy")
	errNoPolicy = errors.New("certs: no TLS connection policy matches this handshake")
)

// ServerTLS returns the tls.Config of a server's HTTPS listeners: each
// handshake gets the settings of the first of the server's connection
// policies that matches it (Caddy's semantics), certificates from the
// Manager, and TLS-ALPN-01 challenge answers. path locates the server in
// the config for errors.
func (m *Manager) ServerTLS(srv *caddyconf.Server, path string) (*tls.Config, error) {
	policies := srv.TLSConnectionPolicies
	if len(policies) == 0 {
		policies = []*caddyconf.ConnectionPolicy{{}} // Caddy's default: TLS for every handshake
	}
	var cps []*connPolicy
	for i, p := range policies {
		cp, err := newConnPolicy(p, fmt.Sprintf("%s.tls_connection_policies[%d]", path, i))
		if err != nil {
			return nil, err
		}
		cp.base.GetCertificate = func(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
			return m.getCertificate(hello, cp)
		}
		cps = append(cps, cp)
	}
	return &tls.Config{
		MinVersion: tls.VersionTLS12,
		GetConfigForClient: func(hello *tls.ClientHelloInfo) (*tls.Config, error) {
			for _, cp := range cps {
				if cp.matches(hello) {
					if cp.drop {
						return nil, errDropped
					}
					return cp.base, nil
				}
			}
			return nil, errNoPolicy
		},
	}, nil
}

// magicFor returns automation policy p's certmagic config with this
// connection policy's certificate selection and SNI defaults.
func (cp *connPolicy) magicFor(m *Manager, p *policy) *certmagic.Config {
	if cp.selector == nil && cp.defaultSNI == "" && cp.fallbackSNI == "" {
		return p.magic
	}
	cp.mu.Lock()
	defer cp.mu.Unlock()
	if c := cp.magic[p]; c != nil {
		return c
	}
	c := certmagic.New(m.cache, certmagic.Config{
		RenewalWindowRatio: p.magic.RenewalWindowRatio,
		OnDemand:           p.magic.OnDemand,
		MustStaple:         p.magic.MustStaple,
		Issuers:            p.magic.Issuers,
		ReusePrivateKeys:   p.magic.ReusePrivateKeys,
		KeySource:          p.magic.KeySource,
		OCSP:               p.magic.OCSP,
		Storage:            p.magic.Storage,
		Logger:             m.logger,
		DefaultServerName:  cp.defaultSNI,
		FallbackServerName: cp.fallbackSNI,
		CertSelection:      cp.selector,
	})
	if cp.magic == nil {
		cp.magic = map[*policy]*certmagic.Config{}
	}
	cp.magic[p] = c
	return c
}

// matches reports whether the handshake matches the policy's matchers.
func (cp *connPolicy) matches(hello *tls.ClientHelloInfo) bool {
	if len(cp.sni) > 0 && !slices.Contains(cp.sni, strings.ToLower(hello.ServerName)) {
		return false
	}
	if len(cp.remote) > 0 || len(cp.notRemote) > 0 {
		a := addrOf(hello.Conn.RemoteAddr())
		if len(cp.remote) > 0 && !inPrefixes(a, cp.remote) || inPrefixes(a, cp.notRemote) {
			return false
		}
	}
	if len(cp.local) > 0 && !inPrefixes(addrOf(hello.Conn.LocalAddr()), cp.local) {
		return false
	}
	return true
}

func addrOf(a net.Addr) netip.Addr {
	if ta, ok := a.(*net.TCPAddr); ok {
		ip, _ := netip.AddrFromSlice(ta.IP)
		return ip.Unmap()
	}
	ap, err := netip.ParseAddrPort(a.String())
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr().Unmap()
}

func inPrefixes(a netip.Addr, ps []netip.Prefix) bool {
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// newConnPolicy converts a connection policy; fields zeroserve does not
// implement are errors.
func newConnPolicy(p *caddyconf.ConnectionPolicy, path string) (*connPolicy, error) {
	cp := &connPolicy{drop: p.Drop, defaultSNI: p.DefaultSNI, fallbackSNI: p.FallbackSNI}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, MaxVersion: tls.VersionTLS13, NextProtos: []string{"http/1.1", tlsALPN}}
	cp.base = cfg
	if mt := p.Match; mt != nil {
		if mt.SNIRegexp != nil {
			return nil, unsupported("handshake matcher", "sni_regexp", path+".match.sni_regexp")
		}
		for _, s := range mt.SNI {
			cp.sni = append(cp.sni, strings.ToLower(s))
		}
		var err error
		if ip := mt.RemoteIP; ip != nil {
			if cp.remote, err = prefixes(ip.Ranges, path+".match.remote_ip.ranges"); err != nil {
				return nil, err
			}
			if cp.notRemote, err = prefixes(ip.NotRanges, path+".match.remote_ip.not_ranges"); err != nil {
				return nil, err
			}
		}
		if ip := mt.LocalIP; ip != nil {
			if cp.local, err = prefixes(ip.Ranges, path+".match.local_ip.ranges"); err != nil {
				return nil, err
			}
		}
	}
	if cs := p.CertificateSelection; cs != nil {
		sel, err := newSelector(cs, path+".certificate_selection")
		if err != nil {
			return nil, err
		}
		cp.selector = sel
	}
	if err := protocols(cfg, p, path); err != nil {
		return nil, err
	}
	if err := ciphers(cfg, p.CipherSuites, path+".cipher_suites"); err != nil {
		return nil, err
	}
	if err := curves(cfg, p.Curves, path+".curves"); err != nil {
		return nil, err
	}
	for i, a := range p.ALPN {
		if a != "http/1.1" {
			return nil, &caddyconf.PathError{Path: fmt.Sprintf("%s.alpn[%d]", path, i), Msg: fmt.Sprintf("ALPN %q: zeroserve serves HTTP/1.1 only", a)}
		}
	}
	if p.ClientAuthentication != nil {
		if err := clientAuth(cfg, p.ClientAuthentication, path+".client_authentication"); err != nil {
			return nil, err
		}
	}
	if p.InsecureSecretsLog != "" {
		f, err := os.OpenFile(p.InsecureSecretsLog, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return nil, fmt.Errorf("%s.insecure_secrets_log: %w", path, err)
		}
		cfg.KeyLogWriter = f
	}
	return cp, nil
}

// prefixes parses IP ranges (CIDR or single addresses).
func prefixes(ss []string, path string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for i, s := range ss {
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, &caddyconf.PathError{Path: fmt.Sprintf("%s[%d]", path, i), Msg: fmt.Sprintf("invalid IP range %q", s)}
		}
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// tlsVersions are Caddy's protocol names.
var tlsVersions = map[string]uint16{"tls1.2": tls.VersionTLS12, "tls1.3": tls.VersionTLS13}

func protocols(cfg *tls.Config, p *caddyconf.ConnectionPolicy, path string) error {
	for _, f := range []struct {
		name string
		v    string
		dst  *uint16
	}{{"protocol_min", p.ProtocolMin, &cfg.MinVersion}, {"protocol_max", p.ProtocolMax, &cfg.MaxVersion}} {
		if f.v == "" {
			continue
		}
		v, ok := tlsVersions[f.v]
		if !ok {
			return &caddyconf.PathError{Path: path + "." + f.name, Msg: fmt.Sprintf("unsupported protocol %q (tls1.2 or tls1.3)", f.v)}
		}
		*f.dst = v
	}
	if cfg.MinVersion > cfg.MaxVersion {
		return &caddyconf.PathError{Path: path + ".protocol_min", Msg: "protocol_min is above protocol_max"}
	}
	return nil
}

// ciphers sets TLS 1.2 cipher suites by their IANA names, as Caddy.
func ciphers(cfg *tls.Config, names []string, path string) error {
	for i, n := range names {
		id, ok := cipherID(n)
		if !ok {
			return &caddyconf.PathError{Path: fmt.Sprintf("%s[%d]", path, i), Msg: fmt.Sprintf("unsupported cipher suite %q", n)}
		}
		cfg.CipherSuites = append(cfg.CipherSuites, id)
	}
	return nil
}

func cipherID(name string) (uint16, bool) {
	for _, cs := range tls.CipherSuites() {
		if cs.Name == name {
			return cs.ID, true
		}
	}
	return 0, false
}

// curveIDs are Caddy's curve names.
var curveIDs = map[string]tls.CurveID{
	"x25519": tls.X25519, "secp256r1": tls.CurveP256, "secp384r1": tls.CurveP384,
	"secp521r1": tls.CurveP521, "x25519mlkem768": tls.X25519MLKEM768,
}

func curves(cfg *tls.Config, names []string, path string) error {
	for i, n := range names {
		id, ok := curveIDs[n]
		if !ok {
			return &caddyconf.PathError{Path: fmt.Sprintf("%s[%d]", path, i), Msg: fmt.Sprintf("unsupported curve %q", n)}
		}
		cfg.CurvePreferences = append(cfg.CurvePreferences, id)
	}
	return nil
}

// clientAuth configures mTLS as Caddy's ClientAuthentication: with trusted
// CAs the default mode is require_and_verify, without them require.
func clientAuth(cfg *tls.Config, ca *caddyconf.ClientAuthentication, path string) error {
	switch {
	case len(ca.TrustedLeafCerts) > 0:
		return unsupported("client_authentication field", "trusted_leaf_certs", path+".trusted_leaf_certs")
	case len(ca.Verifiers) > 0:
		return unsupported("client_authentication field", "verifiers", path+".verifiers")
	}
	pool := x509.NewCertPool()
	n := 0
	for i, b64 := range ca.TrustedCACerts {
		if err := addDER(pool, b64); err != nil {
			return &caddyconf.PathError{Path: fmt.Sprintf("%s.trusted_ca_certs[%d]", path, i), Msg: err.Error()}
		}
		n++
	}
	for i, f := range ca.TrustedCACertPEMFiles {
		if err := addPEMFile(pool, f); err != nil {
			return fmt.Errorf("%s.trusted_ca_certs_pem_files[%d]: %w", path, i, err)
		}
		n++
	}
	if ca.CA != nil && ca.CA.Value != nil {
		if err := addCAPool(pool, ca.CA.Value, path+".ca"); err != nil {
			return err
		}
		n++
	}
	mode := ca.Mode
	if mode == "" {
		mode = "require"
		if n > 0 {
			mode = "require_and_verify"
		}
	}
	switch mode {
	case "request":
		cfg.ClientAuth = tls.RequestClientCert
	case "require":
		cfg.ClientAuth = tls.RequireAnyClientCert
	case "verify_if_given":
		cfg.ClientAuth = tls.VerifyClientCertIfGiven
	case "require_and_verify":
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
	default:
		return &caddyconf.PathError{Path: path + ".mode", Msg: fmt.Sprintf("unknown mode %q", mode)}
	}
	if n > 0 {
		cfg.ClientCAs = pool
	} else if cfg.ClientAuth >= tls.VerifyClientCertIfGiven {
		return &caddyconf.PathError{Path: path + ".mode", Msg: fmt.Sprintf("mode %s needs trusted CA certificates", mode)}
	}
	return nil
}

// addCAPool adds a CA pool module's certificates.
func addCAPool(pool *x509.CertPool, m caddyconf.Module, path string) error {
	switch v := m.(type) {
	case *caddyconf.InlineCAPool:
		for i, b64 := range v.TrustedCACerts {
			if err := addDER(pool, b64); err != nil {
				return &caddyconf.PathError{Path: fmt.Sprintf("%s.trusted_ca_certs[%d]", path, i), Msg: err.Error()}
			}
		}
	case *caddyconf.FileCAPool:
		for i, f := range v.PEMFiles {
			if err := addPEMFile(pool, f); err != nil {
				return fmt.Errorf("%s.pem_files[%d]: %w", path, i, err)
			}
		}
	case *caddyconf.CombinedCAPool:
		for i, s := range v.Sources {
			if s.Value == nil {
				continue
			}
			if err := addCAPool(pool, s.Value, fmt.Sprintf("%s.sources[%d]", path, i)); err != nil {
				return err
			}
		}
	default:
		return unsupported("CA pool", m.ModuleName(), path)
	}
	return nil
}

func addDER(pool *x509.CertPool, b64 string) error {
	der, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return fmt.Errorf("not base64 DER: %v", err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return err
	}
	pool.AddCert(c)
	return nil
}
