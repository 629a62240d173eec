package script

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/zeroserve/zeroserve/internal/helpers"
	"github.com/zeroserve/zeroserve/internal/vm"
	"github.com/zeroserve/zeroserve/internal/vm/abi"
)

// runPluginSet runs the plugin_set fixture for op with X-Arg arg (and more
// header pairs) on the request path?query.
func runPluginSet(t *testing.T, ch *Chain, path, op, arg string, hdr ...string) (*helpers.Exchange, error) {
	t.Helper()
	ex := newExchange("GET", path, "op="+op, append([]string{"X-Arg", arg}, hdr...)...)
	return ex, ch.Run(ex, DefaultFuel)
}

func wantBody(t *testing.T, what string, ex *helpers.Exchange, err error, body string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if ex.Action != helpers.ActionRespond || string(ex.Response.Body) != body {
		t.Errorf("%s: %v %q, want %q", what, ex.Action, ex.Response.Body, body)
	}
}

func wantTrap(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, abi.TrapHelper) {
		t.Errorf("%s: got %v, want a helper trap", what, err)
	}
}

// TestReplaceHeader: zs_req_replace_header on every value of a header
// (literal and regexp), "*" for every header; malformed operations trap.
func TestReplaceHeader(t *testing.T) {
	eachEngine(t, func(t *testing.T, mode vm.JITMode) {
		ch := loadFixtures(t, mode, "plugin_set")
		ex, err := runPluginSet(t, ch, "/", "replace", `{"name":"x-v","search":"a","replace":"b"}`, "X-V", "aXa", "x-v", "ca")
		wantBody(t, "literal", ex, err, "0")
		if got, _ := ex.Req.Get("X-V"); got != "bXb, cb" {
			t.Errorf("literal: X-V = %q", got)
		}
		ex, err = runPluginSet(t, ch, "/", "replace", `{"name":"X-V","search_regexp":"^(\\w+)-(\\w+)$","replace":"$2-$1"}`, "X-V", "one-two")
		wantBody(t, "regexp", ex, err, "0")
		if got, _ := ex.Req.Get("X-V"); got != "two-one" {
			t.Errorf("regexp: X-V = %q", got)
		}
		ex, err = runPluginSet(t, ch, "/", "replace", `{"name":"*","search":"q","replace":"Q"}`, "X-A", "q1", "X-B", "2q")
		wantBody(t, "star", ex, err, "0")
		if a, _ := ex.Req.Get("X-A"); a != "Q1" {
			t.Errorf("star: X-A = %q", a)
		}
		if b, _ := ex.Req.Get("X-B"); b != "2Q" {
			t.Errorf("star: X-B = %q", b)
		}
		for _, bad := range []string{
			`{"name":"x","search":"a"`,
			`{"name":"x","search":"a","replace":"b","extra":1}`,
			`{"name":"x","replace":"b"}`,
			`{"name":"x","search":"a","search_regexp":"a","replace":"b"}`,
			`{"name":"x","search_regexp":"(","replace":"b"}`,
			`{"name":"bad name","search":"a","replace":"b"}`,
			`{"name":"x-v","search":"a","replace":"\u0001"}`,
		} {
			_, err := runPluginSet(t, ch, "/", "replace", bad, "X-V", "a")
			wantTrap(t, bad, err)
		}
	})
}

