package caddyconf

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// wrapRoutes puts a routes array into a one-server http app.
func wrapRoutes(routes string) string {
	return `{"apps":{"http":{"servers":{"srv0":{"listen":[":80"],"routes":` + routes + `}}}}}`
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
		unsupported    bool
	}{
		{"unknown field in handler", wrapRoutes(`[{"handle":[{"handler":"static_response","bodyy":"x"}]}]`),
			`apps.http.servers.srv0.routes[0].handle[0]: unknown field "bodyy"`, false},
		{"unknown field in route", wrapRoutes(`[{},{},{},{"hanlde":[]}]`),
			`apps.http.servers.srv0.routes[3]: unknown field "hanlde"`, false},
		{"unsupported handler", wrapRoutes(`[{"handle":[{"handler":"vars"},{"handler":"templates"}]}]`),
			`unsupported handler "templates" at apps.http.servers.srv0.routes[0].handle[1]`, true},
		{"unsupported matcher", wrapRoutes(`[{"match":[{"host":["a"]},{"tls":{}}]}]`),
			`unsupported matcher "tls" at apps.http.servers.srv0.routes[0].match[1].tls`, true},
		{"unsupported matcher in not", wrapRoutes(`[{"match":[{"not":[{"bogus":1}]}]}]`),
			`unsupported matcher "bogus" at apps.http.servers.srv0.routes[0].match[0].not[0].bogus`, true},
		{"missing handler key", wrapRoutes(`[{"handle":[{"body":"x"}]}]`),
			`apps.http.servers.srv0.routes[0].handle[0]: module name not specified with "handler"`, false},
		{"handler name not a string", wrapRoutes(`[{"handle":[{"handler":7}]}]`),
			`apps.http.servers.srv0.routes[0].handle[0].handler: cannot use number 7 as a string`, false},
		{"wrong type", wrapRoutes(`[{"terminal":"yes"}]`),
			`apps.http.servers.srv0.routes[0].terminal: cannot use a string as a boolean`, false},
		{"int overflow", `{"apps":{"http":{"http_port":1e99}}}`,
			`apps.http.http_port: cannot use number 1e99 as an integer (int)`, false},
		{"routes not an array", wrapRoutes(`{}`),
			`apps.http.servers.srv0.routes: cannot use an object as an array`, false},
		{"unknown app", `{"apps":{"layer4":{}}}`, `unsupported app "layer4" at apps.layer4`, true},
		{"unknown top-level key", `{"apps":{},"adminn":{}}`, `unknown field "adminn"`, false},
		{"server name needing quotes", `{"apps":{"http":{"servers":{"a.b":{"listen":3}}}}}`,
			`apps.http.servers["a.b"].listen: cannot use number 3 as an array`, false},
		{"transport", wrapRoutes(`[{"handle":[{"handler":"reverse_proxy","transport":{"protocol":"fastcgi"}}]}]`),
			`unsupported transport "fastcgi" at apps.http.servers.srv0.routes[0].handle[0].transport`, true},
		{"selection policy field of another policy", wrapRoutes(`[{"handle":[{"handler":"reverse_proxy","load_balancing":{"selection_policy":{"policy":"query","field":"x"}}}]}]`),
			`apps.http.servers.srv0.routes[0].handle[0].load_balancing.selection_policy: unknown field "field"`, false},
		{"encoder", wrapRoutes(`[{"handle":[{"handler":"encode","encodings":{"br":{}}}]}]`),
			`unsupported encoder "br" at apps.http.servers.srv0.routes[0].handle[0].encodings.br`, true},
		{"hash", wrapRoutes(`[{"handle":[{"handler":"authentication","providers":{"http_basic":{"hash":{"algorithm":"scrypt"}}}}]}]`),
			`unsupported password hash "scrypt" at apps.http.servers.srv0.routes[0].handle[0].providers.http_basic.hash`, true},
		{"unsupported field", `{"apps":{"tls":{"session_tickets":{}}}}`,
			`unsupported field "session_tickets" at apps.tls.session_tickets`, true},
		{"bad duration", `{"apps":{"http":{"grace_period":"10 parsecs"}}}`,
			`apps.http.grace_period: time: unknown unit " parsecs" in duration "10 parsecs"`, false},
		{"duration as object", `{"apps":{"http":{"grace_period":{}}}}`,
			`apps.http.grace_period: cannot use an object as a duration (integer nanoseconds or string)`, false},
		{"weak string as array", wrapRoutes(`[{"handle":[{"handler":"static_response","status_code":[200]}]}]`),
			`apps.http.servers.srv0.routes[0].handle[0].status_code: cannot use an array as a string or number`, false},
		{"expression as number", wrapRoutes(`[{"match":[{"expression":1}]}]`),
			`apps.http.servers.srv0.routes[0].match[0].expression: cannot use number 1 as a string or an object`, false},
		{"expression unknown field", wrapRoutes(`[{"match":[{"expression":{"expr":"true","nam":"x"}}]}]`),
			`apps.http.servers.srv0.routes[0].match[0].expression: unknown field "nam"`, false},
		{"invalid JSON", `{"apps":`, `invalid JSON: unexpected end of JSON input`, false},
		{"not an object", `[]`, `cannot use an array as an object`, false},
		{"issuer", `{"apps":{"tls":{"automation":{"policies":[{"issuers":[{"module":"acme"},{"module":"vault"}]}]}}}}`,
			`unsupported issuer "vault" at apps.tls.automation.policies[0].issuers[1]`, true},
		{"log writer", `{"logging":{"logs":{"default":{"writer":{"output":"syslog"}}}}}`,
			`unsupported log writer "syslog" at logging.logs.default.writer`, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Parse([]byte(tc.in))
			if err == nil {
				t.Fatalf("Parse succeeded (%+v), want error %q", cfg, tc.want)
			}
			if err.Error() != tc.want {
				t.Errorf("error:\n got %q\nwant %q", err.Error(), tc.want)
			}
			if got := errors.Is(err, ErrUnsupported); got != tc.unsupported {
				t.Errorf("errors.Is(err, ErrUnsupported) = %v, want %v", got, tc.unsupported)
			}
			var pe *PathError
			var ue *UnsupportedError
			if !errors.As(err, &pe) && !errors.As(err, &ue) {
				t.Errorf("error %T is neither *PathError nor *UnsupportedError", err)
			}
		})
	}
}

