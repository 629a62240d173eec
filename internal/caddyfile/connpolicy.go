package caddyfile

import (
	"fmt"
	"slices"
	"sort"
)

// connPolicy is one TLS connection policy of a server, as
// caddytls.ConnectionPolicy marshals. The adapter only matches on SNI.
type connPolicy struct {
	Match              map[string][]string `json:"match,omitempty"`
	CertSelection      *certSelection      `json:"certificate_selection,omitempty"`
	CipherSuites       []string            `json:"cipher_suites,omitempty"`
	Curves             []string            `json:"curves,omitempty"`
	ALPN               []string            `json:"alpn,omitempty"`
	ProtocolMin        string              `json:"protocol_min,omitempty"`
	ProtocolMax        string              `json:"protocol_max,omitempty"`
	ClientAuth         Obj                 `json:"client_authentication,omitempty"`
	DefaultSNI         string              `json:"default_sni,omitempty"`
	FallbackSNI        string              `json:"fallback_sni,omitempty"`
	InsecureSecretsLog string              `json:"insecure_secrets_log,omitempty"`
}

// certSelection is caddytls.CustomCertSelectionPolicy as the tls
// directive produces it (certificates chosen by tag).
type certSelection struct {
	AnyTag []string `json:"any_tag,omitempty"`
}

// clone returns a deep copy of cp.
func (cp *connPolicy) clone() *connPolicy {
	c := *cp
	if cp.Match != nil {
		c.Match = map[string][]string{}
		for k, v := range cp.Match {
			c.Match[k] = slices.Clone(v)
		}
	}
	if cp.CertSelection != nil {
		cs := certSelection{AnyTag: slices.Clone(cp.CertSelection.AnyTag)}
		c.CertSelection = &cs
	}
	c.CipherSuites = slices.Clone(cp.CipherSuites)
	c.Curves = slices.Clone(cp.Curves)
	c.ALPN = slices.Clone(cp.ALPN)
	return &c
}

// settingsEmpty reports whether cp changes nothing but matching.
func (cp *connPolicy) settingsEmpty() bool {
	return cp.CertSelection == nil && cp.CipherSuites == nil && cp.Curves == nil &&
		cp.ALPN == nil && cp.ProtocolMin == "" && cp.ProtocolMax == "" &&
		cp.ClientAuth == nil && cp.DefaultSNI == "" && cp.FallbackSNI == "" &&
		cp.InsecureSecretsLog == ""
}

// settingsEqual reports whether cp and other differ only in matchers.
func (cp *connPolicy) settingsEqual(other *connPolicy) bool {
	a, b := *cp, *other
	a.Match, b.Match = nil, nil
	return jsonEqual(a, b)
}

// consolidateConnPolicies moves catch-all policies last, drops duplicates,
// merges adjacent SNI-only policies with equal settings, and merges
// policies with the same matchers whose settings do not conflict.
func consolidateConnPolicies(cps []*connPolicy) ([]*connPolicy, error) {
	sort.SliceStable(cps, func(i, j int) bool {
		return cps[j].Match == nil && cps[i].Match != nil
	})
	for i := 0; i < len(cps); i++ {
		for j := 0; j < len(cps); j++ {
			if j == i {
				continue
			}
			if jsonEqual(cps[i], cps[j]) {
				cps = slices.Delete(cps, j, j+1)
				i--
				break
			}
			if i == j-1 && len(cps[i].Match) == 1 && len(cps[j].Match) == 1 {
				isni, iok := cps[i].Match["sni"]
				jsni, jok := cps[j].Match["sni"]
				if iok && jok && cps[i].settingsEqual(cps[j]) {
					cps[i].Match["sni"] = append(slices.Clone(isni), jsni...)
					cps = slices.Delete(cps, j, j+1)
					i--
					break
				}
			}
			if jsonEqual(cps[i].Match, cps[j].Match) {
				if err := mergeConnPolicy(cps[i], cps[j]); err != nil {
					return nil, err
				}
				cps = slices.Delete(cps, j, j+1)
				i--
				break
			}
		}
	}
	return cps, nil
}

// mergeConnPolicy merges the settings of b into a, which have the same
// matchers, or reports the first conflicting setting.
func mergeConnPolicy(a, b *connPolicy) error {
	conflict := func(what string, x, y any) error {
		return fmt.Errorf("two policies with same match criteria have conflicting %s: %v vs. %v", what, x, y)
	}
	if len(a.ALPN) > 0 && len(b.ALPN) > 0 && !slices.Equal(a.ALPN, b.ALPN) {
		return conflict("ALPN", a.ALPN, b.ALPN)
	}
	if len(a.CipherSuites) > 0 && len(b.CipherSuites) > 0 && !slices.Equal(a.CipherSuites, b.CipherSuites) {
		return conflict("cipher suites", a.CipherSuites, b.CipherSuites)
	}
	if a.ClientAuth != nil && b.ClientAuth != nil && !jsonEqual(a.ClientAuth, b.ClientAuth) {
		return conflict("client auth configuration", a.ClientAuth, b.ClientAuth)
	}
	if len(a.Curves) > 0 && len(b.Curves) > 0 && !slices.Equal(a.Curves, b.Curves) {
		return conflict("curves", a.Curves, b.Curves)
	}
	if a.DefaultSNI != "" && b.DefaultSNI != "" && a.DefaultSNI != b.DefaultSNI {
		return conflict("default SNI", a.DefaultSNI, b.DefaultSNI)
	}
	if a.FallbackSNI != "" && b.FallbackSNI != "" && a.FallbackSNI != b.FallbackSNI {
		return conflict("fallback SNI", a.FallbackSNI, b.FallbackSNI)
	}
	if a.ProtocolMin != "" && b.ProtocolMin != "" && a.ProtocolMin != b.ProtocolMin {
		return conflict("min protocol", a.ProtocolMin, b.ProtocolMin)
	}
	if a.ProtocolMax != "" && b.ProtocolMax != "" && a.ProtocolMax != b.ProtocolMax {
		return conflict("max protocol", a.ProtocolMax, b.ProtocolMax)
	}
	if len(a.ALPN) == 0 {
		a.ALPN = b.ALPN
	}
	if len(a.CipherSuites) == 0 {
		a.CipherSuites = b.CipherSuites
	}
	if a.ClientAuth == nil {
		a.ClientAuth = b.ClientAuth
	}
	if len(a.Curves) == 0 {
		a.Curves = b.Curves
	}
	if a.DefaultSNI == "" {
		a.DefaultSNI = b.DefaultSNI
	}
	if a.FallbackSNI == "" {
		a.FallbackSNI = b.FallbackSNI
	}
	if a.ProtocolMin == "" {
		a.ProtocolMin = b.ProtocolMin
	}
	if a.ProtocolMax == "" {
		a.ProtocolMax = b.ProtocolMax
	}
	if a.CertSelection == nil {
		a.CertSelection = b.CertSelection
	} else if b.CertSelection != nil {
		for _, tag := range b.CertSelection.AnyTag {
			if !slices.Contains(a.CertSelection.AnyTag, tag) {
				a.CertSelection.AnyTag = append(a.CertSelection.AnyTag, tag)
			}
		}
	}
	return nil
}
