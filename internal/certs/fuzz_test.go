package certs

import (
	"bytes"
	"testing"

	"github.com/zeroserve/zeroserve/internal/caddyconf"
)

// FuzzAutoHTTPS: for any config Parse accepts, building the Manager,
// applying automatic HTTPS, building every server's TLS config and
// lowering the result never panic, and automatic HTTPS leaves a config
// that still lowers when the original did.
func FuzzAutoHTTPS(f *testing.F) {
	for _, s := range []string{
		`{"apps":{"http":{"servers":{"a":{"listen":[":443"],"routes":[{"match":[{"host":["a.test","*.b.test"]}]}]}}}}}`,
		`{"apps":{"http":{"http_port":8080,"https_port":8443,"servers":{"a":{"listen":[":8443","127.0.0.1:9000"],"routes":[{"match":[{"host":["localhost"]}]}]},"b":{"listen":[":8080"],"routes":[{"match":[{"host":["x"]}]},{}]}}}}}`,
		`{"apps":{"http":{"servers":{"a":{"listen":[":443"],"automatic_https":{"disable_redirects":true,"skip":["a"]},"tls_connection_policies":[{"match":{"sni":["a"]},"alpn":["http/1.1"],"protocol_min":"tls1.3","client_authentication":{"mode":"request"}},{"default_sni":"a","fallback_sni":"b","certificate_selection":{"any_tag":["t"]}}]}}},"tls":{"automation":{"policies":[{"subjects":["a"],"issuers":[{"module":"internal"}]},{"on_demand":true}],"on_demand":{"ask":"http://127.0.0.1:1/"}}}}}`,
		`{"apps":{"http":{"servers":{"a":{"listen":["unix//x.sock",":1-3"],"routes":[{"match":[{"host":["a"]}]}]}}}}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if bytes.Contains(data, []byte("insecure_secrets_log")) {
			return // would create files where the input says
		}
		cfg, err := caddyconf.Parse(data)
		if err != nil {
			return
		}
		_, lowerErr := caddyconf.Lower(cfg)
		cfg, _ = caddyconf.Parse(data)
		cfg.Storage = &caddyconf.StorageModule{Value: &caddyconf.FileStorage{Root: t.TempDir()}}
		m, err := New(cfg, Options{})
		if err != nil {
			return
		}
		defer m.Stop()
		if err := m.AutoHTTPS(cfg); err != nil {
			return
		}
		if cfg.Apps != nil && cfg.Apps.HTTP != nil {
			for name, srv := range cfg.Apps.HTTP.Servers {
				m.ServerTLS(srv, name)
			}
		}
		if _, err := caddyconf.Lower(cfg); err != nil && lowerErr == nil {
			t.Fatalf("lowers before automatic HTTPS, not after: %v", err)
		}
	})
}