// TestRewriteURIAndQuery: Caddy's rewrite path and query steps from JSON.
func TestRewriteURIAndQuery(t *testing.T) {
	eachEngine(t, func(t *testing.T, mode vm.JITMode) {
		ch := loadFixtures(t, mode, "plugin_set")
		for _, c := range []struct{ path, ops, want string }{
			{"/api/v1/users", `{"strip_path_prefix":"/api"}`, "/v1/users"},
			{"/page.html", `{"strip_path_suffix":".html"}`, "/page"},
			{"/a/foo/foo", `{"uri_substring":[{"find":"foo","replace":"bar","limit":1}]}`, "/a/bar/foo"},
			{"/img/1/2", `{"path_regexp":[{"find":"/(\\d+)/(\\d+)$","replace":"/$2/$1"}]}`, "/img/2/1"},
		} {
			ex, err := runPluginSet(t, ch, c.path, "rewrite_uri", c.ops)
			wantBody(t, c.ops, ex, err, "0")
			if ex.Req.Path != c.want {
				t.Errorf("%s on %s: path %q, want %q", c.ops, c.path, ex.Req.Path, c.want)
			}
		}
		ex := newExchange("GET", "/", "op=rewrite_query&a=1&b=2&c=3", "X-Arg",
			`{"rename":[{"key":"a","val":"x"}],"set":[{"key":"b","val":"B"}],"add":[{"key":"d","val":"4"}],"delete":["c"]}`)
		err := ch.Run(ex, DefaultFuel)
		wantBody(t, "query", ex, err, "0")
		if ex.Req.RawQuery != "b=B&d=4&op=rewrite_query&x=1" {
			t.Errorf("query: %q", ex.Req.RawQuery)
		}
		for _, bad := range []string{`{"method":"POST"}`, `{"uri":"/x"}`, `[]`, `{"path_regexp":[{"find":"(","replace":""}]}`} {
			_, err := runPluginSet(t, ch, "/", "rewrite_uri", bad)
			wantTrap(t, "rewrite_uri "+bad, err)
		}
		_, err = runPluginSet(t, ch, "/", "rewrite_query", `{"strip_path_prefix":"/a"}`)
		wantTrap(t, "rewrite_query with a path op", err)
	})
}

// TestRequestMatching: normalized path, query parameter and peer matches,
// handshake state, version.
func TestRequestMatching(t *testing.T) {
	eachEngine(t, func(t *testing.T, mode vm.JITMode) {
		ch := loadFixtures(t, mode, "plugin_set")
		ex, err := runPluginSet(t, ch, "/a%20b/c%C3%A9", "npath", "")
		wantBody(t, "npath", ex, err, "/a b/cé")
		for _, c := range []struct{ query, name, val, want string }{
			{"k=1&k=2", " k ", "2", "1"},
			{"k=1", "k", "3", "0"},
			{"k=", "k", "*", "1"},
			{"j=1", "k", "*", "0"},
			{"k=a+b", "k", "a b", "1"},
		} {
			ex := newExchange("GET", "/", "op=qpm&"+c.query, "X-Arg", c.val, "X-Name", c.name)
			err := ch.Run(ex, DefaultFuel)
			wantBody(t, "qpm "+c.query, ex, err, c.want)
		}
		for _, c := range []struct{ peer, ranges, want string }{
			{"127.0.0.1:5555", `["10.0.0.0/8","127.0.0.1"]`, "1"},
			{"192.168.1.9:80", `["192.168.0.0/16"]`, "1"},
			{"192.168.1.9:80", `["10.0.0.0/8"]`, "0"},
			{"[::ffff:10.1.2.3]:80", `["10.0.0.0/8"]`, "1"},
			{"[2001:db8::1]:443", `["2001:db8::/32"]`, "1"},
			{"127.0.0.1:1", `[]`, "0"},
		} {
			ex := newExchange("GET", "/", "op=ipm", "X-Arg", c.ranges)
			ex.Req.Peer = c.peer
			err := ch.Run(ex, DefaultFuel)
			wantBody(t, "ipm "+c.peer+" "+c.ranges, ex, err, c.want)
		}
		for _, bad := range []string{`["not-an-ip"]`, `["10.0.0.0/33"]`, `{"a":1}`, `[1]`} {
			_, err := runPluginSet(t, ch, "/", "ipm", bad)
			wantTrap(t, "ipm "+bad, err)
		}
		ex, err = runPluginSet(t, ch, "/", "tlshc", "")
		wantBody(t, "tlshc plain", ex, err, "0")
		ex = newExchange("GET", "/", "op=tlshc")
		ex.Req.TLS = true
		err = ch.Run(ex, DefaultFuel)
		wantBody(t, "tlshc tls", ex, err, "1")
		ex, err = runPluginSet(t, ch, "/", "version", "")
		wantBody(t, "version", ex, err, helpers.Version)
	})
}

