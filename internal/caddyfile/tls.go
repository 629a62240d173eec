package caddyfile

import (
	"crypto/tls"
	"slices"
	"strconv"
	"strings"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
)

func init() {
	RegisterDirective("tls", parseTLS)
}

// tlsCurves are the curve names the tls directive accepts.
var tlsCurves = []string{"x25519mlkem768", "x25519", "secp256r1", "secp384r1", "secp521r1"}

// parseTLS parses the tls directive:
//
//	tls [internal|force_automate|<email>] | [<cert_file> <key_file>] {
//		protocols <min> [<max>]
//		ciphers <suites...>
//		curves <curves...>
//		alpn <values...>
//		load <paths...>
//		ca <acme_ca_url>
//		ca_root <pem_file>
//		key_type <type>
//		eab <key_id> <mac_key>
//		issuer acme|internal [...]
//		client_auth { ... }
//		get_certificate http <url> | tailscale
//		on_demand
//		reuse_private_keys
//		insecure_secrets_log <file>
//		renewal_window_ratio <ratio>
//	}
//
// It produces the site's connection policy and its certificate settings.
func parseTLS(h Helper) ([]ConfigValue, error) {
	h.Next()
	cp := &connPolicy{}
	var (
		fileLoader                         []Obj
		folderLoader                       []string
		anyTag                             []string
		acme, internal                     *issuer
		issuers                            []*issuer
		managers                           []Obj
		keyType                            string
		onDemand, reuseKeys, forceAutomate bool
		renewalRatio                       float64
	)
	first := h.RemainingArgs()
	switch len(first) {
	case 0:
	case 1:
		switch {
		case first[0] == "internal":
			internal = &issuer{Module: "internal"}
		case first[0] == "force_automate":
			forceAutomate = true
		case !strings.Contains(first[0], "@"):
			return nil, h.Err("single argument must either be 'internal', 'force_automate', or an email address")
		default:
			acme = &issuer{Module: "acme", Email: first[0]}
		}
	case 2:
		tags, ok := h.State["tlsCertTags"].(map[string]string)
		if !ok {
			tags = map[string]string{}
			h.State["tlsCertTags"] = tags
		}
		tag, ok := tags[first[0]]
		if !ok {
			tag = "cert" + strconv.Itoa(len(tags))
			fileLoader = append(fileLoader, Obj{"certificate": first[0], "key": first[1], "tags": []string{tag}})
			tags[first[0]] = tag
		}
		anyTag = append(anyTag, tag)
	default:
		return nil, h.ArgErr()
	}
	acmeIssuer := func() *issuer {
		if acme == nil {
			acme = &issuer{Module: "acme"}
		}
		return acme
	}

	hasBlock := false
	for h.NextBlock(0) {
		hasBlock = true
		switch h.Val() {
		case "protocols":
			args := h.RemainingArgs()
			if len(args) == 0 {
				return nil, h.Errf("protocols requires one or two arguments")
			}
			for i, p := range args[:min(len(args), 2)] {
				if p != "tls1.2" && p != "tls1.3" {
					return nil, h.Errf("wrong protocol name or protocol not supported: '%s'", p)
				}
				if i == 0 {
					cp.ProtocolMin = p
				} else {
					cp.ProtocolMax = p
				}
			}
		case "ciphers":
			for h.NextArg() {
				if !cipherSuiteSupported(h.Val()) {
					return nil, h.Errf("wrong cipher suite name or cipher suite not supported: '%s'", h.Val())
				}
				cp.CipherSuites = append(cp.CipherSuites, h.Val())
			}
		case "curves":
			for h.NextArg() {
				if !slices.Contains(tlsCurves, h.Val()) {
					return nil, h.Errf("Wrong curve name or curve not supported: '%s'", h.Val())
				}
				cp.Curves = append(cp.Curves, h.Val())
			}
		case "client_auth":
			ca, err := parseClientAuth(moduleDispenser(h.Dispenser))
			if err != nil {
				return nil, err
			}
			cp.ClientAuth = ca
		case "alpn":
			args := h.RemainingArgs()
			if len(args) == 0 {
				return nil, h.ArgErr()
			}
			cp.ALPN = args
		case "load":
			folderLoader = append(folderLoader, h.RemainingArgs()...)
		case "ca":
			arg := h.RemainingArgs()
			if len(arg) != 1 {
				return nil, h.ArgErr()
			}
			acmeIssuer().CA = arg[0]
		case "key_type":
			arg := h.RemainingArgs()
			if len(arg) != 1 {
				return nil, h.ArgErr()
			}
			keyType = arg[0]
		case "eab":
			arg := h.RemainingArgs()
			if len(arg) != 2 {
				return nil, h.ArgErr()
			}
			acmeIssuer().ExternalAccount = &eab{KeyID: arg[0], MACKey: arg[1]}
		case "issuer":
			if !h.NextArg() {
				return nil, h.ArgErr()
			}
			iss, err := parseIssuer(moduleDispenser(h.Dispenser))
			if err != nil {
				return nil, err
			}
			issuers = append(issuers, iss)
		case "get_certificate":
			if !h.NextArg() {
				return nil, h.ArgErr()
			}
			m, err := parseCertManager(moduleDispenser(h.Dispenser))
			if err != nil {
				return nil, err
			}
			managers = append(managers, m)
		case "ca_root":
			arg := h.RemainingArgs()
			if len(arg) != 1 {
				return nil, h.ArgErr()
			}
			acmeIssuer().TrustedRootsPEM = append(acmeIssuer().TrustedRootsPEM, arg[0])
		case "on_demand", "reuse_private_keys":
			flag := h.Val()
			if h.NextArg() {
				return nil, h.ArgErr()
			}
			if flag == "on_demand" {
				onDemand = true
			} else {
				reuseKeys = true
			}
		case "insecure_secrets_log":
			if !h.NextArg() {
				return nil, h.ArgErr()
			}
			cp.InsecureSecretsLog = h.Val()
		case "renewal_window_ratio":
			arg := h.RemainingArgs()
			if len(arg) != 1 {
				return nil, h.ArgErr()
			}
			ratio, err := strconv.ParseFloat(arg[0], 64)
			if err != nil {
				return nil, h.Errf("parsing renewal_window_ratio: %v", err)
			}
			if ratio <= 0 || ratio >= 1 {
				return nil, h.Errf("renewal_window_ratio must be between 0 and 1 (exclusive)")
			}
			renewalRatio = ratio
		default:
			return nil, unsupported(h.Dispenser, "tls subdirective")
		}
	}
	if len(first) == 0 && !hasBlock {
		return nil, h.ArgErr()
	}

	var vals []ConfigValue
	if len(fileLoader) > 0 {
		vals = append(vals, ConfigValue{Class: "tls.cert_loader", Value: certLoader{name: "load_files", files: fileLoader}})
	}
	if len(folderLoader) > 0 {
		vals = append(vals, ConfigValue{Class: "tls.cert_loader", Value: certLoader{name: "load_folders", folders: folderLoader}})
	}
	if len(issuers) > 0 && (acme != nil || internal != nil) {
		return nil, h.Err("cannot mix issuer subdirective (explicit issuers) with other issuer-specific subdirectives (implicit issuers)")
	}
	if acme != nil && internal != nil {
		return nil, h.Err("cannot create both ACME and internal certificate issuers")
	}
	switch {
	case len(issuers) > 0:
		for _, iss := range issuers {
			vals = append(vals, ConfigValue{Class: "tls.cert_issuer", Value: iss})
		}
	case acme != nil:
		for _, iss := range implicitACMEIssuers(h, acme) {
			vals = append(vals, ConfigValue{Class: "tls.cert_issuer", Value: iss})
		}
	case internal != nil:
		vals = append(vals, ConfigValue{Class: "tls.cert_issuer", Value: internal})
	}
	if keyType != "" {
		vals = append(vals, ConfigValue{Class: "tls.key_type", Value: keyType})
	}
	if onDemand {
		vals = append(vals, ConfigValue{Class: "tls.on_demand", Value: true})
	}
	for _, m := range managers {
		vals = append(vals, ConfigValue{Class: "tls.cert_manager", Value: m})
	}
	if reuseKeys {
		vals = append(vals, ConfigValue{Class: "tls.reuse_private_keys", Value: true})
	}
	if renewalRatio > 0 {
		vals = append(vals, ConfigValue{Class: "tls.renewal_window_ratio", Value: renewalRatio})
	}
	if forceAutomate {
		vals = append(vals, ConfigValue{Class: "tls.force_automate", Value: true})
	}
	if len(anyTag) > 0 {
		cp.CertSelection = &certSelection{AnyTag: anyTag}
	}
	return append(vals, ConfigValue{Class: "tls.connection_policy", Value: cp}), nil
}

