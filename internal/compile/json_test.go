package compile

import (
	"errors"
	"strings"
	"testing"

	"github.com/zeroserve/zeroserve/internal/caddyconf"
)

// jsonServer wraps routes (and named routes) in a one-server config.
func jsonServer(routes string, named string) string {
	s := `{"apps":{"http":{"servers":{"srv0":{"listen":[":80"],"routes":` + routes
	if named != "" {
		s += `,"named_routes":` + named
	}
	return s + `}}}}}`
}

// TestJSONRoutes runs Caddy JSON route lists whose behaviour follows
// routes.go of Caddy: a group runs only its first matching route even when
// that route does not answer, terminal ends the whole chain (also from
// inside a subroute), invoke runs a named route, and a subroute's routes
// continue into the handlers after the subroute.
func TestJSONRoutes(t *testing.T) {
	for _, tc := range []struct {
		name   string
		config string
		probes []probe
		want   []string
	}{
		{
			name: "group",
			config: jsonServer(`[
				{"group":"g","match":[{"path":["/a*"]}],"handle":[{"handler":"headers","response":{"set":{"X-One":["1"]}}}]},
				{"group":"g","handle":[{"handler":"headers","response":{"set":{"X-Two":["2"]}}}]},
				{"handle":[{"handler":"static_response","body":"end"}]}]`, ""),
			probes: []probe{get("h/a"), get("h/b")},
			want:   []string{"200 end" + plain + " | X-One: 1", "200 end" + plain + " | X-Two: 2"},
		},
		{
			name: "terminal inside a subroute ends the chain",
			config: jsonServer(`[
				{"handle":[{"handler":"subroute","routes":[
					{"match":[{"path":["/t"]}],"handle":[{"handler":"headers","response":{"set":{"X-T":["t"]}}}],"terminal":true}
				]},{"handler":"headers","response":{"set":{"X-After":["a"]}}}]},
				{"handle":[{"handler":"static_response","body":"end","status_code":"{http.vars.code}"}]}]`, ""),
			probes: []probe{get("h/t"), get("h/x")},
			// An empty status is Caddy's 500 error (strconv's message).
			want: []string{"200  | X-T: t", "500  | Content-Type: text/plain; charset=utf-8 | X-After: a"},
		},
		{
			name: "invoke and vars status",
			config: jsonServer(`[
				{"handle":[{"handler":"vars","code":"202"},{"handler":"invoke","name":"common"}]},
				{"handle":[{"handler":"static_response","body":"end","status_code":"{http.vars.code}"}]}]`,
				`{"common":{"match":[{"method":["GET"]}],"handle":[{"handler":"headers","response":{"add":{"X-Common":["c"]}}}]}}`),
			probes: []probe{get("h/"), {method: "PUT", host: "h", uri: "/"}},
			want:   []string{"202 end" + plain + " | X-Common: c", "202 end" + plain},
		},
		{
			name: "query and header presence matchers",
			config: jsonServer(`[
				{"match":[{"query":{"k":["*"]}},{"header":{"X-Absent":null,"X-Present":[]}}],"handle":[{"handler":"static_response","body":"yes"}]},
				{"handle":[{"handler":"static_response","status_code":404}]}]`, ""),
			probes: []probe{get("h/?k=1"), get("h/?j=1"), get("h/", "X-Present: 1"), get("h/", "X-Present: 1", "X-Absent: 1")},
			want:   []string{"200 yes" + plain, "404 ", "200 yes" + plain, "404 "},
		},
		{
			name: "subroute error routes",
			config: jsonServer(`[
				{"match":[{"path":["/a"]}],"handle":[{"handler":"subroute","routes":[{"handle":[{"handler":"error","error":"gone","status_code":410}]}],
					"errors":{"routes":[{"handle":[{"handler":"static_response","body":"{http.error.message} {http.error.status_code}"}]}]}}]},
				{"match":[{"path":["/b"]}],"handle":[{"handler":"subroute","routes":[{"handle":[{"handler":"error","status_code":"{http.request.header.X-Code}"}]}],
					"errors":{"routes":[{"handle":[{"handler":"headers","response":{"set":{"X-Seen":["{http.error.status_code}"]}}}]}]}},
					{"handler":"static_response","body":"after"}]}]`, ""),
			probes: []probe{get("h/a"), get("h/b", "X-Code: 429"), get("h/c")},
			want:   []string{"410 gone 410" + plain, "429 after" + plain + " | X-Seen: 429", "200 "},
		},
		{
			name: "header_regexp and protocol",
			config: jsonServer(`[
				{"match":[{"header_regexp":{"User-Agent":{"name":"ua","pattern":"^curl/([0-9.]+)$"}},"protocol":"http/1.1+"}],
					"handle":[{"handler":"static_response","body":"curl {http.regexp.ua.1}"}]},
				{"match":[{"protocol":"https"}],"handle":[{"handler":"static_response","body":"tls"}]},
				{"handle":[{"handler":"static_response","status_code":404}]}]`, ""),
			probes: []probe{get("h/", "User-Agent: curl/8.5.0"), get("h/", "User-Agent: wget")},
			want:   []string{"200 curl 8.5.0" + plain, "404 "},
		},
		{
			name: "vars matcher and label/segment placeholders",
			config: jsonServer(`[
				{"handle":[{"handler":"vars","tier":"gold","n":2}]},
				{"match":[{"vars":{"tier":["silver"],"{http.request.host.labels.1}":["example"]}}],
					"handle":[{"handler":"static_response","body":"{http.request.host.labels.2} {http.request.uri.path.1}"}]},
				{"match":[{"vars_regexp":{"{http.request.uri.path}":{"name":"p","pattern":"^/re/(.*)$"}}}],"handle":[{"handler":"static_response","body":"re {http.regexp.p.1}"}]},
				{"match":[{"vars":{"n":["2"]}}],"handle":[{"handler":"static_response","body":"n"}]}]`, ""),
			probes: []probe{get("WWW.Example.com/a/b"), get("other.org/a"), get("other.org/re/x/y")},
			want:   []string{"200 www b" + plain, "200 n" + plain, "200 re x/y" + plain},
		},
		{
			name: "remote_ip and client_ip",
			config: jsonServer(`[
				{"match":[{"remote_ip":{"ranges":["192.0.2.0/24","2001:db8::1"]}}],"handle":[{"handler":"static_response","body":"near"}]},
				{"match":[{"client_ip":{"ranges":["198.51.100.7"]}}],"handle":[{"handler":"static_response","body":"exact"}]},
				{"handle":[{"handler":"static_response","status_code":403}]}]`, ""),
			probes: []probe{get("h/"), {method: "GET", host: "h", uri: "/", peer: "198.51.100.7:1"}, {method: "GET", host: "h", uri: "/", peer: "[2001:db8::1]:2"},
				{method: "GET", host: "h", uri: "/", peer: "203.0.113.1:3"}},
			want: []string{"200 near" + plain, "200 exact" + plain, "200 near" + plain, "403 "},
		},
		{
			name: "path patterns in escaped space",
			config: jsonServer(`[
				{"match":[{"path":["/a%40b"]}],"handle":[{"handler":"static_response","body":"escaped"}]},
				{"handle":[{"handler":"static_response","status_code":404}]}]`, ""),
			probes: []probe{get("h/A%40B"), get("h/a@b")},
			want:   []string{"200 escaped" + plain, "404 "},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			elf := compileJSON(t, []byte(tc.config))
			for _, jit := range engines {
				ch := load(t, elf, jit)
				for i, p := range tc.probes {
					got := serve(t, ch, p)
					if tc.want[i] == "error: " && strings.HasPrefix(got, "error: ") {
						continue
					}
					if got != tc.want[i] {
						t.Errorf("%v: %s %s%s: got %q, want %q", jit, p.method, p.host, p.uri, got, tc.want[i])
					}
				}
			}
		})
	}
}