// TestBodyJSON: zs_req_body_json parses the body (nested), gives -1 for
// empty, invalid or over-limit bodies; zs_req_body_limit lowers the limit
// (the lowest wins) and reports a body already over it.
func TestBodyJSON(t *testing.T) {
	eachEngine(t, func(t *testing.T, mode vm.JITMode) {
		ch := loadFixtures(t, mode, "plugin_set")
		run := func(body, limit string, hdr ...string) *helpers.Exchange {
			ex := newExchange("POST", "/", "op=body", append([]string{"X-Arg", limit}, hdr...)...)
			ex.Body = []byte(body)
			ex.BodyLength = int64(len(body))
			if err := ch.Run(ex, DefaultFuel); err != nil {
				t.Fatalf("body %q limit %q: %v", body, limit, err)
			}
			return ex
		}
		if ex := run(`{"a":[1,{"b":true}],"s":"x"}`, ""); string(ex.Response.Body) != `{"a":[1,{"b":true}],"s":"x"}` {
			t.Errorf("nested: %q", ex.Response.Body)
		}
		for _, body := range []string{"", "{", `{"a":1} x`} {
			if ex := run(body, ""); string(ex.Response.Body) != "-1" {
				t.Errorf("body %q: %q, want -1", body, ex.Response.Body)
			}
		}
		big := `"` + strings.Repeat("x", helpers.DefaultBodyJSONLimit) + `"`
		if ex := run(big, ""); string(ex.Response.Body) != "-1" {
			t.Errorf("over the default limit: %.20q", ex.Response.Body)
		}
		ex := run(`[1,2,3]`, "8")
		if string(ex.Response.Body) != "[1,2,3]" || ex.Meta["over"] != "0" {
			t.Errorf("limit 8: %q over=%s", ex.Response.Body, ex.Meta["over"])
		}
		ex = run(`[1,2,3]`, "4")
		if string(ex.Response.Body) != "-1" || ex.Meta["over"] != "1" {
			t.Errorf("limit 4: %q over=%s", ex.Response.Body, ex.Meta["over"])
		}
		ex = run(`1`, "0")
		if string(ex.Response.Body) != "-1" || ex.Meta["over"] != "1" {
			t.Errorf("limit 0: %q over=%s", ex.Response.Body, ex.Meta["over"])
		}
		ex = run(``, "8", "Content-Length", "100")
		if ex.Meta["over"] != "1" {
			t.Errorf("Content-Length over the limit: over=%s", ex.Meta["over"])
		}
	})
}

// TestResReplaceHeader: in a hook it edits the response header; in the
// request phase it traps.
func TestResReplaceHeader(t *testing.T) {
	eachEngine(t, func(t *testing.T, mode vm.JITMode) {
		ch := loadFixtures(t, mode, "plugin_set")
		arg := `{"name":"Set-Cookie","search":"Secure","replace":"Secure; HttpOnly"}`
		ex, err := runPluginSet(t, ch, "/", "hook", arg)
		wantBody(t, "hook", ex, err, "ok")
		res := helpers.HookResponse{Status: 200, Header: []helpers.Field{{Name: "Set-Cookie", Value: "a=1; Secure"}, {Name: "set-cookie", Value: "b=2; Secure"}, {Name: "X", Value: "Secure"}}}
		helpers.RunHooks(ex, &res, DefaultFuel)
		if got := fmt.Sprint(res.Header); got != "[{Set-Cookie a=1; Secure; HttpOnly} {set-cookie b=2; Secure; HttpOnly} {X Secure}]" {
			t.Errorf("header after the hook: %s", got)
		}
		_, err = runPluginSet(t, ch, "/", "res_replace", arg)
		wantTrap(t, "res_replace outside a hook", err)
	})
}

// TestConnectionInfo: the document for a plain request and for a TLS one
// the server described (Exchange.Conn).
func TestConnectionInfo(t *testing.T) {
	eachEngine(t, func(t *testing.T, mode vm.JITMode) {
		ch := loadFixtures(t, mode, "plugin_set")
		ex, err := runPluginSet(t, ch, "/", "conn", "")
		wantBody(t, "plain", ex, err, `{"tls":false,"tls_handshake_complete":false,"alpn":null,"sni":{"inner":null,"outer":null},"ech":null,"fingerprint":{"ja4":null},"tls_client":{"certificate":null,"chain_fingerprints_sha256":[]}}`)
		ex = newExchange("GET", "/", "op=conn")
		ex.Req.TLS = true
		ex.Conn = &helpers.ConnInfo{ALPN: "http/1.1", SNI: "a.test", JA4: "t13d0000h1_x_y"}
		err = ch.Run(ex, DefaultFuel)
		wantBody(t, "tls", ex, err, `{"tls":true,"tls_handshake_complete":true,"alpn":"http/1.1","sni":{"inner":"a.test","outer":"a.test"},"ech":null,"fingerprint":{"ja4":"t13d0000h1_x_y"},"tls_client":{"certificate":null,"chain_fingerprints_sha256":[]}}`)
	})
}
