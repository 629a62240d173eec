package caddyconf

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func mustLower(t *testing.T, in string) *Program {
	t.Helper()
	cfg, err := Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	p, err := Lower(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLowerHostIndex(t *testing.T) {
	p := mustLower(t, wrapRoutes(`[
		{"match":[{"host":["A.example"]}]},
		{"match":[{"path":["/x"]}]},
		{"match":[{"host":["b.example"]},{"host":["a.example","c.example"]}]},
		{"match":[{"host":["*.example"]}]},
		{"match":[{"host":["b.example"]}]},
		{"match":[{"host":["{env.HOST}"]}]},
		{}
	]`))
	hi := p.Servers[0].Routes.Hosts
	tests := []struct {
		host string
		want []int
	}{
		{"a.example", []int{0, 1, 2, 3, 5, 6}},
		{"b.example", []int{1, 2, 3, 4, 5, 6}},
		{"c.example", []int{1, 2, 3, 5, 6}},
		{"other", []int{1, 3, 5, 6}},
		{"B.Example:8443", []int{1, 2, 3, 4, 5, 6}},
		{"[::1]", []int{1, 3, 5, 6}},
		{"[c.example]", []int{1, 2, 3, 5, 6}},
		{"\u212a.example", []int{0, 1, 2, 3, 4, 5, 6}},
	}
	for _, tc := range tests {
		if got := hi.Candidates(tc.host); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Candidates(%q) = %v, want %v", tc.host, got, tc.want)
		}
	}
	if got := p.Servers[0].Routes.Routes[0].Match[0].Host[0]; got != "a.example" {
		t.Errorf("host not lower-cased: %q", got)
	}
	if got := p.Servers[0].Routes.Routes[5].Match[0].Host[0]; got != "{env.HOST}" {
		t.Errorf("placeholder host changed: %q", got)
	}
	if got := p.Config.Apps.HTTP.Servers["srv0"].Routes[0].Match[0].Host[0]; got != "A.example" {
		t.Errorf("Lower changed the parsed config: %q", got)
	}
}

func TestLowerStructure(t *testing.T) {
	in := `{"apps":{"http":{"servers":{
		"b":{"listen":["tcp/127.0.0.1:8000-8002","unix//run/x.sock"],"routes":[
			{"group":"g","handle":[{"handler":"invoke","name":"n1"}]},
			{"group":"h"},
			{"group":"g","handle":[{"handler":"subroute","routes":[{"group":"g"},{}],"errors":{"routes":[{}]}}]},
			{"handle":[{"handler":"reverse_proxy","upstreams":[{"dial":"u:1"}],"load_balancing":{"retry_match":[{"method":["GET"]},{"host":["X.example"]}]},"handle_response":[{"status_code":201},{"routes":[{"handle":[{"handler":"copy_response"}]}]}]}]}
		],"errors":{"routes":[{"handle":[{"handler":"invoke","name":"n2"}]}]},
		"named_routes":{"n1":{"handle":[{"handler":"invoke","name":"n2"}]},"n2":{"handle":[{"handler":"static_response"}]},"unused":{}}},
		"a":{"listen":[":80"]}
	}}}}`
	p := mustLower(t, in)
	if len(p.Servers) != 2 || p.Servers[0].Name != "a" || p.Servers[1].Name != "b" {
		t.Fatalf("servers not sorted by name: %v", p.Servers)
	}
	b := p.Servers[1]
	wantListen := []ListenAddr{
		{Raw: "tcp/127.0.0.1:8000-8002", Network: "tcp", Host: "127.0.0.1", StartPort: 8000, EndPort: 8002},
		{Raw: "unix//run/x.sock", Network: "unix", Host: "/run/x.sock"},
	}
	if !reflect.DeepEqual(b.Listen, wantListen) {
		t.Errorf("listen = %+v", b.Listen)
	}
	rs := b.Routes.Routes
	if rs[0].GroupID != 0 || rs[1].GroupID != 1 || rs[2].GroupID != 0 || rs[3].GroupID != -1 || b.Routes.Groups != 2 {
		t.Errorf("group IDs %d %d %d %d (groups %d)", rs[0].GroupID, rs[1].GroupID, rs[2].GroupID, rs[3].GroupID, b.Routes.Groups)
	}
	if rs[0].Handlers[0].Invoke != b.Named["n1"] || b.Named["n1"].Routes[0].Handlers[0].Invoke != b.Named["n2"] {
		t.Error("invoke targets are not the shared named route lists")
	}
	if b.Errors.Routes[0].Handlers[0].Invoke != b.Named["n2"] {
		t.Error("error route invoke not resolved")
	}
	if _, ok := b.Named["unused"]; !ok {
		t.Error("uninvoked named route not lowered")
	}
	sub := rs[2].Handlers[0]
	if sub.Routes == nil || len(sub.Routes.Routes) != 2 || sub.Routes.Groups != 1 || sub.Errors == nil {
		t.Errorf("subroute = %+v", sub)
	}
	if sub.Routes.Path != "apps.http.servers.b.routes[2].handle[0].routes" {
		t.Errorf("subroute path %q", sub.Routes.Path)
	}
	if rs[2].Group != "g" || rs[2].Source != &p.Config.Apps.HTTP.Servers["b"].Routes[2] {
		t.Errorf("route 2 group %q, source %p", rs[2].Group, rs[2].Source)
	}
	rp := rs[3].Handlers[0]
	if len(rp.RetryMatch) != 2 || rp.RetryMatch[1].Host[0] != "x.example" {
		t.Errorf("retry_match = %+v", rp.RetryMatch)
	}
	if len(rp.ResponseRoutes) != 2 || rp.ResponseRoutes[0] != nil || len(rp.ResponseRoutes[1].Routes) != 1 {
		t.Errorf("handle_response lists = %+v", rp.ResponseRoutes)
	}
}

func TestLowerErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"invoke cycle", `{"apps":{"http":{"servers":{"s":{"routes":[{"handle":[{"handler":"invoke","name":"a"}]}],
			"named_routes":{"a":{"handle":[{"handler":"subroute","routes":[{"handle":[{"handler":"invoke","name":"b"}]}]}]},"b":{"handle":[{"handler":"invoke","name":"a"}]}}}}}}}`,
			`apps.http.servers.s.named_routes.b.handle[0].name: invoke cycle: a -> b -> a`},
		{"self invoke", `{"apps":{"http":{"servers":{"s":{"named_routes":{"a":{"handle":[{"handler":"invoke","name":"a"}]}}}}}}}`,
			`apps.http.servers.s.named_routes.a.handle[0].name: invoke cycle: a -> a`},
		{"unknown invoke", wrapRoutes(`[{"handle":[{"handler":"invoke","name":"nope"}]}]`),
			`apps.http.servers.srv0.routes[0].handle[0].name: invoke: no named route "nope" in this server`},
		{"bad path_regexp", wrapRoutes(`[{"match":[{"path_regexp":{"pattern":"("}}]}]`),
			"apps.http.servers.srv0.routes[0].match[0].path_regexp.pattern: error parsing regexp: missing closing ): `(`"},
		{"bad header_regexp in not", wrapRoutes(`[{"match":[{"not":[{"header_regexp":{"X":{"pattern":"[z-a]"}}}]}]}]`),
			"apps.http.servers.srv0.routes[0].match[0].not[0].header_regexp.X.pattern: error parsing regexp: invalid character class range: `z-a`"},
		{"bad remote_ip", wrapRoutes(`[{"match":[{"remote_ip":{"ranges":["10.0.0.0/33"]}}]}]`),
			`apps.http.servers.srv0.routes[0].match[0].remote_ip.ranges[0]: invalid CIDR range "10.0.0.0/33"`},
		{"bad client_ip", wrapRoutes(`[{"match":[{"client_ip":{"ranges":["nope"]}}]}]`),
			`apps.http.servers.srv0.routes[0].match[0].client_ip.ranges[0]: invalid IP address "nope"`},
		{"duplicate host", wrapRoutes(`[{"match":[{"host":["a","A"]}]}]`),
			`apps.http.servers.srv0.routes[0].match[0].host[1]: duplicate host "A"`},
		{"status out of range", wrapRoutes(`[{"handle":[{"handler":"static_response","status_code":42}]}]`),
			`apps.http.servers.srv0.routes[0].handle[0].status_code: status code 42 out of range`},
		{"status not a number", wrapRoutes(`[{"handle":[{"handler":"error","status_code":"teapot"}]}]`),
			`apps.http.servers.srv0.routes[0].handle[0].status_code: status code "teapot" is neither an integer nor a placeholder`},
		{"file fs", wrapRoutes(`[{"handle":[{"handler":"file_server","fs":"embedded"}]}]`),
			`unsupported file system "embedded" at apps.http.servers.srv0.routes[0].handle[0].fs`},
		{"map outputs", wrapRoutes(`[{"handle":[{"handler":"map","destinations":["{a}","{b}"],"mappings":[{"input":"x","outputs":["1"]}]}]}]`),
			`apps.http.servers.srv0.routes[0].handle[0].mappings[0].outputs: 1 outputs for 2 destinations`},
		{"nested subroute error", wrapRoutes(`[{"handle":[{"handler":"subroute","routes":[{"handle":[{"handler":"rewrite","path_regexp":[{"find":"+"}]}]}]}]}]`),
			"apps.http.servers.srv0.routes[0].handle[0].routes[0].handle[0].path_regexp[0].find: error parsing regexp: missing argument to repetition operator: `+`"},
		{"handle_response route", wrapRoutes(`[{"handle":[{"handler":"reverse_proxy","upstreams":[{"dial":"a:1"}],"handle_response":[{"routes":[{"handle":[{"handler":"invoke","name":"x"}]}]}]}]}]`),
			`apps.http.servers.srv0.routes[0].handle[0].handle_response[0].routes[0].handle[0].name: invoke: no named route "x" in this server`},
		{"retry_match", wrapRoutes(`[{"handle":[{"handler":"reverse_proxy","upstreams":[{"dial":"a:1"}],"load_balancing":{"retry_match":[{"path_regexp":{"pattern":"*"}}]}}]}]`),
			"apps.http.servers.srv0.routes[0].handle[0].load_balancing.retry_match[0].path_regexp.pattern: error parsing regexp: missing argument to repetition operator: `*`"},
		{"weights", wrapRoutes(`[{"handle":[{"handler":"reverse_proxy","upstreams":[{"dial":"a:1"},{"dial":"b:1"}],"load_balancing":{"selection_policy":{"policy":"weighted_round_robin","weights":[1]}}}]}]`),
			`apps.http.servers.srv0.routes[0].handle[0].load_balancing.selection_policy.weights: 1 weights for 2 upstreams`},
		{"null handler", wrapRoutes(`[{"handle":[null]}]`), `apps.http.servers.srv0.routes[0].handle[0]: handler is null`},
		{"listen", `{"apps":{"http":{"servers":{"s":{"listen":["localhost"]}}}}}`,
			`apps.http.servers.s.listen[0]: invalid listen address "localhost": address localhost: missing port in address`},
		{"listen_protocols", `{"apps":{"http":{"servers":{"s":{"listen":[":1",":2"],"listen_protocols":[["h1"]]}}}}}`,
			`apps.http.servers.s.listen_protocols: 1 entries for 2 listen addresses`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Parse([]byte(tc.in))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			_, err = Lower(cfg)
			if err == nil || err.Error() != tc.want {
				t.Errorf("Lower error:\n got %v\nwant %s", err, tc.want)
			}
		})
	}
}