// TestCompileErrors checks that what the MVP does not implement is a
// compile error naming it and its JSON path.
func TestCompileErrors(t *testing.T) {
	for _, tc := range []struct {
		name, config, want string
	}{
		{"handler", jsonServer(`[{"handle":[{"handler":"file_server","browse":{}}]}]`, ""),
			`unsupported file_server field "browse" at apps.http.servers.srv0.routes[0].handle[0].browse`},
		{"matcher", jsonServer(`[{"match":[{"expression":"has(foo)"}],"handle":[{"handler":"static_response"}]}]`, ""),
			`apps.http.servers.srv0.routes[0].match[0].expression: expression "has(foo)": at 0: function has() is not supported`},
		{"not matcher", jsonServer(`[{"match":[{"not":[{"expression":"x"}]}],"handle":[{"handler":"static_response"}]}]`, ""),
			`apps.http.servers.srv0.routes[0].match[0].not[0].expression: expression "x": at 0: undeclared reference to "x"`},
		{"placeholder", jsonServer(`[{"handle":[{"handler":"static_response","body":"{http.request.tls.version}"}]}]`, ""),
			`apps.http.servers.srv0.routes[0].handle[0].body: placeholder {http.request.tls.version} is not supported`},
		{"rewrite regexp", jsonServer(`[{"handle":[{"handler":"rewrite","path_regexp":[{"find":"","replace":"x"}]}]}]`, ""),
			`apps.http.servers.srv0.routes[0].handle[0]: rewrite: path_regexp find cannot be empty`},
		{"error placeholder", jsonServer(`[{"handle":[{"handler":"static_response","body":"{http.error.id}"}]}]`, ""),
			`placeholder {http.error.id} is not supported`},
		{"two servers", `{"apps":{"http":{"servers":{"a":{"routes":[]},"b":{"routes":[]}}}}}`,
			`several servers (a, b)`},
		{"informational status", jsonServer(`[{"handle":[{"handler":"static_response","status_code":103}]}]`, ""),
			`informational status 103 is not supported`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := caddyconf.Parse([]byte(tc.config))
			if err != nil {
				t.Fatal(err)
			}
			prog, err := caddyconf.Lower(cfg)
			if err != nil {
				t.Fatal(err)
			}
			_, err = Compile(prog, Options{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
			var ce *Error
			var ue *caddyconf.UnsupportedError
			if !errors.As(err, &ce) && !errors.As(err, &ue) {
				t.Errorf("error %T is neither *Error nor *caddyconf.UnsupportedError", err)
			}
		})
	}
}

// TestNestingDepth checks that routes nested deeper than the VM's call
// frames are a compile error, not a run-time trap.
func TestNestingDepth(t *testing.T) {
	inner := `[{"handle":[{"handler":"static_response","body":"deep"}]}]`
	for range 4 {
		inner = `[{"handle":[{"handler":"subroute","routes":` + inner + `}]}]`
	}
	cfg, err := caddyconf.Parse([]byte(jsonServer(inner, "")))
	if err != nil {
		t.Fatal(err)
	}
	prog, err := caddyconf.Lower(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Compile(prog, Options{}); err == nil || !strings.Contains(err.Error(), "calls deep") {
		t.Fatalf("4 nested subroutes: got %v, want a nesting error", err)
	}
	// Three levels fit: entry, then route/list pairs.
	inner = `[{"handle":[{"handler":"static_response","body":"deep"}]}]`
	for range 3 {
		inner = `[{"handle":[{"handler":"subroute","routes":` + inner + `}]}]`
	}
	elf := compileJSON(t, []byte(jsonServer(inner, "")))
	for _, jit := range engines {
		if got := serve(t, load(t, elf, jit), get("h/")); got != "200 deep"+plain {
			t.Errorf("%v: got %q", jit, got)
		}
	}
}
