// Package plugintest tests zeroserve's own C plugins (../*.c, built with
// the SDK sdk/zeroserve.h) through compiled Caddy routes.
package plugintest

import (
	"context"
	"net/http"
	"net/url"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/zeroserve/zeroserve/internal/bpf/elfwrite"
	"github.com/zeroserve/zeroserve/internal/caddyconf"
	"github.com/zeroserve/zeroserve/internal/caddyfile"
	"github.com/zeroserve/zeroserve/internal/compile"
	"github.com/zeroserve/zeroserve/internal/helpers"
	"github.com/zeroserve/zeroserve/internal/script"
	"github.com/zeroserve/zeroserve/internal/vm"
)

// sigv4Caddyfile is the original's example with the call's block given.
func sigv4Caddyfile(block string) string {
	return `example.com {
	route /s3/* {
		uri strip_prefix /s3
		rewrite * /my-bucket{uri}
		zeroserve_call io.su3.aws-sigv4 sign_request {
` + block + `
		}
		reverse_proxy http://127.0.0.1:9000
	}
}`
}

// The plugin, compiled once per test run.
var (
	pluginOnce sync.Once
	pluginObj  []byte
	pluginErr  error
)

// loadSigV4 loads io.su3.aws-sigv4.c and the compiled Caddyfile.
func loadSigV4(t *testing.T, caddy string, jit vm.JITMode) *script.Chain {
	t.Helper()
	if _, err := exec.LookPath("clang"); err != nil {
		t.Skip("clang not installed (scripts/test installs it)")
	}
	js, _, err := caddyfile.Adapt("Caddyfile", []byte(caddy))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := caddyconf.Parse(js)
	if err != nil {
		t.Fatal(err)
	}
	prog, err := caddyconf.Lower(cfg)
	if err != nil {
		t.Fatal(err)
	}
	obj, err := compile.Compile(prog, compile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	elf, err := elfwrite.Write(obj)
	if err != nil {
		t.Fatal(err)
	}
	h, err := script.NewHelpers()
	if err != nil {
		t.Fatal(err)
	}
	pluginOnce.Do(func() { pluginObj, pluginErr = script.CompileC("../io.su3.aws-sigv4.c") })
	if pluginErr != nil {
		t.Fatal(pluginErr)
	}
	plug, err := script.LoadObject(script.Name("../io.su3.aws-sigv4.c"), pluginObj, h, script.Options{JIT: jit})
	if err != nil {
		t.Fatal(err)
	}
	site, err := script.LoadObject("caddy", elf, h, script.Options{JIT: jit})
	if err != nil {
		t.Fatal(err)
	}
	ch := script.NewChain(plug, site)
	t.Cleanup(ch.Close)
	for _, c := range []string{"io.su3.aws-sigv4", "io.su3.aws-sigv4.c", "io.su3.aws-sigv4.o"} {
		if err := ch.CheckCall(c, "sign_request"); err != nil {
			t.Fatal(err)
		}
	}
	return ch
}

// sigv4Case is one request through the route and what the upstream must
// receive.
type sigv4Case struct {
	method, uri string
	header      []helpers.Field
	wantURI     string // path and query forwarded
}

// TestAWSSigV4Plugin: requests through the original's route are forwarded
// with a canonically encoded path and an Authorization byte for byte
// aws-sdk-go-v2's for the request as forwarded, with the config's region,
// service, host, payload hash, session token and extra signed headers.
func TestAWSSigV4Plugin(t *testing.T) {
	cases := []sigv4Case{
		{"GET", "/s3/test-object", nil, "/my-bucket/test-object"},
		// Caddy's rewrite query builder drops a trailing '=' (as Caddy does);
		// S3 reads both as an empty prefix, and the signature is the same.
		{"GET", "/s3/?list-type=2&prefix=", nil, "/my-bucket/?list-type=2&prefix"},
		{"GET", "/s3/?acl", nil, "/my-bucket/?acl"},
		{"PUT", "/s3/a%20key%20with%20spaces+plus~tilde%7E!", nil, "/my-bucket/a%20key%20with%20spaces%2Bplus~tilde~%21"},
		{"GET", "/s3/%C3%A9t%C3%A9/%E2%9C%93?prefix=%C3%A9&x=a+b&x=a%2Bb&delimiter=%2F", nil, "/my-bucket/%C3%A9t%C3%A9/%E2%9C%93?prefix=%C3%A9&x=a+b&x=a%2Bb&delimiter=%2F"},
		{"DELETE", "/s3/100%25", []helpers.Field{{Name: "X-Amz-Security-Token", Value: "forged"}}, "/my-bucket/100%25"},
		{"PUT", "/s3/meta", []helpers.Field{{Name: "Content-Type", Value: "text/plain"}, {Name: "X-Amz-Meta-Note", Value: "  two  spaces "}}, "/my-bucket/meta"},
	}
	configs := []struct {
		block                                      string
		region, service, host, hash, token, extras string
	}{
		{block: `access_key_id "minioadmin"
			secret_access_key "minioadmin"`,
			region: "us-east-1", service: "s3", host: "example.com", hash: "UNSIGNED-PAYLOAD"},
		{block: `access_key_id "AKIAIOSFODNN7EXAMPLE"
			secret_access_key "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
			region eu-west-3
			service s3
			host s3.eu-west-3.amazonaws.com
			body_hash e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
			session_token "FQoGZXIvYXdzE+/token=="
			signed_headers "Content-Type x-amz-meta-note"`,
			region: "eu-west-3", service: "s3", host: "s3.eu-west-3.amazonaws.com",
			hash: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", token: "FQoGZXIvYXdzE+/token==",
			extras: "content-type x-amz-meta-note"},
	}
	for _, jit := range []vm.JITMode{vm.JITOff, vm.JITAuto} {
		for _, cfg := range configs {
			ch := loadSigV4(t, sigv4Caddyfile(cfg.block), jit)
			ak, sk := configValue(cfg.block, "access_key_id"), configValue(cfg.block, "secret_access_key")
			for _, c := range cases {
				ex := newExchange(t, c)
				before := time.Now().UTC().Truncate(time.Second)
				if err := ch.Run(ex, script.DefaultFuel); err != nil {
					t.Fatal(err)
				}
				if ex.Action != helpers.ActionProxy {
					t.Fatalf("%s %s: action %v %s", c.method, c.uri, ex.Action, ex.Response.Body)
				}
				if got := ex.Req.URI(); got != c.wantURI {
					t.Errorf("%s: forwarded %s, want %s", c.uri, got, c.wantURI)
				}
				get := func(n string) string { v, _ := ex.Req.Get(n); return v }
				date, err := time.Parse("20060102T150405Z", get("X-Amz-Date"))
				if err != nil || date.Before(before) || date.After(time.Now()) {
					t.Errorf("X-Amz-Date %q (%v), signed at %v", get("X-Amz-Date"), err, before)
				}
				if get("Host") != cfg.host || get("X-Amz-Content-Sha256") != cfg.hash || get("X-Amz-Security-Token") != cfg.token {
					t.Errorf("%s: host %q hash %q token %q", c.uri, get("Host"), get("X-Amz-Content-Sha256"), get("X-Amz-Security-Token"))
				}
				want := sdkAuthorization(t, ex, cfg.extras, aws.Credentials{AccessKeyID: ak, SecretAccessKey: sk, SessionToken: cfg.token}, cfg.hash, cfg.service, cfg.region, date)
				if got := get("Authorization"); got != want {
					t.Errorf("jit=%v %s %s:\n got %s\nwant %s", jit, c.method, c.uri, got, want)
				}
			}
		}
	}
}

// TestAWSSigV4PluginErrors: a missing key, an over-long value and an
// unusable request give the plugin's error action, which the route turns
// into a 500 (no error routes: an empty body).
func TestAWSSigV4PluginErrors(t *testing.T) {
	for _, block := range []string{
		`access_key_id "AK"`,
		`secret_access_key "SK"`,
		`access_key_id "AK"
			secret_access_key "SK"
			region "` + strings.Repeat("r", 65) + `"`,
		`access_key_id "AK"
			secret_access_key "SK"
			payload_hash "` + strings.Repeat("h", 129) + `"`,
	} {
		ch := loadSigV4(t, sigv4Caddyfile(block), vm.JITAuto)
		ex := newExchange(t, sigv4Case{method: "GET", uri: "/s3/x"})
		var logs []string
		ex.Log = func(s, line string) { logs = append(logs, line) }
		if err := ch.Run(ex, script.DefaultFuel); err != nil {
			t.Fatal(err)
		}
		if ex.Action != helpers.ActionRespond || ex.Response.Status != 500 {
			t.Errorf("%s: action %v status %d", block, ex.Action, ex.Response.Status)
		}
		if _, ok := ex.Req.Get("Authorization"); ok || len(logs) != 1 || !strings.Contains(logs[0], "aws-sigv4: ") {
			t.Errorf("%s: logs %q", block, logs)
		}
	}
}

// newExchange is a request for c to example.com.
func newExchange(t *testing.T, c sigv4Case) *helpers.Exchange {
	t.Helper()
	ex := &helpers.Exchange{Meta: map[string]string{}}
	ex.Req = helpers.Request{Method: c.method, Scheme: "http", ProtoMajor: 1, ProtoMinor: 1, Peer: "192.0.2.7:51000"}
	if err := ex.Req.SetURI(c.uri); err != nil {
		t.Fatal(err)
	}
	ex.Req.Header = append([]helpers.Field{{Name: "Host", Value: "example.com"}}, c.header...)
	return ex
}

// configValue returns the (quoted) value of key in a Caddyfile block.
func configValue(block, key string) string {
	for _, line := range strings.Split(block, "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), " "); ok && k == key {
			return strings.Trim(v, `"`)
		}
	}
	return ""
}

