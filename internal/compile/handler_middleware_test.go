package compile

import (
	"strings"
	"testing"

	"github.com/zeroserve/zeroserve/internal/caddyconf"
)

// TestMiddlewareConfigs checks the encode, authentication and
// request_body conversions: Caddy's defaults made explicit, and the
// configurations zeroserve refuses named by their JSON path.
func TestMiddlewareConfigs(t *testing.T) {
	compileErr := func(routes string) error {
		cfg, err := caddyconf.Parse([]byte(jsonServer(routes, "")))
		if err != nil {
			return err
		}
		prog, err := caddyconf.Lower(cfg)
		if err != nil {
			return err
		}
		_, err = Compile(prog, Options{})
		return err
	}
	for _, c := range []struct{ routes, want string }{
		{`[{"handle":[{"handler":"encode"}]}]`, "apps.http.servers.srv0.routes[0].handle[0].encodings: encode without an encoding"},
		{`[{"handle":[{"handler":"encode","encodings":{"gzip":{}},"prefer":["zstd"]}]}]`, "encoding zstd in prefer is not enabled"},
		{`[{"handle":[{"handler":"encode","encodings":{"gzip":{"level":10}}}]}]`, "gzip level 10 outside"},
		{`[{"handle":[{"handler":"encode","encodings":{"zstd":{"level":"fast"}}}]}]`, `zstd level "fast"`},
		{`[{"handle":[{"handler":"request_body","set":"x"}]}]`, `unsupported request_body field "set" at apps.http.servers.srv0.routes[0].handle[0].set`},
		{`[{"handle":[{"handler":"authentication","providers":{"http_basic":{"accounts":[{"username":"a","password":"!"}]}}}]}]`, "base64-decoding password"},
		{`[{"handle":[{"handler":"authentication","providers":{"http_basic":{"accounts":[{"username":"a","password":"$x"},{"username":"a","password":"$y"}]}}}]}]`, "username is not unique"},
	} {
		if err := compileErr(c.routes); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.routes, err, c.want)
		}
	}
	m := &caddyconf.Encode{Encodings: &caddyconf.Encodings{Gzip: &caddyconf.Gzip{}, Zstd: &caddyconf.Zstd{}}}
	c, err := encodeConfig("p", m)
	if err != nil {
		t.Fatal(err)
	}
	if *c.Gzip != 5 || c.Zstd != "default" || c.MinimumLength != 512 || strings.Join(c.Prefer, ",") != "zstd,gzip" || len(c.Match.Headers["Content-Type"]) != 35 {
		t.Errorf("defaults: %+v", c)
	}
	a := authConfig(&caddyconf.Authentication{Providers: &caddyconf.AuthProviders{HTTPBasic: &caddyconf.HTTPBasicAuth{HashCache: &struct{}{}}}})
	if a.Basic.Hash != "bcrypt" || !a.Basic.HashCache {
		t.Errorf("auth defaults: %+v", a.Basic)
	}
}
