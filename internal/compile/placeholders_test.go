package compile

import (
	"testing"

	"github.com/zeroserve/zeroserve/internal/caddyconf"
)

// TestOrigPlaceholders checks {http.request.orig_*}: the request as it
// arrived, after rewrites changed it (the compiled server snapshots it
// first when its configuration reads these placeholders).
func TestOrigPlaceholders(t *testing.T) {
	runCases(t, []caddyCase{{
		name: "orig after strip_prefix",
		caddyfile: `:80 {
	uri strip_prefix /api
	respond "{path} {orig_method} {orig_uri} {orig_path} {orig_dir} {orig_file} {orig_query} {orig_?query} {http.request.orig_uri.path.1}"
}`,
		probes: []probe{get("a/api/v1/x%20y.txt?q=1"), get("a/other")},
		want: []string{"200 /v1/x y.txt GET /api/v1/x%20y.txt?q=1 /api/v1/x y.txt /api/v1/ x y.txt q=1 ?q=1 v1" + plain,
			"200 /other GET /other /other / other   " + plain},
	}})
}

// TestUsesOrigRequest checks the walk that decides the request snapshot:
// an {http.request.orig_*} anywhere in the server (a nested handler's
// header map value, a matcher, a map key) is found, and nothing else
// counts.
func TestUsesOrigRequest(t *testing.T) {
	for _, tc := range []struct {
		routes string
		want   bool
	}{
		{`[{"handle":[{"handler":"static_response","body":"{http.request.uri}"}]}]`, false},
		{`[{"handle":[{"handler":"subroute","routes":[{"handle":[{"handler":"headers","response":{"set":{"X-O":["{http.request.orig_uri}"]}}}]}]}]}]`, true},
		{`[{"match":[{"header":{"X":["{http.request.orig_method}"]}}],"handle":[{"handler":"static_response"}]}]`, true},
		{`[{"handle":[{"handler":"headers","response":{"set":{"{http.request.orig_uri.path.1}":["x"]}}}]}]`, true},
	} {
		cfg, err := caddyconf.Parse([]byte(jsonServer(tc.routes, "")))
		if err != nil {
			t.Fatal(err)
		}
		prog, err := caddyconf.Lower(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if got := usesOrigRequest(prog.Servers[0]); got != tc.want {
			t.Errorf("%s: usesOrigRequest = %v, want %v", tc.routes, got, tc.want)
		}
	}
}
