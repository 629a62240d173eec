package caddyfile

import (
	"slices"
	"strconv"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
)

// zeroSSLCA is the directory of ZeroSSL's production ACME CA, which Caddy
// adds as a second default issuer when an email address is configured.
const zeroSSLCA = "https://acme.zerossl.com/v2/DV90"

// issuer is a certificate issuer of an automation policy: module "acme"
// (caddytls.ACMEIssuer), "internal" (caddytls.InternalIssuer: ca, lifetime,
// sign_with_root) or "zerossl" (caddytls.ZeroSSLIssuer: api_key,
// validity_days, alternate_http_port).
type issuer struct {
	Module              string           `json:"module"`
	CA                  string           `json:"ca,omitempty"`
	TestCA              string           `json:"test_ca,omitempty"`
	Email               string           `json:"email,omitempty"`
	Profile             string           `json:"profile,omitempty"`
	ExternalAccount     *eab             `json:"external_account,omitempty"`
	ACMETimeout         int64            `json:"acme_timeout,omitempty"`
	Challenges          *challenges      `json:"challenges,omitempty"`
	TrustedRootsPEM     []string         `json:"trusted_roots_pem_files,omitempty"`
	PreferredChains     *chainPreference `json:"preferred_chains,omitempty"`
	CertificateLifetime int64            `json:"certificate_lifetime,omitempty"`
	Lifetime            int64            `json:"lifetime,omitempty"`
	SignWithRoot        bool             `json:"sign_with_root,omitempty"`
	APIKey              string           `json:"api_key,omitempty"`
	ValidityDays        int              `json:"validity_days,omitempty"`
	AlternateHTTPPort   int              `json:"alternate_http_port,omitempty"`
}

// chainPreference is caddytls.ChainPreference: which certificate chain to
// prefer when the CA offers several.
type chainPreference struct {
	Smallest       *bool    `json:"smallest,omitempty"`
	RootCommonName []string `json:"root_common_name,omitempty"`
	AnyCommonName  []string `json:"any_common_name,omitempty"`
}

// eab is an ACME external account binding (acme.EAB, whose fields are
// always marshaled, even empty).
type eab struct {
	KeyID  string `json:"key_id"`
	MACKey string `json:"mac_key"`
}

// challenges is caddytls.ChallengesConfig without DNS (DNS providers are
// modules zeroserve does not have).
type challenges struct {
	HTTP     *challengeConfig `json:"http,omitempty"`
	TLSALPN  *challengeConfig `json:"tls-alpn,omitempty"`
	BindHost string           `json:"bind_host,omitempty"`
}

// challengeConfig configures the HTTP or TLS-ALPN challenge.
type challengeConfig struct {
	Disabled      bool `json:"disabled,omitempty"`
	AlternatePort int  `json:"alternate_port,omitempty"`
}

// clone returns a deep copy of iss.
func (iss *issuer) clone() *issuer {
	c := *iss
	if iss.ExternalAccount != nil {
		e := *iss.ExternalAccount
		c.ExternalAccount = &e
	}
	if iss.Challenges != nil {
		ch := *iss.Challenges
		if ch.HTTP != nil {
			h := *ch.HTTP
			ch.HTTP = &h
		}
		if ch.TLSALPN != nil {
			t := *ch.TLSALPN
			ch.TLSALPN = &t
		}
		c.Challenges = &ch
	}
	c.TrustedRootsPEM = slices.Clone(iss.TrustedRootsPEM)
	if iss.PreferredChains != nil {
		p := *iss.PreferredChains
		p.RootCommonName = slices.Clone(p.RootCommonName)
		p.AnyCommonName = slices.Clone(p.AnyCommonName)
		c.PreferredChains = &p
	}
	return &c
}

// challengeConfigs returns the challenges of iss, creating them if needed.
func (iss *issuer) challengeConfigs() *challenges {
	if iss.Challenges == nil {
		iss.Challenges = &challenges{}
	}
	return iss.Challenges
}

// defaultIssuers returns Caddy's default issuers: Let's Encrypt, plus
// ZeroSSL when an email address is given.
func defaultIssuers(email string) []*issuer {
	issuers := []*issuer{{Module: "acme"}}
	if email != "" {
		issuers = append(issuers, &issuer{Module: "acme", CA: zeroSSLCA, Email: email})
	}
	return issuers
}

// parseIssuer parses an issuer module ("acme" or "internal") with its
// arguments and block; the dispenser is on the module name.
func parseIssuer(d *caddyfile.Dispenser) (*issuer, error) {
	switch d.Val() {
	case "acme":
		return parseACMEIssuer(d)
	case "internal":
		return parseInternalIssuer(d)
	case "zerossl":
		return parseZeroSSLIssuer(d)
	}
	return nil, unsupported(d, "issuer")
}

func parseInternalIssuer(d *caddyfile.Dispenser) (*issuer, error) {
	iss := &issuer{Module: "internal"}
	for nesting := d.Nesting(); d.NextBlock(nesting); {
		switch d.Val() {
		case "ca":
			if !d.AllArgs(&iss.CA) {
				return nil, d.ArgErr()
			}
		case "lifetime":
			if !d.NextArg() {
				return nil, d.ArgErr()
			}
			dur, err := parseDuration(d.Val())
			if err != nil {
				return nil, d.WrapErr(err)
			}
			iss.Lifetime = dur
		case "sign_with_root":
			if d.NextArg() {
				return nil, d.ArgErr()
			}
			iss.SignWithRoot = true
		default:
			return nil, d.Errf("unrecognized subdirective '%s'", d.Val())
		}
	}
	return iss, nil
}

