package caddyfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
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

// caddyCorpusDir returns the directory of Caddy's adapter corpus in the
// module cache.
func caddyCorpusDir(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/caddyserver/caddy/v2").Output()
	if err != nil {
		t.Fatalf("locating the caddy module: %v", err)
	}
	return filepath.Join(strings.TrimSpace(string(out)), "caddytest", "integration", "caddyfile_adapt")
}

// TestProxyCorpus adapts the corpus cases of our directives and compares
// the result with Caddy's JSON (as JSON values) or its error message.
func TestProxyCorpus(t *testing.T) {
	dir := caddyCorpusDir(t)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var identical, rejected, errorsMatched, mismatched int
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".caddyfiletest") || !hasAnyPrefix(name, proxyCorpusPrefixes) {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		input, want, ok := strings.Cut(string(data), "----------")
		if !ok {
			t.Fatalf("%s: no separator", name)
		}
		input = strings.TrimSpace(input) + "\n"
		want = strings.TrimSpace(want)
		got, _, err := Adapt("Caddyfile", []byte(input))
		var unsup *UnsupportedError
		switch {
		case errors.As(err, &unsup) && proxyCorpusRejected[name] != "":
			rejected++
			t.Logf("%s: rejected (%s): %v", name, proxyCorpusRejected[name], err)
		case strings.HasPrefix(want, "{"):
			if err != nil {
				mismatched++
				t.Errorf("%s: %v", name, err)
				continue
			}
			if !sameJSON(t, got, []byte(want)) {
				mismatched++
				var pretty bytes.Buffer
				_ = json.Indent(&pretty, got, "", "\t")
				t.Errorf("%s: got\n%s\nwant\n%s", name, pretty.String(), want)
				continue
			}
			identical++
		default:
			if err == nil || !strings.Contains(err.Error(), want) {
				mismatched++
				t.Errorf("%s: got error %v, want one containing %q", name, err, want)
				continue
			}
			errorsMatched++
		}
	}
	t.Logf("proxy corpus: %d identical, %d rejected, %d expected-errors matched, %d mismatched", identical, rejected, errorsMatched, mismatched)
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
