package compile

import "testing"

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