// parseCertManager parses "get_certificate http <url>" or
// "get_certificate tailscale": where certificates are fetched on demand.
func parseCertManager(h *caddyfile.Dispenser) (Obj, error) {
	switch h.Val() {
	case "http":
		if !h.NextArg() {
			return nil, h.ArgErr()
		}
		m := Obj{"via": "http", "url": h.Val()}
		if h.NextArg() {
			return nil, h.ArgErr()
		}
		if h.NextBlock(0) {
			return nil, h.Err("block not allowed here")
		}
		return m, nil
	case "tailscale":
		if h.NextArg() {
			return nil, h.ArgErr()
		}
		return Obj{"via": "tailscale"}, nil
	}
	return nil, unsupported(h, "get_certificate manager")
}

// certLoader is a "tls.cert_loader" value: files (load_files, objects
// {certificate, key, tags}) or folders (load_folders).
type certLoader struct {
	name    string
	files   []Obj
	folders []string
}

// cipherSuiteSupported reports whether name is a secure cipher suite of
// crypto/tls, as caddytls.CipherSuiteNameSupported.
func cipherSuiteSupported(name string) bool {
	return slices.ContainsFunc(tls.CipherSuites(), func(cs *tls.CipherSuite) bool { return cs.Name == name })
}

// implicitACMEIssuers returns the issuers implied by ACME settings in a tls
// block: the global ACME cert_issuers, or the default issuers, each with
// the settings of overrides applied.
func implicitACMEIssuers(h Helper, overrides *issuer) []*issuer {
	var out []*issuer
	global, _ := h.Option("cert_issuer").([]*issuer)
	for _, iss := range global {
		if iss.Module == "acme" {
			out = append(out, mergeACMEIssuers(iss, overrides))
		}
	}
	if len(out) > 0 {
		return out
	}
	defaults := defaultIssuers(overrides.Email)
	if overrides.CA != "" {
		defaults = []*issuer{{Module: "acme"}}
	}
	for _, iss := range defaults {
		out = append(out, mergeACMEIssuers(iss, overrides))
	}
	return out
}

