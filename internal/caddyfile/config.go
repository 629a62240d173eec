package caddyfile

import (
	"slices"
	"sort"
)

// buildConfig assembles the top-level config from the servers and the
// global options: the http, tls and pki apps, logging, admin and storage.
func (a *adaptation) buildConfig(pairings []pairing, servers map[string]*server) (Obj, error) {
	apps := Obj{}
	if len(servers) > 0 {
		httpApp := Obj{"servers": servers}
		if p, ok := a.options["http_port"].(int); ok && p != 0 {
			httpApp["http_port"] = p
		}
		if p, ok := a.options["https_port"].(int); ok && p != 0 {
			httpApp["https_port"] = p
		}
		if d, ok := a.options["grace_period"].(int64); ok && d != 0 {
			httpApp["grace_period"] = d
		}
		if d, ok := a.options["shutdown_delay"].(int64); ok && d != 0 {
			httpApp["shutdown_delay"] = d
		}
		apps["http"] = httpApp
	}
	tlsApp, err := a.buildTLSApp(pairings)
	if err != nil {
		return nil, err
	}
	if len(tlsApp) > 0 {
		apps["tls"] = tlsApp
	}
	if pki := a.buildPKIApp(pairings); pki != nil {
		apps["pki"] = pki
	}

	cfg := Obj{}
	if len(apps) > 0 {
		cfg["apps"] = apps
	}
	if s, ok := a.options["storage"].(Obj); ok {
		cfg["storage"] = s
	}
	if admin, ok := a.options["admin"].(Obj); ok {
		cfg["admin"] = admin
	}
	if pc, ok := a.options["persist_config"].(string); ok && pc == "off" {
		admin, ok := cfg["admin"].(Obj)
		if !ok {
			admin = Obj{}
			cfg["admin"] = admin
		}
		admin["config"] = Obj{"persist": false}
	}
	if logs := a.buildLogging(pairings); len(logs) > 0 {
		cfg["logging"] = Obj{"logs": logs}
	}
	return cfg, nil
}

// buildPKIApp returns the pki app Caddy emits when skip_install_trust is
// set: the local CA (and the CAs of internal issuers) with install_trust
// off. It returns nil when Caddy emits none.
func (a *adaptation) buildPKIApp(pairings []pairing) Obj {
	if _, ok := a.options["skip_install_trust"]; !ok {
		return nil
	}
	cas := map[string]Obj{}
	if !slices.Contains(a.autoHTTPSOption(), "off") {
		cas["local"] = Obj{"install_trust": false}
	}
	for _, p := range pairings {
		for _, sb := range p.serverBlocks {
			for _, v := range sb.pile["tls.cert_issuer"] {
				iss, ok := v.Value.(*issuer)
				if !ok || iss.Module != "internal" {
					continue
				}
				id := iss.CA
				if id == "" {
					id = "local"
				}
				cas[id] = Obj{"install_trust": false}
			}
		}
	}
	if len(cas) == 0 {
		return nil
	}
	return Obj{"certificate_authorities": cas}
}

// appendUnique appends the values of add not yet in list.
func appendUnique(list []string, add ...string) []string {
	for _, v := range add {
		if !slices.Contains(list, v) {
			list = append(list, v)
		}
	}
	return list
}

// sortedUnique sorts list and removes duplicates.
func sortedUnique(list []string) []string {
	sort.Strings(list)
	return slices.Compact(list)
}
