package caddyfile

import (
	"strings"
	"testing"
)

// TestGlobalOptions checks where each global option lands in the config.
func TestGlobalOptions(t *testing.T) {
	site := "\nexample.com {\n}\n"
	for _, tc := range []struct {
		name, options string
		path          []any
		want          string
	}{
		{"debug", "debug", []any{"logging"}, `{"logs":{"default":{"level":"DEBUG"}}}`},
		{"log", "log {\n\t\toutput stderr\n\t\tlevel WARN\n\t}", []any{"logging"},
			`{"logs":{"default":{"writer":{"output":"stderr"},"level":"WARN"}}}`},
		{"named log", "log access {\n\t\toutput discard\n\t\tinclude http.log.access\n\t}", []any{"logging"},
			`{"logs":{"access":{"writer":{"output":"discard"},"include":["http.log.access"]},"default":{"exclude":["http.log.access"]}}}`},
		{"admin listen", "admin localhost:2020 {\n\t\torigins a.example\n\t}", []any{"admin"}, `{"listen":"localhost:2020","origins":["a.example"]}`},
		{"storage", "storage file_system /data", []any{"storage"}, `{"module":"file_system","root":"/data"}`},
		{"local_certs", "local_certs", []any{"apps", "tls", "automation", "policies"},
			`[{"issuers":[{"module":"internal"}]}]`}, // the site's policy equals the catch-all, which covers it
		{"skip_install_trust", "skip_install_trust", []any{"apps", "pki"}, `{"certificate_authorities":{"local":{"install_trust":false}}}`},
		{"key_type", "key_type p384", []any{"apps", "tls", "automation", "policies"},
			`[{"key_type":"p384"}]`},
		{"ocsp_stapling", "ocsp_stapling off", []any{"apps", "tls", "disable_ocsp_stapling"}, `true`},
		{"acme_ca", "acme_ca https://ca.example/dir", []any{"apps", "tls", "automation", "policies"},
			`[{"issuers":[{"module":"acme","ca":"https://ca.example/dir"}]}]`},
		{"acme_ca_root", "acme_ca_root /ca.pem", []any{"apps", "tls", "automation", "policies", 0, "issuers", 0},
			`{"module":"acme","trusted_roots_pem_files":["/ca.pem"]}`},
		{"acme_eab", "acme_eab {\n\t\tkey_id k\n\t\tmac_key m\n\t}", []any{"apps", "tls", "automation", "policies", 0, "issuers", 0},
			`{"module":"acme","external_account":{"key_id":"k","mac_key":"m"}}`},
		{"cert_issuer", "cert_issuer acme {\n\t\tdir https://x.example\n\t\tdisable_tlsalpn_challenge\n\t}", []any{"apps", "tls", "automation", "policies"},
			`[{"issuers":[{"module":"acme","ca":"https://x.example","challenges":{"tls-alpn":{"disabled":true}}}]}]`},
		{"default_bind", "default_bind 10.0.0.1", []any{"apps", "http", "servers", "srv0", "listen"}, `["10.0.0.1:443"]`},
		{"default_sni", "default_sni example.com", []any{"apps", "http", "servers", "srv0", "tls_connection_policies"}, `[{"default_sni":"example.com"}]`},
		{"fallback_sni", "fallback_sni example.com", []any{"apps", "http", "servers", "srv0", "tls_connection_policies"}, `[{"fallback_sni":"example.com"}]`},
		{"auto_https off", "auto_https off", []any{"apps", "http", "servers", "srv0", "automatic_https"}, `{"disable":true}`},
		{"auto_https certs", "auto_https disable_certs ignore_loaded_certs", []any{"apps", "http", "servers", "srv0", "automatic_https"},
			`{"disable_certificates":true,"ignore_loaded_certificates":true}`},
		{"storage_check", "storage_check off", []any{"apps", "tls", "disable_storage_check"}, `true`},
		{"storage_clean_interval", "storage_clean_interval 1d", []any{"apps", "tls", "automation", "storage_clean_interval"}, `86400000000000`},
		{"renew_interval", "renew_interval 1h", []any{"apps", "tls", "automation", "renew_interval"}, `3600000000000`},
		{"on_demand_tls", "on_demand_tls {\n\t\task http://localhost/ok\n\t}", []any{"apps", "tls", "automation", "on_demand"},
			`{"permission":{"module":"http","endpoint":"http://localhost/ok"}}`},
		{"tls_automate_names", "tls_automate_names a.example", []any{"apps", "tls", "certificates"}, `{"automate":["a.example"]}`},
		{"tls_resolvers", "tls_resolvers 1.1.1.1", []any{"apps", "tls", "resolvers"}, `["1.1.1.1"]`},
		{"renewal_window_ratio", "renewal_window_ratio 0.5", []any{"apps", "tls", "automation", "policies"},
			`[{"renewal_window_ratio":0.5}]`},
		{"servers listener_wrappers", "servers {\n\t\tlistener_wrappers {\n\t\t\thttp_redirect\n\t\t\ttls\n\t\t}\n\t\tlog_credentials\n\t}",
			[]any{"apps", "http", "servers", "srv0", "listener_wrappers"}, `[{"wrapper":"http_redirect"},{"wrapper":"tls"}]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := adaptValue(t, "{\n\t"+tc.options+"\n}\n"+site)
			wantJSON(t, at(t, v, tc.path...), tc.want)
		})
	}
}

// TestGlobalOptionErrors checks the validation of global option values.
func TestGlobalOptionErrors(t *testing.T) {
	for _, tc := range []struct{ options, want string }{
		{"http_port abc", "converting port 'abc' to integer value"},
		{"grace_period soon", "invalid duration"},
		{"auto_https sometimes", "auto_https must be one of"},
		{"order respond sideways", "unknown positional 'sideways'"},
		{"order respond before nosuch", "directive 'nosuch' not found"},
		{"storage redis", `unsupported storage module "redis"`},
		{"ocsp_stapling on", "invalid argument 'on'"},
		{"servers {\n\t\tprotocols h9\n\t}", "unknown protocol 'h9'"},
		{"servers {\n\t\tname x\n\t}", "cannot set a name for a server without a listener address"},
		{"servers :443 {\n\t}\n\tservers :443 {\n\t}", "duplicate listener addresses: :443"},
		{"log {\n\t\thostnames a\n\t}", "hostnames is not allowed in the log global options"},
		{"log\n\tlog", "duplicate global log option for: default"},
		{"renewal_window_ratio 2", "renewal_window_ratio must be between 0 and 1"},
		{"local_certs\n\tcert_issuer internal", "local_certs is confusing when combined with cert_issuer"},
		{"admin off {\n\t}", "No more option is allowed after turning off admin config"},
	} {
		_, _, err := Adapt("Caddyfile", []byte("{\n\t"+tc.options+"\n}\nexample.com {\n}\n"))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.options, err, tc.want)
		}
	}
}