// sdkAuthorization signs the request as forwarded with aws-sdk-go-v2:
// the headers the plugin signs (host, x-amz-date, x-amz-content-sha256,
// the session token, the extra ones) and the path as sent.
func sdkAuthorization(t *testing.T, ex *helpers.Exchange, extras string, creds aws.Credentials, hash, service, region string, date time.Time) string {
	t.Helper()
	host, _ := ex.Req.Get("Host")
	path, err := url.PathUnescape(ex.Req.Path)
	if err != nil {
		t.Fatal(err)
	}
	req := &http.Request{Method: ex.Req.Method, Host: host, Header: http.Header{},
		URL: &url.URL{Scheme: "https", Host: host, Path: path, RawPath: ex.Req.Path, RawQuery: ex.Req.RawQuery}}
	for _, n := range append(strings.Fields(extras), "X-Amz-Date", "X-Amz-Content-Sha256") {
		if v, ok := ex.Req.Get(n); ok {
			req.Header.Set(n, v)
		}
	}
	opt := func(o *v4.SignerOptions) { o.DisableURIPathEscaping = service == "s3" }
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hash, service, region, date, opt); err != nil {
		t.Fatal(err)
	}
	return req.Header.Get("Authorization")
}

// canonicalPath matches a path in the form the plugin forwards: only
// unreserved characters, '/' and upper-case escapes.
var canonicalPath = regexp.MustCompile(`^(?:[A-Za-z0-9\-_.~/]|%[0-9A-F]{2})*$`)