// mergeACMEIssuers returns a copy of base with the settings of overrides.
func mergeACMEIssuers(base, overrides *issuer) *issuer {
	m := base.clone()
	if overrides.CA != "" {
		m.CA = overrides.CA
	}
	if overrides.TestCA != "" {
		m.TestCA = overrides.TestCA
	}
	if overrides.Email != "" {
		m.Email = overrides.Email
	}
	if overrides.Profile != "" {
		m.Profile = overrides.Profile
	}
	if overrides.ExternalAccount != nil {
		e := *overrides.ExternalAccount
		m.ExternalAccount = &e
	}
	if overrides.PreferredChains != nil {
		m.PreferredChains = overrides.clone().PreferredChains
	}
	if overrides.ACMETimeout != 0 {
		m.ACMETimeout = overrides.ACMETimeout
	}
	m.TrustedRootsPEM = appendUnique(m.TrustedRootsPEM, overrides.TrustedRootsPEM...)
	if overrides.CertificateLifetime != 0 {
		m.CertificateLifetime = overrides.CertificateLifetime
	}
	if o := overrides.Challenges; o != nil {
		ch := m.challengeConfigs()
		for _, pair := range [][2]**challengeConfig{{&ch.HTTP, &o.HTTP}, {&ch.TLSALPN, &o.TLSALPN}} {
			dst, src := pair[0], *pair[1]
			if src == nil {
				continue
			}
			if *dst == nil {
				*dst = &challengeConfig{}
			}
			if src.Disabled {
				(*dst).Disabled = true
			}
			if src.AlternatePort != 0 {
				(*dst).AlternatePort = src.AlternatePort
			}
		}
		if o.BindHost != "" {
			ch.BindHost = o.BindHost
		}
	}
	return m
}
