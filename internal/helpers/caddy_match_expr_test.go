package helpers

import (
	"strings"
	"testing"
)

// exprRequest is the request the expression tests evaluate against.
func exprRequest() *Exchange {
	ex := &Exchange{}
	ex.Req = Request{Method: "POST", Path: "/api/v1/Users.json", RawQuery: "page=2&q=go", Scheme: "https", TLS: true,
		ProtoMajor: 1, ProtoMinor: 1, Peer: "203.0.113.7:5555",
		Header: []Field{{"Host", "Example.com:8443"}, {"User-Agent", "curl/8.0 bot"}, {"X-Num", "41"},
			{"Content-Type", "application/json"}, {"Cookie", "sid=xyz"}}}
	ex.caddy.setVar("env", "prod")
	ex.caddy.setVar("n", 3.0)
	ex.caddy.setVar("flag", true)
	return ex
}

// TestExprMatcher evaluates expressions of the subset against one
// request; the expected values follow CEL's semantics and the matchers'
// (Caddy's celmatcher.go, matchers.go and their tests).
func TestExprMatcher(t *testing.T) {
	for _, tc := range []struct {
		expr string
		want bool
	}{
		{`method('POST')`, true},
		{`method('GET', 'PUT')`, false},
		{`path('/api/*')`, true},
		{`path('/API/V1/users.json')`, true},
		{`path('*.json') && !path('/admin*')`, true},
		{`host('example.com')`, true},
		{`host('*.com')`, true},
		{`host('other.org') || host('example.com')`, true},
		{`header({'Content-Type': 'application/*'})`, true},
		{`header({'Content-Type': ['text/html', '*json']})`, true},
		{`header({'X-Missing': '*'})`, false},
		{`header_regexp('User-Agent', 'bot$')`, true},
		{`header_regexp('ua', 'User-Agent', '^curl/(\\d+)')`, true},
		{`path_regexp('^/api/v(\\d+)/')`, true},
		{`path_regexp('ver', r'^/api/v(\d+)/')`, true},
		{`query({'page': '2'})`, true},
		{`query({'page': ['1', '3']})`, false},
		{`protocol('https')`, true},
		{`protocol('http/1.1') && !protocol('http/2')`, true},
		{`remote_ip('203.0.113.0/24')`, true},
		{`client_ip('10.0.0.0/8')`, false},
		{`vars({'env': 'prod'})`, true},
		{`vars_regexp('env', '^pr')`, true},
		{`{http.request.method} == 'POST'`, true},
		{`{http.request.method} in ['GET', 'POST']`, true},
		{`{http.request.method} != "POST"`, false},
		{`{http.request.uri.path}.startsWith('/api') && {http.request.uri.path}.endsWith('.json')`, true},
		{`{http.request.uri.path}.contains('/v1/')`, true},
		{`{http.request.header.User-Agent}.matches('(?i)BOT')`, true},
		{`matches({http.request.uri}, 'page=\\d')`, true},
		{`{http.request.header.X-Num} == '41'`, true},
		{`int({http.request.header.X-Num}) + 1 == 42`, true},
		{`int({http.request.header.X-Num}) > 40 && int({http.request.header.X-Num}) <= 41`, true},
		{`{http.request.port} == 8443`, true},
		{`{http.request.port} > 8000`, true},
		{`{http.vars.n} == 3`, true},
		{`{http.vars.n} >= 2.5`, true},
		{`{http.vars.flag} == true`, true},
		{`{http.vars.missing} == null`, true},
		{`{no.such.placeholder} == null`, true},
		{`{http.request.cookie.sid} == 'xyz'`, true},
		{`size({http.request.uri.query}) == 11 && size([1, 2]) == 2 && 'abc'.size() == 3`, true},
		{`{http.request.host}.lowerAscii() == 'example.com' && 'x'.upperAscii() == 'X'`, true},
		{`1 < 2 && 2.5 > 1.5 && 'a' < 'b' && 3u >= 3u && -1 < 0`, true},
		{`{http.vars.n} == 3 ? true : false`, true},
		{`(1 + 2) * 3 == 9 && 7 / 2 == 3 && 7 % 2 == 1 && 'a' + 'b' == 'ab'`, true},
		{`[1, 2] + [3] == [1, 2, 3] && 2 in [1, 2]`, true},
		{`!(true && false) || false`, true},
		{`string(5) == '5' && double(1) == 1.0 && uint(3) == 3u`, true},
		{`'{path}' == 'ph(req, "path")'`, true}, // Caddy rewrites inside strings too
		{`'\{path}'.startsWith('{') && '\{path}' != '{path}'`, true},
		{`false && 1 / 0 == 1`, false}, // the error is absorbed
		{`1 / 0 == 1 || true`, true},
		{`file({'root': '.', 'try_files': ['caddy_match_expr_test.go']})`, true},
		{`file('caddy_match_expr_test.go')`, true}, // root {http.vars.root}, unset: "."
		{`file({'try_files': [{http.request.uri.path}, 'nope']})`, false},
		{`file()`, false},
	} {
		ex := exprRequest()
		m, err := newExprMatcher(tc.expr, "")
		if err != nil {
			t.Errorf("%s: %v", tc.expr, err)
			continue
		}
		got, err := m.match(ex)
		if err != nil {
			t.Errorf("%s: %v", tc.expr, err)
			continue
		}
		if got != tc.want {
			t.Errorf("%s = %v, want %v", tc.expr, got, tc.want)
		}
	}
}