func TestParseListenAddr(t *testing.T) {
	tests := []struct {
		in   string
		want ListenAddr
		err  string
	}{
		{":443", ListenAddr{Raw: ":443", Network: "tcp", StartPort: 443, EndPort: 443}, ""},
		{"[::1]:80", ListenAddr{Raw: "[::1]:80", Network: "tcp", Host: "::1", StartPort: 80, EndPort: 80}, ""},
		{"udp6/:443", ListenAddr{Raw: "udp6/:443", Network: "udp6", StartPort: 443, EndPort: 443}, ""},
		{"fd/3", ListenAddr{Raw: "fd/3", Network: "fd", Host: "3"}, ""},
		{"fd/{env.FD}", ListenAddr{Raw: "fd/{env.FD}", Deferred: true}, ""},
		{":{env.PORT}", ListenAddr{Raw: ":{env.PORT}", Deferred: true}, ""},
		{":{vars.x}", ListenAddr{}, "only {env.*} placeholders"},
		{":{env.}", ListenAddr{}, "only {env.*} placeholders"},
		{":80-79", ListenAddr{}, "invalid port range"},
		{":70000", ListenAddr{}, "invalid port range"},
		{"sctp/:1", ListenAddr{}, "unknown network"},
		{"unix/", ListenAddr{}, "empty socket path"},
		{"fd/x", ListenAddr{}, "invalid file descriptor"},
	}
	for _, tc := range tests {
		got, err := ParseListenAddr(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseListenAddr(%q) error %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseListenAddr(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
}

// BenchmarkCandidates measures host dispatch for the first and the last
// of 256 sites: both are one map lookup.
func BenchmarkCandidates(b *testing.B) {
	var routes []string
	for i := range 256 {
		routes = append(routes, fmt.Sprintf(`{"match":[{"host":["site%d.example"]}],"terminal":true}`, i))
	}
	cfg, err := Parse([]byte(wrapRoutes("[" + strings.Join(routes, ",") + "]")))
	if err != nil {
		b.Fatal(err)
	}
	p, err := Lower(cfg)
	if err != nil {
		b.Fatal(err)
	}
	hi := p.Servers[0].Routes.Hosts
	for _, host := range []string{"site0.example", "site255.example"} {
		b.Run(host, func(b *testing.B) {
			for b.Loop() {
				if len(hi.Candidates(host)) != 1 {
					b.Fatal("want one candidate")
				}
			}
		})
	}
}

// TestCheckRegexpRemembersOnlyValid: a pattern that compiled is not
// compiled again, an invalid one is rejected every time with its path.
func TestCheckRegexpRemembersOnlyValid(t *testing.T) {
	for range 2 {
		if err := checkRegexp("a", "^/items/([a-z0-9-]+)$"); err != nil {
			t.Fatal(err)
		}
		if err := checkRegexp("b", "^/items/([a-z0-9-]+$"); err == nil || !strings.HasPrefix(err.Error(), "b: ") {
			t.Fatalf("invalid pattern: got %v, want an error at b", err)
		}
	}
	if _, ok := validRegexps.Load("^/items/([a-z0-9-]+)$"); !ok {
		t.Fatal("the valid pattern was not remembered")
	}
}