func parseACMEIssuer(d *caddyfile.Dispenser) (*issuer, error) {
	iss := &issuer{Module: "acme"}
	if d.NextArg() {
		iss.CA = d.Val()
		if d.NextArg() {
			return nil, d.ArgErr()
		}
	}
	for nesting := d.Nesting(); d.NextBlock(nesting); {
		switch d.Val() {
		case "lifetime", "timeout":
			sub := d.Val()
			dur, err := durationArg(d)
			if err != nil {
				return nil, err
			}
			if sub == "timeout" {
				iss.ACMETimeout = dur
			} else {
				if dur < 0 {
					return nil, d.Errf("lifetime must be >= 0: %s", d.Val())
				}
				iss.CertificateLifetime = dur
			}
		case "dir":
			if iss.CA != "" {
				return nil, d.Errf("directory is already specified: %s", iss.CA)
			}
			if !d.AllArgs(&iss.CA) {
				return nil, d.ArgErr()
			}
		case "test_dir":
			if !d.AllArgs(&iss.TestCA) {
				return nil, d.ArgErr()
			}
		case "email":
			if !d.AllArgs(&iss.Email) {
				return nil, d.ArgErr()
			}
		case "profile":
			if !d.AllArgs(&iss.Profile) {
				return nil, d.ArgErr()
			}
		case "disable_http_challenge", "disable_tlsalpn_challenge":
			if d.NextArg() {
				return nil, d.ArgErr()
			}
			iss.challenge(d.Val() == "disable_http_challenge").Disabled = true
		case "alt_http_port", "alt_tlsalpn_port":
			sub := d.Val()
			if !d.NextArg() {
				return nil, d.ArgErr()
			}
			port, err := strconv.Atoi(d.Val())
			if err != nil {
				return nil, d.Errf("invalid port %s: %v", d.Val(), err)
			}
			iss.challenge(sub == "alt_http_port").AlternatePort = port
		case "eab":
			e := &eab{}
			if !d.AllArgs(&e.KeyID, &e.MACKey) {
				return nil, d.ArgErr()
			}
			iss.ExternalAccount = e
		case "trusted_roots":
			iss.TrustedRootsPEM = d.RemainingArgs()
		case "preferred_chains":
			p, err := parsePreferredChains(d)
			if err != nil {
				return nil, err
			}
			iss.PreferredChains = p
		default:
			return nil, unsupported(d, "acme issuer option")
		}
	}
	return iss, nil
}

// challenge returns the HTTP (http true) or TLS-ALPN challenge config of
// iss, creating it if needed.
func (iss *issuer) challenge(http bool) *challengeConfig {
	ch := iss.challengeConfigs()
	if http {
		if ch.HTTP == nil {
			ch.HTTP = &challengeConfig{}
		}
		return ch.HTTP
	}
	if ch.TLSALPN == nil {
		ch.TLSALPN = &challengeConfig{}
	}
	return ch.TLSALPN
}

// parseZeroSSLIssuer parses "zerossl <api_key> { validity_days <n>;
// alt_http_port <port> }".
func parseZeroSSLIssuer(d *caddyfile.Dispenser) (*issuer, error) {
	iss := &issuer{Module: "zerossl"}
	if !d.NextArg() {
		return nil, d.ArgErr()
	}
	iss.APIKey = d.Val()
	if d.NextArg() {
		return nil, d.ArgErr()
	}
	for nesting := d.Nesting(); d.NextBlock(nesting); {
		sub := d.Val()
		if sub != "validity_days" && sub != "alt_http_port" {
			return nil, unsupported(d, "zerossl issuer option")
		}
		if !d.NextArg() {
			return nil, d.ArgErr()
		}
		n, err := strconv.Atoi(d.Val())
		if err != nil {
			return nil, d.Errf("invalid %s %s: %v", sub, d.Val(), err)
		}
		if sub == "validity_days" {
			iss.ValidityDays = n
		} else {
			iss.AlternateHTTPPort = n
		}
	}
	return iss, nil
}

// parsePreferredChains parses "preferred_chains [smallest] {
// root_common_name <names...> | any_common_name <names...> }"; the
// dispenser is on the option name.
func parsePreferredChains(d *caddyfile.Dispenser) (*chainPreference, error) {
	p := &chainPreference{}
	if d.NextArg() {
		if d.Val() != "smallest" {
			return nil, d.Errf("Invalid argument '%s'", d.Val())
		}
		smallest := true
		p.Smallest = &smallest
		if d.NextArg() {
			return nil, d.ArgErr()
		}
		if d.NextBlock(d.Nesting()) {
			return nil, d.Err("No more options are accepted when using the 'smallest' option")
		}
	}
	for nesting := d.Nesting(); d.NextBlock(nesting); {
		switch d.Val() {
		case "root_common_name":
			args := d.RemainingArgs()
			if args == nil {
				return nil, d.ArgErr()
			}
			p.RootCommonName = append(p.RootCommonName, args...)
			if p.AnyCommonName != nil {
				return nil, d.Err("Can't set root_common_name when any_common_name is already set")
			}
		case "any_common_name":
			args := d.RemainingArgs()
			if args == nil {
				return nil, d.ArgErr()
			}
			p.AnyCommonName = append(p.AnyCommonName, args...)
			if p.RootCommonName != nil {
				return nil, d.Err("Can't set any_common_name when root_common_name is already set")
			}
		default:
			return nil, d.Errf("Received unrecognized parameter '%s'", d.Val())
		}
	}
	if p.Smallest == nil && p.RootCommonName == nil && p.AnyCommonName == nil {
		return nil, d.Err("No options for preferred_chains received")
	}
	return p, nil
}
