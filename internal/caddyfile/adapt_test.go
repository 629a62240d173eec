package caddyfile

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// adaptValue adapts a Caddyfile and returns the config as a JSON value.
func adaptValue(t *testing.T, caddyfile string) map[string]any {
	t.Helper()
	out, _, err := Adapt("Caddyfile", []byte(caddyfile))
	if err != nil {
		t.Fatalf("adapt: %v\n%s", err, caddyfile)
	}
	var v map[string]any
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("output is not JSON: %v", err)
	}
	return v
}

// at walks a JSON value along a path of object keys and array indexes.
func at(t *testing.T, v any, path ...any) any {
	t.Helper()
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("at %v: %T is not an object", path, v)
			}
			v = m[k]
		case int:
			a, ok := v.([]any)
			if !ok || k >= len(a) {
				t.Fatalf("at %v: no index %d in %v", path, k, v)
			}
			v = a[k]
		}
	}
	return v
}

// wantJSON fails unless got equals the JSON value in want.
func wantJSON(t *testing.T, got any, want string) {
	t.Helper()
	var w any
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad expectation %s: %v", want, err)
	}
	if !reflect.DeepEqual(got, w) {
		g, _ := json.Marshal(got)
		t.Errorf("got  %s\nwant %s", g, want)
	}
}

func TestAdaptSimpleSite(t *testing.T) {
	v := adaptValue(t, "example.com {\n\trespond \"hi\"\n}\n")
	wantJSON(t, v, `{"apps":{"http":{"servers":{"srv0":{
		"listen":[":443"],
		"routes":[{"match":[{"host":["example.com"]}],"handle":[{"handler":"subroute","routes":[{"handle":[{"body":"hi","handler":"static_response"}]}]}],"terminal":true}]}}}}}`)
}

func TestAdaptGlobalOptions(t *testing.T) {
	v := adaptValue(t, `{
	http_port 8080
	https_port 8443
	grace_period 5s
	shutdown_delay 1d
	admin off
	persist_config off
}
:8080 {
	respond "ok"
}
`)
	http := at(t, v, "apps", "http").(map[string]any)
	if http["http_port"] != 8080.0 || http["https_port"] != 8443.0 ||
		http["grace_period"] != 5e9 || http["shutdown_delay"] != 86400e9 {
		t.Errorf("http app options: %v", http)
	}
	wantJSON(t, v["admin"], `{"disabled":true,"config":{"persist":false}}`)
	wantJSON(t, at(t, v, "apps", "http", "servers", "srv0", "listen"), `[":8080"]`)
}

func TestAdaptAutoHTTPSAndHTTPScheme(t *testing.T) {
	v := adaptValue(t, "{\n\tauto_https disable_redirects\n}\nhttp://a.example, b.example {\n\trespond \"x\"\n}\n")
	// http:// keys listen on :80, the others on :443: two servers.
	wantJSON(t, at(t, v, "apps", "http", "servers", "srv0", "listen"), `[":443"]`)
	wantJSON(t, at(t, v, "apps", "http", "servers", "srv0", "automatic_https"), `{"disable_redirects":true}`)
	wantJSON(t, at(t, v, "apps", "http", "servers", "srv1", "listen"), `[":80"]`)
	// Only listeners on other ports than the HTTP port skip http:// hosts.
	wantJSON(t, at(t, v, "apps", "http", "servers", "srv1", "automatic_https"), `{"disable_redirects":true}`)
	v = adaptValue(t, "http://a.example:8080, b.example:8080 {\n}\n")
	wantJSON(t, at(t, v, "apps", "http", "servers", "srv0", "automatic_https"), `{"skip":["a.example"]}`)
}

func TestAdaptEmailPolicy(t *testing.T) {
	v := adaptValue(t, "{\n\temail a@b.example\n}\nexample.com {\n}\n")
	wantJSON(t, at(t, v, "apps", "tls"), `{"automation":{"policies":[{"subjects":["example.com"],"issuers":[
		{"module":"acme","email":"a@b.example"},
		{"module":"acme","ca":"https://acme.zerossl.com/v2/DV90","email":"a@b.example"}]}]}}`)
}

