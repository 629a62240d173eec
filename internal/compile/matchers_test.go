package compile

import (
	"os"
	"path/filepath"
	"testing"
)

// TestMatcherErrors checks that a matcher's error fails the request as
// Caddy's route does (MatchWithError): the server's error routes run, or
// the error's status is answered; a try_files "=<status>" entry gives its
// status, an expression that fails to evaluate gives 500. (Caddy sets no
// {http.error.*} for a CEL error, which is not its HandlerError; here it
// is a 500 error: the error routes use explicit statuses.)
func TestMatcherErrors(t *testing.T) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "a.html"), []byte("a"), 0o644); err != nil {
		t.Fatal(err)
	}
	runCases(t, []caddyCase{
		{
			name: "file and expression",
			caddyfile: `:80 {
	@f file {
		root ` + root + `
		try_files {path} =404
	}
	@e expression int({header.X-N}) > 10
	respond /f/* "unreached"
	respond @f "found {file_match.relative}"
	respond @e "big"
	respond "small"
}`,
			probes: []probe{get("a/a.html"), get("a/nope"), get("a/x", "X-N: 11"), get("a/x", "X-N: x")},
			want:   []string{"200 found /a.html" + plain, "404 ", "404 ", "404 "},
		},
		{
			name: "expression error and handle_errors",
			caddyfile: `:80 {
	@e expression int({header.X-N}) > 10
	respond @e "big"
	respond "small"
	handle_errors {
		respond "error" 502
	}
}`,
			probes: []probe{get("a/x", "X-N: 11"), get("a/x", "X-N: 1"), get("a/x", "X-N: x")},
			want:   []string{"200 big" + plain, "200 small" + plain, "502 error" + plain},
		},
		{
			name: "expression",
			caddyfile: `:80 {
	@api expression path('/api/*') && {method} in ['GET', 'HEAD'] && !header({'X-Block': '*'})
	@q expression {query.v}.startsWith('2') || query({'beta': 'on'})
	respond @api "api {path}"
	respond @q "v2"
	respond "none"
}`,
			probes: []probe{get("a/api/x"), get("a/api/x", "X-Block: 1"), get("a/x?v=2.1"), get("a/x?beta=on"), get("a/x?v=1")},
			want:   []string{"200 api /api/x" + plain, "200 none" + plain, "200 v2" + plain, "200 v2" + plain, "200 none" + plain},
		},
	})
}