// FuzzAWSSigV4Plugin: for any request the server accepts, the plugin
// (through the original's route) forwards a canonically encoded path, and
// its Authorization is aws-sdk-go-v2's for the request as forwarded.
func FuzzAWSSigV4Plugin(f *testing.F) {
	for _, c := range []string{"test-object", "a%20b+c~d%7E!", "%C3%A9t%C3%A9/%E2%9C%93", "x/../y//z", "100%25", "*$&'()"} {
		f.Add(c, "list-type=2&prefix=")
	}
	f.Add("k", "acl")
	f.Add("k", "x=a+b&x=a%2Bb&y")
	var ch *script.Chain
	f.Fuzz(func(t *testing.T, path, query string) {
		if ch == nil {
			ch = loadSigV4(t, sigv4Caddyfile(`access_key_id "AK"
			secret_access_key "SK"`), vm.JITAuto)
		}
		uri := "/s3/" + path
		if query != "" {
			uri += "?" + query
		}
		ex := &helpers.Exchange{Meta: map[string]string{}}
		ex.Req = helpers.Request{Method: "GET", Scheme: "http", ProtoMajor: 1, ProtoMinor: 1, Peer: "192.0.2.7:51000"}
		if ex.Req.SetURI(uri) != nil {
			return
		}
		ex.Req.Header = []helpers.Field{{Name: "Host", Value: "example.com"}}
		if err := ch.Run(ex, script.DefaultFuel); err != nil {
			t.Fatalf("%q: %v", uri, err)
		}
		if ex.Action != helpers.ActionProxy {
			return // the route refused the URI (a rewrite error): nothing signed
		}
		if !canonicalPath.MatchString(ex.Req.Path) {
			t.Fatalf("%q: forwarded path %q", uri, ex.Req.Path)
		}
		get := func(n string) string { v, _ := ex.Req.Get(n); return v }
		date, err := time.Parse("20060102T150405Z", get("X-Amz-Date"))
		if err != nil {
			t.Fatal(err)
		}
		want := sdkAuthorization(t, ex, "", aws.Credentials{AccessKeyID: "AK", SecretAccessKey: "SK"}, "UNSIGNED-PAYLOAD", "s3", "us-east-1", date)
		if got := get("Authorization"); got != want {
			t.Fatalf("%q (forwarded %q):\n got %s\nwant %s", uri, ex.Req.URI(), got, want)
		}
	})
}
