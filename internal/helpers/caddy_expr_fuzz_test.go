package helpers

import (
	"strings"
	"testing"
)

// FuzzExprMatcher feeds arbitrary expressions to the expression matcher:
// loading never panics, and an expression that loads evaluates to a
// result or an error without panicking, the same twice. Expressions with
// file() are only loaded: a root of "/" and a glob like "/*/*/*/*" walk
// the whole disk, as they would in Caddy.
func FuzzExprMatcher(f *testing.F) {
	for _, s := range []string{
		`{method} == "GET" && {path}.startsWith("/e")`,
		`path('/api/*') && method('GET', 'HEAD') || header({'X': ['a', 'b']})`,
		`header_regexp('ua', 'User-Agent', r'^bot\b') && path_regexp('n', '^/v(\\d+)')`,
		`file({'root': '.', 'try_files': [{path}, {path} + '.html'], 'split_path': ['.php']})`,
		`int({header.X-N}) * 2 - 1 >= 0x10 ? size([1, 2u, 3.5, null, true]) == 5 : 'a' + "b" in ['ab']`,
		`'\{path}'.matches('(?i)^{') && !(1 / 0 == 1) || -9.5e3 < -1.0`,
		`'''triple ' quote''' == "\x41\u00e9\101\n"`,
		`query({}) && vars({'{http.request.method}': 'GET'}) && vars_regexp('m', 'k', '^x') && protocol('https')`,
		`remote_ip('10.0.0.0/8', '::1') || client_ip('192.0.2.1')`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		m, err := newExprMatcher(expr, "fz")
		if err != nil || strings.Contains(expr, "file") {
			return
		}
		ok1, err1 := m.match(exprRequest())
		ok2, err2 := m.match(exprRequest())
		if ok1 != ok2 || (err1 == nil) != (err2 == nil) {
			t.Fatalf("%q: %v, %v then %v, %v", expr, ok1, err1, ok2, err2)
		}
	})
}