func TestParseTyped(t *testing.T) {
	in := wrapRoutes(`[{
		"group": "g1",
		"match": [{"host": ["Example.com"], "path": ["/api/*"], "header": {"X-A": null, "X-B": ["1"]},
		           "expression": "{method} == 'GET'", "not": [{"method": ["POST"]}]},
		          {"expression": {"expr": "path('/x')", "name": "n"}}],
		"handle": [
			{"handler": "static_response", "status_code": "{http.error.status_code}", "body": "hi"},
			{"handler": "static_response", "status_code": 404},
			{"handler": "headers", "response": {"set": {"A": ["b"]}, "deferred": true, "require": {"status_code": [2]}}},
			{"handler": "reverse_proxy", "upstreams": [{"dial": "a:1"}], "transport": {"protocol": "http", "dial_timeout": "1d2h", "versions": ["1.1"]},
			 "load_balancing": {"selection_policy": {"policy": "cookie", "name": "lb", "fallback": {"policy": "round_robin"}}, "try_duration": 5000000000}},
			{"handler": "zeroserve_call", "script": "auth.o", "function": "check", "config": {"k": [1, "v"]}},
			{"handler": "vars", "root": "/srv", "n": 3}
		],
		"terminal": true
	}]`)
	cfg, err := Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	r := cfg.Apps.HTTP.Servers["srv0"].Routes[0]
	if r.Group != "g1" || !r.Terminal || len(r.Match) != 2 || len(r.Handle) != 6 {
		t.Fatalf("route = %+v", r)
	}
	m := r.Match[0]
	if m.Host[0] != "Example.com" || m.Path[0] != "/api/*" || m.Header["X-A"] != nil || m.Header["X-B"][0] != "1" {
		t.Errorf("matcher set 0 = %+v", m)
	}
	if _, ok := m.Header["X-A"]; !ok {
		t.Error(`header "X-A": null was dropped; it means "field absent"`)
	}
	if m.Expression.Expr != "{method} == 'GET'" || m.Not[0].Method[0] != "POST" {
		t.Errorf("expression/not = %+v %+v", m.Expression, m.Not)
	}
	if e := r.Match[1].Expression; e.Expr != "path('/x')" || e.Name != "n" {
		t.Errorf("object expression = %+v", e)
	}
	sr := r.Handle[0].Value.(*StaticResponse)
	if sr.StatusCode != "{http.error.status_code}" || sr.Body != "hi" {
		t.Errorf("static_response = %+v", sr)
	}
	if n, ok := r.Handle[1].Value.(*StaticResponse).StatusCode.Int(); !ok || n != 404 {
		t.Errorf("status 404 = %d, %v", n, ok)
	}
	h := r.Handle[2].Value.(*Headers)
	if h.Response.Set["A"][0] != "b" || !h.Response.Deferred || h.Response.Require.StatusCode[0] != 2 {
		t.Errorf("headers = %+v", h.Response)
	}
	rp := r.Handle[3].Value.(*ReverseProxy)
	tr := rp.Transport.Value.(*HTTPTransport)
	if time.Duration(tr.DialTimeout) != 26*time.Hour || tr.Versions[0] != "1.1" {
		t.Errorf("transport = %+v", tr)
	}
	cp := rp.LoadBalancing.SelectionPolicy.Value.(*CookiePolicy)
	if cp.Name != "lb" || cp.Fallback.Value.ModuleName() != "round_robin" {
		t.Errorf("cookie policy = %+v", cp)
	}
	if time.Duration(rp.LoadBalancing.TryDuration) != 5*time.Second {
		t.Errorf("try_duration = %v", rp.LoadBalancing.TryDuration)
	}
	zc := r.Handle[4].Value.(*ZeroserveCall)
	if zc.Script != "auth.o" || zc.Function != "check" || string(zc.Config) != `{"k": [1, "v"]}` {
		t.Errorf("zeroserve_call = %+v (config %s)", zc, zc.Config)
	}
	v := *r.Handle[5].Value.(*Vars)
	if v["root"] != "/srv" || v["n"] != float64(3) {
		t.Errorf("vars = %v", v)
	}
}

