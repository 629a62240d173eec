package certs

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/zeroserve/zeroserve/internal/caddyconf"
)

// parse parses a Caddy JSON config, storing certificates in a temporary
// directory.
func parse(t testing.TB, js string) *caddyconf.Config {
	t.Helper()
	cfg, err := caddyconf.Parse([]byte(js))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// newManager builds a Manager with its storage in a temporary directory.
func newManager(t testing.TB, cfg *caddyconf.Config) (*Manager, error) {
	t.Helper()
	if cfg.Storage == nil {
		cfg.Storage = &caddyconf.StorageModule{Value: &caddyconf.FileStorage{Root: t.TempDir()}}
	}
	m, err := New(cfg, Options{})
	if err == nil {
		t.Cleanup(m.Stop)
	}
	return m, err
}

// managed lists the managed names by issuer kind.
func (m *Manager) managedNames() map[string][]string {
	out := map[string][]string{}
	for p, names := range m.managed {
		out[p.magic.Issuers[0].IssuerKey()] = append(out[p.magic.Issuers[0].IssuerKey()], names...)
	}
	return out
}

func routesJSON(t *testing.T, srv *caddyconf.Server) string {
	t.Helper()
	b, err := json.Marshal(srv.Routes)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestAutoHTTPS(t *testing.T) {
	const site = `{"match":[{"host":["%s"]}],"handle":[{"handler":"static_response","body":"x"}],"terminal":true}`
	for _, c := range []struct {
		name     string
		servers  string
		managed  string // issuer key: names
		redirect string // routes of the server answering on the HTTP port
		tls      string // servers with TLS policies
	}{
		{
			name:     "https site and a new redirect server",
			servers:  `"srv0":{"listen":[":443"],"routes":[` + fmt.Sprintf(site, "a.test") + `]}`,
			managed:  "map[acme-v02.api.letsencrypt.org-directory:[a.test]]",
			redirect: `remaining_auto_https_redirects:[{"match":[{"host":["a.test"],"protocol":"http"}],"handle":[{"handler":"static_response","status_code":308,"headers":{"Location":["https://{http.request.host}{http.request.uri}"]},"close":true}]},{"match":[{"protocol":"http"}],"handle":[{"handler":"static_response","status_code":308,"headers":{"Location":["https://{http.request.host}{http.request.uri}"]},"close":true}]}]`,
			tls:      "srv0",
		},
		{
			name: "redirects join the server on the HTTP port, after its host routes",
			servers: `"srv0":{"listen":[":8443"],"routes":[` + fmt.Sprintf(site, "localhost") + `]},` +
				`"srv1":{"listen":[":80"],"routes":[` + fmt.Sprintf(site, "plain.test") + `,{"handle":[{"handler":"static_response","body":"catch"}]}]}`,
			managed:  "map[local:[localhost]]",
			redirect: `srv1:[{"match":[{"host":["plain.test"]}],"handle":[{"handler":"static_response","body":"x"}],"terminal":true},{"match":[{"host":["localhost"],"protocol":"http"}],"handle":[{"handler":"static_response","status_code":308,"headers":{"Location":["https://{http.request.host}:8443{http.request.uri}"]},"close":true}]},{"handle":[{"handler":"static_response","body":"catch"}]},{"match":[{"protocol":"http"}],"handle":[{"handler":"static_response","status_code":308,"headers":{"Location":["https://{http.request.host}{http.request.uri}"]},"close":true}]}]`,
			tls:      "srv0",
		},
		{
			name:    "off",
			servers: `"srv0":{"listen":[":443"],"automatic_https":{"disable":true},"routes":[` + fmt.Sprintf(site, "a.test") + `]}`,
			managed: "map[]",
		},
		{
			name:    "only the HTTP port",
			servers: `"srv0":{"listen":[":80"],"routes":[` + fmt.Sprintf(site, "a.test") + `]}`,
			managed: "map[]",
		},
		{
			name:    "disable_redirects and skip_certificates",
			servers: `"srv0":{"listen":[":443"],"automatic_https":{"disable_redirects":true,"skip_certificates":["b.test"]},"routes":[` + fmt.Sprintf(site, "a.test") + `,` + fmt.Sprintf(site, "b.test") + `]}`,
			managed: "map[acme-v02.api.letsencrypt.org-directory:[a.test]]",
			tls:     "srv0",
		},
		{
			name:     "disable_certificates keeps TLS and redirects",
			servers:  `"srv0":{"listen":[":443"],"automatic_https":{"disable_certificates":true},"routes":[` + fmt.Sprintf(site, "a.test") + `]}`,
			managed:  "map[]",
			redirect: `remaining_auto_https_redirects:[{"match":[{"host":["a.test"],"protocol":"http"}],"handle":[{"handler":"static_response","status_code":308,"headers":{"Location":["https://{http.request.host}{http.request.uri}"]},"close":true}]},{"match":[{"protocol":"http"}],"handle":[{"handler":"static_response","status_code":308,"headers":{"Location":["https://{http.request.host}{http.request.uri}"]},"close":true}]}]`,
			tls:      "srv0",
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := parse(t, `{"apps":{"http":{"servers":{`+c.servers+`}}}}`)
			m, err := newManager(t, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if err := m.AutoHTTPS(cfg); err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprint(m.managedNames()); got != c.managed {
				t.Errorf("managed %s, want %s", got, c.managed)
			}
			var tlsServers, redirect []string
			for name, srv := range cfg.Apps.HTTP.Servers {
				if len(srv.TLSConnectionPolicies) > 0 {
					tlsServers = append(tlsServers, name)
				}
				if name == RedirectServer || strings.Contains(routesJSON(t, srv), "308") {
					redirect = append(redirect, name+":"+routesJSON(t, srv))
				}
			}
			if got := strings.Join(tlsServers, ","); got != c.tls {
				t.Errorf("TLS on %q, want %q", got, c.tls)
			}
			if got := strings.Join(redirect, "\n"); got != c.redirect {
				t.Errorf("redirects:\n%s\nwant\n%s", got, c.redirect)
			}
			if _, err := caddyconf.Lower(cfg); err != nil {
				t.Errorf("lower: %v", err)
			}
		})
	}
}

// TestAutoHTTPSLoadedCertificates: a name covered by a loaded certificate
// gets no automation unless ignore_loaded_certificates is set.
func TestAutoHTTPSLoadedCertificates(t *testing.T) {
	crt, key := selfSigned(t, "a.test")
	for _, ignore := range []bool{false, true} {
		cfg := parse(t, fmt.Sprintf(`{"apps":{"tls":{"certificates":{"load_pem":[{"certificate":%q,"key":%q}]}},
			"http":{"servers":{"srv0":{"listen":[":443"],"automatic_https":{"ignore_loaded_certificates":%v},"routes":[{"match":[{"host":["a.test"]}]}]}}}}}`, crt, key, ignore))
		m, err := newManager(t, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if !m.HasCertificateFor("a.test") || m.HasCertificateFor("b.test") {
			t.Fatal("loaded certificate not found by name")
		}
		if err := m.AutoHTTPS(cfg); err != nil {
			t.Fatal(err)
		}
		if got := len(m.managedNames()) > 0; got != ignore {
			t.Errorf("ignore_loaded_certificates=%v: managed %v", ignore, m.managedNames())
		}
	}
}

// TestPolicyFor: explicit policies first (subjects with wildcards, or a
// catch-all), then the implicit internal policy for names that cannot get
// public certificates, else the implicit ACME one.
func TestPolicyFor(t *testing.T) {
	cfg := parse(t, `{"apps":{"tls":{"automation":{"policies":[{"subjects":["*.int.test"],"issuers":[{"module":"internal"}]}]}}}}`)
	m, err := newManager(t, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]*policy{"a.int.test": m.policies[0], "A.INT.TEST": m.policies[0], "int.test": m.public, "localhost": m.internal, "x.local": m.internal, "127.0.0.1": m.internal, "8.8.8.8": m.public} {
		if got := m.policyFor(name); got != want {
			t.Errorf("%s: wrong policy", name)
		}
	}
	m2, err := newManager(t, parse(t, `{}`))
	if err != nil {
		t.Fatal(err)
	}
	if m2.policyFor("8.8.8.8") != m2.internal {
		t.Error("an IP without explicit policies should use the local CA, as Caddy")
	}
}

// TestUnsupported: fields zeroserve does not implement are errors naming
// their JSON paths.
func TestUnsupported(t *testing.T) {
	for js, want := range map[string]string{
		`{"apps":{"tls":{"automation":{"policies":[{"issuers":[{"module":"acme","acme_timeout":"1s"}]}]}}}}`:                        `apps.tls.automation.policies[0].issuers[0].acme_timeout`,
		`{"apps":{"tls":{"automation":{"policies":[{"issuers":[{"module":"acme","challenges":{"dns":{}}}]}]}}}}`:                    `apps.tls.automation.policies[0].issuers[0].challenges.dns`,
		`{"apps":{"tls":{"automation":{"policies":[{"issuers":[{"module":"zerossl"}]}]}}}}`:                                         `unsupported issuer "zerossl" at apps.tls.automation.policies[0].issuers[0]`,
		`{"apps":{"tls":{"automation":{"policies":[{"issuers":[{"module":"internal","ca":"other"}]}]}}}}`:                           `apps.tls.automation.policies[0].issuers[0].ca`,
		`{"apps":{"tls":{"automation":{"policies":[{"on_demand":true}]}}}}`:                                                         `apps.tls.automation.policies[0].on_demand: on-demand TLS needs`,
		`{"apps":{"tls":{"automation":{"policies":[{"key_type":"dsa"}]}}}}`:                                                         `apps.tls.automation.policies[0].key_type`,
		`{"apps":{"tls":{"automation":{"policies":[{"get_certificate":[{"via":"http","url":"http://x"}]}]}}}}`:                      `apps.tls.automation.policies[0].get_certificate`,
		`{"apps":{"tls":{"automation":{"storage_clean_interval":"1h"}}}}`:                                                           `apps.tls.automation.storage_clean_interval`,
		`{"apps":{"tls":{"automation":{"on_demand":{"ask":"ftp://x"}}}}}`:                                                           `apps.tls.automation.on_demand.ask`,
		`{"apps":{"tls":{"resolvers":["1.1.1.1"]}}}`:                                                                                `apps.tls.resolvers`,
		`{"apps":{"pki":{"certificate_authorities":{"local":{}}}}}`:                                                                 `apps.pki`,
		`{"apps":{"tls":{"certificates":{"load_files":[{"certificate":"/nonexistent.crt","key":"/nonexistent.key"}]}}}}`:            `apps.tls.certificates.load_files[0]`,
		`{"apps":{"tls":{"automation":{"policies":[{"issuers":[{"module":"acme","trusted_roots_pem_files":["/nonexistent"]}]}]}}}}`: `apps.tls.automation.policies[0].issuers[0].trusted_roots_pem_files[0]`,
	} {
		_, err := newManager(t, parse(t, js))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error with %q", js, err, want)
		}
	}
}

// TestConnPolicyUnsupported: connection policy fields zeroserve does not
// implement, or values it rejects, are errors with their paths.
func TestConnPolicyUnsupported(t *testing.T) {
	m, err := newManager(t, parse(t, `{}`))
	if err != nil {
		t.Fatal(err)
	}
	for js, want := range map[string]string{
		`{"alpn":["h2"]}`:                                           `p.tls_connection_policies[0].alpn[0]: ALPN "h2": zeroserve serves HTTP/1.1 only`,
		`{"match":{"sni_regexp":{"pattern":"x"}}}`:                  `p.tls_connection_policies[0].match.sni_regexp`,
		`{"protocol_min":"tls1.1"}`:                                 `p.tls_connection_policies[0].protocol_min`,
		`{"protocol_min":"tls1.3","protocol_max":"tls1.2"}`:         `protocol_min is above protocol_max`,
		`{"cipher_suites":["TLS_NOPE"]}`:                            `p.tls_connection_policies[0].cipher_suites[0]`,
		`{"curves":["p999"]}`:                                       `p.tls_connection_policies[0].curves[0]`,
		`{"client_authentication":{"mode":"require_and_verify"}}`:   `needs trusted CA certificates`,
		`{"client_authentication":{"mode":"sometimes"}}`:            `p.tls_connection_policies[0].client_authentication.mode`,
		`{"client_authentication":{"trusted_leaf_certs":["AA=="]}}`: `p.tls_connection_policies[0].client_authentication.trusted_leaf_certs`,
		`{"client_authentication":{"ca":{"provider":"pki_root"}}}`:  `unsupported CA pool "pki_root" at p.tls_connection_policies[0].client_authentication.ca`,
		`{"match":{"remote_ip":{"ranges":["nope"]}}}`:               `p.tls_connection_policies[0].match.remote_ip.ranges[0]`,
		`{"certificate_selection":{"public_key_algorithm":"dsa"}}`:  `p.tls_connection_policies[0].certificate_selection.public_key_algorithm`,
	} {
		cfg := parse(t, `{"apps":{"http":{"servers":{"s":{"listen":[":443"],"tls_connection_policies":[`+js+`]}}}}}`)
		_, err := m.ServerTLS(cfg.Apps.HTTP.Servers["s"], "p")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error with %q", js, err, want)
		}
	}
}