// TestExprMatcherErrors checks that expressions outside the subset, or
// that CEL's checker rejects, fail when the configuration loads, naming
// what is wrong, and that evaluation errors are errors.
func TestExprMatcherErrors(t *testing.T) {
	for expr, want := range map[string]string{
		`path('/a'`:             `expected ","`,
		`{path}`:                "must be bool, not dyn",
		`'a'`:                   "must be bool, not string",
		`1 == 'a'`:              "no operator == for int and string",
		`1 < 1.5`:               "no operator < for int and double",
		`'a' && true`:           "no operator && for string and bool",
		`req.method == 'GET'`:   "field selection .method is not supported",
		`[1][0] == 1`:           "indexing with [] is not supported",
		`[1].all(x, x > 0)`:     "method .all() is not supported",
		`has(foo)`:              "function has() is not supported",
		`timestamp('2020') > 1`: "function timestamp() is not supported",
		`foo == 1`:              `undeclared reference to "foo"`,
		`{'a': 1} == {'a': 1}`:  "map literal outside a matcher's arguments is not supported",
		`path(1)`:               "matcher arguments must be string constants or placeholders",
		`path()`:                "path takes 1 to",
		`header('X')`:           "matcher requires a map literal argument",
		`file({'bogus': 'x'})`:  "file matcher map keys are",
		`path_regexp('(')`:      "path_regexp: error parsing regexp",
		`'a'.matches('(')`:      "error parsing regexp",
		`b'x' == b'x'`:          "bytes literals are not supported",
		`'unterminated`:         "unterminated string",
		`1 +`:                   "unexpected end of expression",
		`Msg{a: 1}`:             "message construction",
		strings.Repeat("(", 200) + "true" + strings.Repeat(")", 200): "nests deeper",
		`{http.vars.missing}`: "must be bool, not dyn",
	} {
		_, err := newExprMatcher(expr, "")
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "expression ") {
			t.Errorf("%s: got %v, want an error containing %q", expr, err, want)
		}
	}
	for _, expr := range []string{`int({http.request.header.User-Agent}) == 1`, `{http.request.port} < 'a'`, `{http.request.uri.path} > 1`,
		`9223372036854775807 + 1 == 0`} {
		m, err := newExprMatcher(expr, "")
		if err != nil {
			t.Errorf("%s: %v", expr, err)
			continue
		}
		if ok, err := m.match(exprRequest()); err == nil {
			t.Errorf("%s = %v, want an evaluation error", expr, ok)
		}
	}
}

// TestExprCaptures checks that regexp macros record captures under the
// expression's name, as Caddy's named expression matchers do.
func TestExprCaptures(t *testing.T) {
	ex := exprRequest()
	m, err := newExprMatcher(`path_regexp('^/api/v(\\d+)/(?P<res>\\w+)') && header_regexp('agent', 'User-Agent', '^(\\w+)/')`, "api")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := m.match(ex); !ok || err != nil {
		t.Fatalf("match = %v, %v", ok, err)
	}
	r := replacer{ex}
	for key, want := range map[string]string{
		"http.regexp.api.1": "1", "http.regexp.api.res": "Users", "http.regexp.agent.1": "curl",
	} {
		if got, _ := r.get(key); got != want {
			t.Errorf("{%s} = %q, want %q", key, got, want)
		}
	}
}

// TestExprEscapes follows Caddy's celmatcher_test.go on escaped
// placeholders in macro arguments: \{x} is rewritten to {x} before CEL
// parses the text, so the matcher expands it (or, escaped once more,
// keeps it literal), and a "\{" left in a CEL string is a bad escape.
func TestExprEscapes(t *testing.T) {
	for _, tc := range []struct {
		expr, field string
		want        bool
	}{
		{`header({'Field': '\\\{foobar}'})`, "{foobar}", true},
		{`header({'Field': '\{http.request.uri.path}'})`, "/foo", true},
		{`header({'Field': '\{http.request.uri.path}'})`, "{http.request.uri.path}", false},
		{`protocol('HTTPs')`, "", true},
	} {
		ex := exprRequest()
		ex.Req.Path = "/foo"
		ex.Req.Header = append(ex.Req.Header, Field{"Field", tc.field})
		m, err := newExprMatcher(tc.expr, "")
		if err != nil {
			t.Errorf("%s: %v", tc.expr, err)
			continue
		}
		if got, err := m.match(ex); got != tc.want || err != nil {
			t.Errorf("%s with Field %q = %v, %v; want %v", tc.expr, tc.field, got, err, tc.want)
		}
	}
	if _, err := newExprMatcher(`header({'Field': '\\{foobar}'})`, ""); err == nil {
		t.Error("a bad escape left by placeholder rewriting was accepted")
	}
}

// BenchmarkExprMatcher evaluates a typical expression (a macro, a
// placeholder comparison and a string method) against one request.
func BenchmarkExprMatcher(b *testing.B) {
	m, err := newExprMatcher(`path('/api/*') && {http.request.method} in ['GET', 'POST'] && {http.request.header.User-Agent}.startsWith('curl')`, "")
	if err != nil {
		b.Fatal(err)
	}
	ex := exprRequest()
	b.ReportAllocs()
	for b.Loop() {
		if ok, err := m.match(ex); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}