func TestParseWarnings(t *testing.T) {
	cfg, err := Parse([]byte(`{"admin":{"disabled":true},"apps":{"http":{"metrics":{}},"tls":{"cache":{"capacity":5}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range cfg.Warnings {
		got = append(got, w.Path)
	}
	want := "admin apps.http.metrics apps.tls.cache"
	if strings.Join(got, " ") != want {
		t.Errorf("warnings at %q, want %q", strings.Join(got, " "), want)
	}
}

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"10s", 10 * time.Second, true},
		{"1d", 24 * time.Hour, true},
		{"1.5d", 36 * time.Hour, true},
		{"1d12h30m", 36*time.Hour + 30*time.Minute, true},
		{"-2d", -48 * time.Hour, true},
		{"300ms", 300 * time.Millisecond, true},
		{"d", 0, false},
		{"1x", 0, false},
		{strings.Repeat("1", 1025) + "s", 0, false},
	}
	for _, tc := range tests {
		got, err := ParseDuration(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseDuration(%.20q) = %v, %v; want %v, ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestStringArray(t *testing.T) {
	cfg, err := Parse([]byte(`{"apps":{"http":{"servers":{"s":{"logs":{"logger_names":{"a":"one","b":["x","y"]}}}}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	ln := cfg.Apps.HTTP.Servers["s"].Logs.LoggerNames
	if strings.Join(ln["a"], ",") != "one" || strings.Join(ln["b"], ",") != "x,y" {
		t.Errorf("logger_names = %v", ln)
	}
}

// TestRoundTripDetectsDrops checks that the round-trip comparison used on
// the corpus does see a dropped or changed value.
func TestRoundTripDetectsDrops(t *testing.T) {
	in := []byte(wrapRoutes(`[{"handle":[{"handler":"static_response","body":"x","status_code":"201"}]}]`))
	cfg, err := Parse(in)
	if err != nil {
		t.Fatal(err)
	}
	if d := roundTripEqual(t, in, cfg); d != "" {
		t.Fatalf("unchanged config differs: %s", d)
	}
	cfg.Apps.HTTP.Servers["srv0"].Routes[0].Handle[0].Value.(*StaticResponse).Body = ""
	if d := roundTripEqual(t, in, cfg); !strings.Contains(d, "handle[0].body") {
		t.Errorf("dropped body not reported (diff %q)", d)
	}
}

func TestParseNesting(t *testing.T) {
	deep := func(n int) string {
		return wrapRoutes(`[{"match":[` + strings.Repeat(`{"not":[`, n) + `{}` + strings.Repeat(`]}`, n) + `]}]`)
	}
	if _, err := Parse([]byte(deep(200))); err != nil {
		t.Errorf("depth 200+: %v", err)
	}
	_, err := Parse([]byte(deep(300)))
	if err == nil || !strings.Contains(err.Error(), "more than 512") {
		t.Errorf("depth 600+: error %v, want nesting limit", err)
	}
	if n := nesting([]byte(`{"a":"[[[{{\"]]","b":[[1]]}`)); n != 3 {
		t.Errorf("nesting ignores strings: got %d, want 3", n)
	}
}
