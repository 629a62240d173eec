package helpers

import (
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/zeroserve/zeroserve/internal/caddyconf"
)

// TestPlaceholdersRequest checks the http.request.* keys of
// caddy_placeholder_request.go against the values Caddy's HTTP replacer
// gives for the same request (modules/caddyhttp/replacer.go).
func TestPlaceholdersRequest(t *testing.T) {
	ex := &Exchange{}
	ex.Req = Request{Method: "GET", Path: "/docs/a%20b.tar.gz", RawQuery: "q=a b&x=1", ProtoMajor: 1, ProtoMinor: 0,
		Peer: "203.0.113.77:4000", Header: []Field{{"Host", "h"},
			{"Cookie", "Session=abc; theme=dark"}, {"cookie", "bad cookie; x=\"quoted\""}}}
	r := replacer{ex}
	for key, want := range map[string]string{
		"http.request.proto":              "HTTP/1.0",
		"http.request.proto_name":         "HTTP/1.0",
		"http.request.uri_escaped":        "%2Fdocs%2Fa%2520b.tar.gz%3Fq%3Da+b%26x%3D1",
		"http.request.uri.path_escaped":   "%2Fdocs%2Fa+b.tar.gz",
		"http.request.uri.query_escaped":  "q%3Da+b%26x%3D1",
		"http.request.uri.path.file":      "a b.tar.gz",
		"http.request.uri.path.dir":       "/docs/",
		"http.request.uri.path.file.base": "a b.tar",
		"http.request.uri.path.file.ext":  ".gz",
		"http.request.cookie.session":     "abc",
		"http.request.cookie.theme":       "dark",
		"http.request.cookie.x":           "quoted",
		"http.request.cookie.none":        "",
		"http.request.remote.host/24":     "203.0.113.0/24",
		"http.request.remote.host/16,64":  "203.0.0.0/16",
		"http.request.remote.host/x":      "",
		"http.request.remote.host/40":     "",
		"http.vars.client_ip":             "203.0.113.77",
		"http.vars.trusted_proxy":         "false",
	} {
		if got, ok := r.get(key); !ok || got != want {
			t.Errorf("{%s} = %q, %v; want %q", key, got, ok, want)
		}
	}
	ex.Req.ProtoMajor, ex.Req.ProtoMinor = 2, 0
	ex.Req.Peer = "[2001:db8:1:2::9]:443"
	for key, want := range map[string]string{
		"http.request.proto": "HTTP/2.0", "http.request.proto_name": "HTTP/2",
		"http.request.remote.host/16,64": "2001:db8:1:2::/64", "http.vars.client_ip": "2001:db8:1:2::9",
	} {
		if got, _ := r.get(key); got != want {
			t.Errorf("{%s} = %q, want %q", key, got, want)
		}
	}
	id, _ := r.get("http.request.uuid")
	if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(id) {
		t.Errorf("uuid %q is not a version 4 UUID", id)
	}
	if again, _ := r.get("http.request.uuid"); again != id {
		t.Errorf("uuid changed within a request: %q then %q", id, again)
	}
	if v, _ := r.get("http.vars.uuid"); v != id {
		t.Errorf("{http.vars.uuid} = %q, want the request's UUID %q", v, id)
	}
	ex.Reset()
	if next, _ := r.get("http.request.uuid"); next == id {
		t.Errorf("uuid %q reused by the next request", id)
	}
}

// TestPlaceholdersGlobal checks {env.*}, {system.*}, {time.now*} and
// {file.*} as Caddy's global providers give them.
func TestPlaceholdersGlobal(t *testing.T) {
	t.Setenv("ZS_PH_TEST", "v a l")
	dir := t.TempDir()
	f := filepath.Join(dir, "secret")
	if err := os.WriteFile(f, []byte("s3cret\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	host, _ := os.Hostname()
	wd, _ := os.Getwd()
	r := replacer{&Exchange{}}
	for in, want := range map[string]string{
		"{env.ZS_PH_TEST}|{env.ZS_PH_UNSET}": "v a l|",
		"{system.os}/{system.arch}":          runtime.GOOS + "/" + runtime.GOARCH,
		"{system.hostname}{system.slash}":    host + "/",
		"{system.wd}":                        wd,
		"{file." + f + "}":                   "s3cret",
		"[{file." + f + ".missing}]":         "[]",
		"{system.nope}":                      "{system.nope}",
	} {
		if got := r.replaceKnown(in); got != want {
			t.Errorf("%s = %q, want %q", in, got, want)
		}
	}
	before := time.Now()
	for key, re := range map[string]string{
		"time.now":            `^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ [+-]\d{4} \S+`,
		"time.now.http":       `^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT$`,
		"time.now.rfc3339":    `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$`,
		"time.now.common_log": `^\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}$`,
		"time.now.year":       `^\d{4}$`,
		"time.now.unix":       `^\d{10}$`,
		"time.now.unix_ms":    `^\d{13}$`,
	} {
		got, ok := r.get(key)
		if !ok || !regexp.MustCompile(re).MatchString(got) {
			t.Errorf("{%s} = %q, %v; want the form %s", key, got, ok, re)
		}
	}
	unix, _ := r.get("time.now.unix")
	if n, _ := strconv.ParseInt(unix, 10, 64); n < before.Unix() {
		t.Errorf("{time.now.unix} = %s, before %d", unix, before.Unix())
	}
}

// TestIPRangePlaceholders checks that remote_ip and client_ip ranges
// expand global placeholders once, at load, as Caddy's
// provisionCidrsZonesFromRanges does; other placeholders become empty.
func TestIPRangePlaceholders(t *testing.T) {
	t.Setenv("ZS_RANGE_TEST", "198.51.100.0/24")
	r, err := newIPRanges(&caddyconf.MatchIP{Ranges: []string{"{env.ZS_RANGE_TEST}"}})
	if err != nil {
		t.Fatal(err)
	}
	if !r.match("198.51.100.9:1") || r.match("192.0.2.1:1") {
		t.Errorf("{env.ZS_RANGE_TEST} ranges = %v", r.prefixes)
	}
	if _, err := newIPRanges(&caddyconf.MatchIP{Ranges: []string{"{http.request.host}"}}); err == nil {
		t.Error("a request placeholder in a range was accepted (Caddy expands it to empty: an invalid address)")
	}
}
