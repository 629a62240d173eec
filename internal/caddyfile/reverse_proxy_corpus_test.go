package caddyfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// proxyCorpusPrefixes select the cases of Caddy's adapter corpus that are
// about the directives of reverse_proxy.go, forward_auth.go,
// file_server.go, encode.go and basic_auth.go.
var proxyCorpusPrefixes = []string{
	"reverse_proxy_", "forward_auth_", "file_server_", "encode_",
	"portless_upstream", "replaceable_upstream",
}

// proxyCorpusRejected are the cases of those we reject on purpose, each
// with the reason; any other rejection or difference fails the test.
var proxyCorpusRejected = map[string]string{
	"reverse_proxy_dynamic_upstreams.caddyfiletest":              "dynamic upstreams (DNS SRV/A lookups) are not supported",
	"reverse_proxy_dynamic_upstreams_grace_period.caddyfiletest": "dynamic upstreams (DNS SRV/A lookups) are not supported",
	"reverse_proxy_empty_non_http_transport.caddyfiletest":       "the fastcgi transport is not supported",
}

// TestProxyCorpus adapts the corpus cases of our directives and compares
// the result with Caddy's JSON (as JSON values) or its error message
// (TestCaddyCorpus only requires an error); only the cases listed in
// proxyCorpusRejected may be rejected.
func TestProxyCorpus(t *testing.T) {
	var identical, rejected, errorsMatched, mismatched int
	for _, c := range loadCorpus(t) {
		if !hasAnyPrefix(c.name, proxyCorpusPrefixes) {
			continue
		}
		got, _, err := Adapt(c.filename, []byte(c.caddyfile))
		var unsup *UnsupportedError
		switch {
		case errors.As(err, &unsup) && proxyCorpusRejected[c.name] != "":
			rejected++
			t.Logf("%s: rejected (%s): %v", c.name, proxyCorpusRejected[c.name], err)
		case strings.HasPrefix(c.expected, "{"):
			if err != nil {
				mismatched++
				t.Errorf("%s: %v", c.name, err)
				continue
			}
			if !sameJSON(t, got, []byte(c.expected)) {
				mismatched++
				var pretty bytes.Buffer
				_ = json.Indent(&pretty, got, "", "\t")
				t.Errorf("%s: got\n%s\nwant\n%s", c.name, pretty.String(), c.expected)
				continue
			}
			identical++
		default:
			if err == nil || !strings.Contains(err.Error(), c.expected) {
				mismatched++
				t.Errorf("%s: got error %v, want one containing %q", c.name, err, c.expected)
				continue
			}
			errorsMatched++
		}
	}
	identical += proxyTransportExtras(t)
	t.Logf("proxy corpus: %d identical, %d rejected, %d expected-errors matched, %d mismatched", identical, rejected, errorsMatched, mismatched)
}

// proxyTransportExtras adapts the reverse_proxy_http_transport_*.txt
// files next to the corpus (same format, not run by Caddy's own test) and
// returns how many matched; each must match.
func proxyTransportExtras(t *testing.T) int {
	dir := caddyModuleDir(t)
	files, _ := filepath.Glob(filepath.Join(dir, "caddytest", "integration", "caddyfile_adapt", "reverse_proxy_http_transport_*.txt"))
	matched := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		input, want, _ := strings.Cut(string(data), "----------")
		got, _, err := Adapt("Caddyfile", []byte(strings.TrimSpace(input)+"\n"))
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		if !sameJSON(t, got, []byte(want)) {
			t.Errorf("%s: got %s\nwant %s", filepath.Base(f), got, want)
			continue
		}
		matched++
	}
	return matched
}

// hasAnyPrefix reports whether s starts with one of prefixes.
func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// sameJSON reports whether a and b hold the same JSON value.
func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal(a, &va); err != nil {
		t.Fatalf("ours is not JSON: %v", err)
	}
	if err := json.Unmarshal(b, &vb); err != nil {
		t.Fatalf("want is not JSON: %v", err)
	}
	ja, _ := json.Marshal(va)
	jb, _ := json.Marshal(vb)
	return bytes.Equal(ja, jb)
}