func TestAdaptTLSDirective(t *testing.T) {
	v := adaptValue(t, `a.example {
	tls internal
}
b.example {
	tls cert.pem key.pem {
		protocols tls1.2 tls1.3
		alpn h2
	}
}
`)
	wantJSON(t, at(t, v, "apps", "tls", "certificates"), `{"load_files":[{"certificate":"cert.pem","key":"key.pem","tags":["cert0"]}]}`)
	wantJSON(t, at(t, v, "apps", "tls", "automation", "policies"), `[{"subjects":["a.example"],"issuers":[{"module":"internal"}]}]`)
	wantJSON(t, at(t, v, "apps", "http", "servers", "srv0", "tls_connection_policies"), `[
		{"match":{"sni":["b.example"]},"certificate_selection":{"any_tag":["cert0"]},"alpn":["h2"],"protocol_min":"tls1.2","protocol_max":"tls1.3"},
		{}]`)
}

func TestAdaptRouteOrdering(t *testing.T) {
	// Directives run in Caddy's order, whatever order they are written in;
	// inside route they keep the written order; zeroserve_call sits right
	// before reverse_proxy.
	v := adaptValue(t, `:80 {
	respond "last"
	route {
		respond /b "b"
		header X-A 1
	}
	handle /api/* {
		respond "api"
	}
	handle {
		respond "other"
	}
}
`)
	routes := at(t, v, "apps", "http", "servers", "srv0", "routes").([]any)
	var handlers []string
	for _, r := range routes {
		for _, h := range r.(map[string]any)["handle"].([]any) {
			handlers = append(handlers, h.(map[string]any)["handler"].(string))
		}
	}
	if strings.Join(handlers, ",") != "subroute,subroute,subroute,static_response" {
		t.Errorf("handler order %v", handlers)
	}
	// handle blocks are mutually exclusive: the same group; the path one first.
	wantJSON(t, at(t, routes[0], "match"), `[{"path":["/api/*"]}]`)
	if at(t, routes[0], "group") != at(t, routes[1], "group") || at(t, routes[0], "group") == nil {
		t.Errorf("handle routes not grouped: %v %v", routes[0], routes[1])
	}
	// route keeps literal order: respond before header.
	inner := at(t, routes[2], "handle", 0, "routes").([]any)
	if at(t, inner[0], "handle", 0, "handler") != "static_response" || at(t, inner[1], "handle", 0, "handler") != "headers" {
		t.Errorf("route block reordered: %v", inner)
	}
	if i, j := indexOf(defaultDirectiveOrder, "zeroserve_call"), indexOf(defaultDirectiveOrder, "reverse_proxy"); j != i+1 {
		t.Errorf("zeroserve_call at %d, reverse_proxy at %d", i, j)
	}
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

func TestAdaptOrderOption(t *testing.T) {
	v := adaptValue(t, "{\n\torder respond first\n}\n:80 {\n\theader X-A 1\n\trespond \"x\"\n}\n")
	routes := at(t, v, "apps", "http", "servers", "srv0", "routes").([]any)
	if at(t, routes[0], "handle", 0, "handler") != "static_response" {
		t.Errorf("respond not first: %v", routes)
	}
	if got := applyOrderOption([]string{"a", "b", "c"}, "c", "before", "a"); strings.Join(got, "") != "cab" {
		t.Errorf("before: %v", got)
	}
	if got := applyOrderOption([]string{"a", "b", "c"}, "a", "after", "c"); strings.Join(got, "") != "bca" {
		t.Errorf("after: %v", got)
	}
}

func TestAdaptHandlePathAndErrors(t *testing.T) {
	v := adaptValue(t, `:80 {
	handle_path /static/* {
		respond "s"
	}
	handle_errors 404 5xx {
		respond "oops"
	}
}
`)
	srv := at(t, v, "apps", "http", "servers", "srv0")
	wantJSON(t, at(t, srv, "routes", 0), `{"match":[{"path":["/static/*"]}],"handle":[{"handler":"subroute","routes":[
		{"handle":[{"handler":"rewrite","strip_path_prefix":"/static"}]},
		{"handle":[{"body":"s","handler":"static_response"}]}]}]}`)
	wantJSON(t, at(t, srv, "errors", "routes", 0, "match"),
		`[{"expression":"{http.error.status_code} >= 500 && {http.error.status_code} <= 599 || {http.error.status_code} in [404]"}]`)
}

func TestAdaptNamedRoutes(t *testing.T) {
	v := adaptValue(t, `&(common) {
	respond "common"
}
:80 {
	invoke common
}
`)
	srv := at(t, v, "apps", "http", "servers", "srv0")
	wantJSON(t, at(t, srv, "named_routes"), `{"common":{"handle":[{"body":"common","handler":"static_response"}]}}`)
	wantJSON(t, at(t, srv, "routes"), `[{"handle":[{"handler":"invoke","name":"common"}]}]`)
	if _, _, err := Adapt("Caddyfile", []byte(":80 {\n\tinvoke nope\n}\n")); err == nil || !strings.Contains(err.Error(), "cannot invoke named route 'nope'") {
		t.Errorf("undefined named route: %v", err)
	}
}

func TestAdaptBindAndLog(t *testing.T) {
	v := adaptValue(t, `a.example {
	bind 127.0.0.1 [::1]
	log
}
b.example {
}
`)
	srv := at(t, v, "apps", "http", "servers")
	var listens []string
	for _, s := range srv.(map[string]any) {
		for _, l := range s.(map[string]any)["listen"].([]any) {
			listens = append(listens, l.(string))
		}
	}
	slices.Sort(listens)
	if !reflect.DeepEqual(listens, []string{"127.0.0.1:443", ":443", "[::1]:443"}) {
		t.Errorf("listeners %v", listens)
	}
	v = adaptValue(t, "a.example {\n\tlog {\n\t\toutput stderr\n\t\tformat json\n\t}\n}\nb.example {\n}\n")
	wantJSON(t, at(t, v, "apps", "http", "servers", "srv0", "logs"), `{"logger_names":{"a.example":["log0"]},"skip_hosts":["b.example"]}`)
	wantJSON(t, at(t, v, "logging"), `{"logs":{
		"default":{"exclude":["http.log.access.log0"]},
		"log0":{"writer":{"output":"stderr"},"encoder":{"format":"json"},"include":["http.log.access.log0"]}}}`)
}

func TestAdaptServersOption(t *testing.T) {
	v := adaptValue(t, `{
	servers :443 {
		name main
		timeouts {
			read_body 10s
			idle 2m
		}
		max_header_size 16KB
		trusted_proxies static private_ranges
		client_ip_headers X-Forwarded-For
		protocols h1 h2
		strict_sni_host
	}
}
example.com {
}
`)
	wantJSON(t, at(t, v, "apps", "http", "servers", "main"), `{"listen":[":443"],"read_timeout":10000000000,"idle_timeout":120000000000,
		"max_header_bytes":16000,"strict_sni_host":true,
		"trusted_proxies":{"source":"static","ranges":["192.168.0.0/16","172.16.0.0/12","10.0.0.0/8","127.0.0.1/8","fd00::/8","::1"]},
		"client_ip_headers":["X-Forwarded-For"],"protocols":["h1","h2"],
		"routes":[{"match":[{"host":["example.com"]}],"terminal":true}]}`)
}

func TestAdaptErrors(t *testing.T) {
	for _, tc := range []struct {
		caddyfile, want string
		unsupported     bool
	}{
		{"example.com {\n\tphp_fastcgi x\n}\n", `Caddyfile:2: unsupported directive "php_fastcgi"`, true},
		{"{\n\tpki {\n\t}\n}\n:80\n", `Caddyfile:2: unsupported global option "pki"`, true},
		{"example.com {\n\ttls {\n\t\tdns foo\n\t}\n}\n", `Caddyfile:3: unsupported tls subdirective "dns"`, true},
		{"example.com {\n\thandle {\n\t\tmetrics\n\t}\n}\n", `Caddyfile:3: unsupported directive "metrics"`, true},
		{"example.com {\n\tlog {\n\t\toutput net localhost:9\n\t}\n}\n", `Caddyfile:3: unsupported log output "net"`, true},
		{"@m path /x\n", "request matchers may not be defined globally", false},
		{"respond {\n}\n", "parsed 'respond' as a site address, but it is a known directive", false},
		{"ws://example.com {\n}\n", "the scheme ws:// is only supported in browsers", false},
		{"example.com:99999 {\n}\n", "port 99999 is out of range", false},
		{"a.example {\n}\na.example {\n}\n", "ambiguous site definition: a.example", false},
		{":80 {\n\trespond @nope \"x\"\n}\n", "unrecognized matcher name: @nope", false},
		{"{\n\torder nosuch first\n}\n", `unsupported directive "nosuch"`, true},
		{":443, http://x.example:443 {\n}\n", "scheme and port violate convention", false},
		{":80 {\n\ttls {\n\t\tprotocols tls1.3\n\t}\n}\n", "is HTTP, but attempts to configure TLS connection policies", false},
	} {
		_, _, err := Adapt("Caddyfile", []byte(tc.caddyfile))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.caddyfile, err, tc.want)
			continue
		}
		var u *UnsupportedError
		if errors.As(err, &u) != tc.unsupported {
			t.Errorf("%q: error %v: UnsupportedError %v, want %v", tc.caddyfile, err, !tc.unsupported, tc.unsupported)
		}
	}
}

func TestAdaptWarnings(t *testing.T) {
	_, warnings, err := Adapt("Caddyfile", []byte("example.com {\n    respond \"x\"\n}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 1 || warnings[0].Line != 2 || !strings.Contains(warnings[0].Message, "not formatted") {
		t.Errorf("warnings %+v", warnings)
	}
}

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]int64{
		"1s": 1e9, "1.5h": 5400e9, "1d": 86400e9, "1d2h": 93600e9, "0.5d": 43200e9, "-1d": -86400e9, "300ms": 3e8,
	} {
		if got, err := parseDuration(in); err != nil || got != want {
			t.Errorf("parseDuration(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "d", "1x", "1dd", strings.Repeat("1", 1025) + "s"} {
		if _, err := parseDuration(in); err == nil {
			t.Errorf("parseDuration(%q) succeeded", in)
		}
	}
}

func TestParseAddress(t *testing.T) {
	for in, want := range map[string]Address{
		"example.com":               {Original: "example.com", Host: "example.com"},
		"https://Example.com:8443/": {Original: "https://Example.com:8443/", Scheme: "https", Host: "Example.com", Port: "8443", Path: "/"},
		":80":                       {Original: ":80", Port: "80"},
		"[::1]:443":                 {Original: "[::1]:443", Host: "::1", Port: "443"},
		"*.example.com/api":         {Original: "*.example.com/api", Host: "*.example.com", Path: "/api"},
		"{host}.example.com:8080":   {Original: "{host}.example.com:8080", Host: "{host}.example.com", Port: "8080"},
	} {
		got, err := ParseAddress(in)
		if err != nil || got != want {
			t.Errorf("ParseAddress(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	if a, _ := ParseAddress("HTTP://EXAMPLE.com"); a.Normalize().Host != "example.com" || a.Normalize().Scheme != "http" {
		t.Errorf("Normalize: %+v", a.Normalize())
	}
	if a, _ := ParseAddress("{Upper}.Example.com"); a.Normalize().Host != "{Upper}.example.com" {
		t.Errorf("placeholder case changed: %+v", a.Normalize())
	}
	if _, err := ParseAddress("example.com:http"); err == nil {
		t.Error("non-numeric port accepted")
	}
}

func TestSpecificity(t *testing.T) {
	for in, want := range map[string]int{"": 0, "a.b": 3, "*.b": 2, "{x}.b": 2, "/a*": 2, "{unclosed": 9} {
		if got := specificity(in); got != want {
			t.Errorf("specificity(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestMatchWildcard(t *testing.T) {
	for _, tc := range []struct {
		subject, wildcard string
		want              bool
	}{
		{"a.example.com", "*.example.com", true},
		{"a.b.example.com", "*.example.com", false},
		{"example.com", "example.com", true},
		{"Example.COM", "example.com", true},
		{"a.example.com", "a.*.com", false}, // labels are replaced cumulatively, as certmagic does
		{"a.example.com", "*.*.com", true},
	} {
		if got := matchWildcard(tc.subject, tc.wildcard); got != tc.want {
			t.Errorf("matchWildcard(%q, %q) = %v", tc.subject, tc.wildcard, got)
		}
	}
}

func TestHelperRoutesAndBinds(t *testing.T) {
	groups := 0
	h := Helper{groupCounter: &groups}
	vals := append(h.NewRoute(nil, Obj{"handler": "a"}), h.NewRoute(Obj{"path": []string{"/x"}}, Obj{"handler": "b"})...)
	h.GroupRoutes(vals)
	if vals[0].Value.(Route).Group != "group0" || vals[1].Value.(Route).Group != "group0" || groups != 1 {
		t.Errorf("GroupRoutes: %+v", vals)
	}
	single := h.NewRoute(nil, Obj{"handler": "c"})
	h.GroupRoutes(single)
	if single[0].Value.(Route).Group != "" {
		t.Errorf("a single route was grouped: %+v", single)
	}
	b := h.NewBindAddresses([]string{"127.0.0.1"})
	if len(b) != 1 || b[0].Class != "bind" || b[0].Value.(bindValue).addresses[0] != "127.0.0.1" {
		t.Errorf("NewBindAddresses: %+v", b)
	}
}
