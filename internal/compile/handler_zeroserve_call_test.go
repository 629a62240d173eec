package compile

import (
	"errors"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/zeroserve/zeroserve/internal/caddyconf"
	"github.com/zeroserve/zeroserve/internal/caddyfile"
	"github.com/zeroserve/zeroserve/internal/helpers"
	"github.com/zeroserve/zeroserve/internal/script"
	"github.com/zeroserve/zeroserve/internal/vm"
)

// testdata/zcplug.c, compiled once per test run.
var (
	zcplugOnce sync.Once
	zcplugObj  []byte
	zcplugErr  error
)

// loadWithPlugin loads testdata/zcplug.c (compiled by clang) and then the
// compiled config into one chain, as `zeroserve --plugin zcplug.c --caddy`.
func loadWithPlugin(t *testing.T, elf []byte, jit vm.JITMode) *script.Chain {
	t.Helper()
	if _, err := exec.LookPath("clang"); err != nil {
		t.Skip("clang not installed (scripts/test installs it)")
	}
	h, err := script.NewHelpers()
	if err != nil {
		t.Fatal(err)
	}
	zcplugOnce.Do(func() { zcplugObj, zcplugErr = script.CompileC("testdata/zcplug.c") })
	if zcplugErr != nil {
		t.Fatal(zcplugErr)
	}
	plug, err := script.LoadObject("zcplug", zcplugObj, h, script.Options{JIT: jit})
	if err != nil {
		t.Fatal(err)
	}
	site, err := script.LoadObject("caddy", elf, h, script.Options{JIT: jit})
	if err != nil {
		t.Fatal(err)
	}
	ch := script.NewChain(plug, site)
	t.Cleanup(ch.Close)
	return ch
}

// callConfig is a server whose one route runs handler and then answers
// with the request's X-Signed header; its error routes answer with the
// error's status and message.
func callConfig(handler string) string {
	return `{"apps":{"http":{"servers":{"srv0":{"listen":[":80"],
		"routes":[{"handle":[` + handler + `,{"handler":"static_response","body":"after {http.request.header.X-Signed}"}]}],
		"errors":{"routes":[{"handle":[{"handler":"static_response","body":"error {http.error.status_code} {http.error.message}"}]}]}}}}}}`
}

// TestZeroserveCall: every action of the reply, adopt_response, the
// callee's own response thrown away, shared request changes, call failures
// as 500 errors through the error routes, the script found by its name
// with or without .c/.o, and fuel shared with the callee.
func TestZeroserveCall(t *testing.T) {
	call := func(script, fn, config string) string {
		h := `{"handler":"zeroserve_call","script":"` + script + `","function":"` + fn + `"`
		if config != "" {
			h += `,"config":` + config
		}
		return h + "}"
	}
	cases := []struct{ handler, want string }{
		{call("zcplug", "sign", ""), "200 after yes | Content-Type: text/plain; charset=utf-8"},
		{call("zcplug.o", "act", `{"action":"continue"}`), "200 after  | Content-Type: text/plain; charset=utf-8"},
		{call("zcplug.c", "act", `{"action":"respond","status":201,"body":"hi","headers":{"x-a":["1","2"],"X-B":"3"}}`),
			"201 hi | Content-Type: text/plain; charset=utf-8 | X-A: 1 | X-A: 2 | X-B: 3"},
		{call("zcplug", "act", `{"action":"respond","status":"204"}`), "204 "},
		{call("zcplug", "act", `{"action":"error","status":403,"message":"denied"}`), "403 error 403 denied | Content-Type: text/plain; charset=utf-8"},
		{call("zcplug", "act", `{"action":"abort"}`), "abort"},
		{call("zcplug", "abort", ""), "abort"},
		{call("zcplug", "echo", `{"k":"v","list":["a","b"]}`), `200 {"version":1,"config":{"k":"v","list":["a","b"]},"route":{"handler":"zeroserve_call"}}`},
		{call("zcplug", "echo", ""), `200 {"version":1,"config":{},"route":{"handler":"zeroserve_call"}}`},
		{call("zcplug", "discard", ""), "200 after  | Content-Type: text/plain; charset=utf-8"},
		{call("zcplug", "act", `{"action":"bogus"}`), "500 error 500 zeroserve_call zcplug act: unknown action \"bogus\" | Content-Type: text/plain; charset=utf-8"},
		{call("zcplug", "act", `{"no":"action"}`), "500 error 500 zeroserve_call zcplug act: the reply has no string \"action\" | Content-Type: text/plain; charset=utf-8"},
		{call("zcplug", "act", `{"action":"respond","status":99}`), "500 error 500 zeroserve_call zcplug act: status \"99\": want 200..999 | Content-Type: text/plain; charset=utf-8"},
		{call("zcplug", "act", `{"action":"respond","headers":{"bad name":"x"}}`), "500 error 500 zeroserve_call zcplug act: respond header name \"bad name\" is invalid | Content-Type: text/plain; charset=utf-8"},
		{call("zcplug", "act", `{"action":"proxy","url":"ftp://x"}`), "500 error 500 zeroserve_call zcplug act: proxy url \"ftp://x\": want an http:// or https:// URL | Content-Type: text/plain; charset=utf-8"},
		{call("zcplug", "act", `{"action":"adopt_response"}`), "500 error 500 zeroserve_call zcplug act: adopt_response, but the function made no response | Content-Type: text/plain; charset=utf-8"},
		{call("zcplug", "neg", ""), "500 error 500 zeroserve_call zcplug neg: the function returned -1, not a JSON handle | Content-Type: text/plain; charset=utf-8"},
		{call("nosuch", "act", ""), "500 error 500 zeroserve_call nosuch act: call failed: zs_call nosuch/act: no such script | Content-Type: text/plain; charset=utf-8"},
	}
	for _, jit := range engines {
		for _, c := range cases {
			ch := loadWithPlugin(t, compileJSON(t, []byte(callConfig(c.handler))), jit)
			if got := serve(t, ch, get("example.com/x")); got != c.want {
				t.Errorf("jit=%v %s:\n got %s\nwant %s", jit, c.handler, got, c.want)
			}
		}

		// A trap in the callee is a call failure, logged with its reason.
		ch := loadWithPlugin(t, compileJSON(t, []byte(callConfig(call("zcplug", "trap", "")))), jit)
		ex := newProbeExchange(t, get("example.com/x"))
		var logs []string
		ex.Log = func(s, line string) { logs = append(logs, s+": "+line) }
		if err := ch.Run(ex, script.DefaultFuel); err != nil || ex.Response.Status != 500 || !strings.HasPrefix(string(ex.Response.Body), "error 500 zeroserve_call zcplug trap: call failed:") {
			t.Errorf("trap: %v %d %s", err, ex.Response.Status, ex.Response.Body)
		}
		if len(logs) != 1 || !strings.Contains(logs[0], "zeroserve_call zcplug trap: call failed") {
			t.Errorf("trap logs %q", logs)
		}

		// proxy, from the reply or adopted from the callee.
		for _, h := range []string{call("zcplug", "act", `{"action":"proxy","url":"http://127.0.0.1:9/base"}`), call("zcplug", "selfproxy", "")} {
			ch = loadWithPlugin(t, compileJSON(t, []byte(callConfig(h))), jit)
			ex = newProbeExchange(t, get("example.com/x"))
			if err := ch.Run(ex, script.DefaultFuel); err != nil || ex.Action != helpers.ActionProxy || ex.Upstream != "http://127.0.0.1:9/base" {
				t.Errorf("%s: %v action %v upstream %q", h, err, ex.Action, ex.Upstream)
			}
		}

		// The callee spends the request's fuel: running out is the
		// request's trap, not a call failure.
		ch = loadWithPlugin(t, compileJSON(t, []byte(callConfig(call("zcplug", "spin", "")))), jit)
		ex = newProbeExchange(t, get("example.com/x"))
		var re *script.RunError
		if err := ch.Run(ex, 100_000); !errors.As(err, &re) {
			t.Errorf("spin: got %v, want a RunError", err)
		}
	}
}

// newProbeExchange is serve's exchange for p, for tests that look at more
// than the rendered response.
func newProbeExchange(t *testing.T, p probe) *helpers.Exchange {
	t.Helper()
	ex := &helpers.Exchange{Meta: map[string]string{}}
	ex.Req = helpers.Request{Method: p.method, Scheme: "http", ProtoMajor: 1, ProtoMinor: 1, Peer: "192.0.2.7:51000"}
	if err := ex.Req.SetURI(p.uri); err != nil {
		t.Fatal(err)
	}
	ex.Req.Header = []helpers.Field{{Name: "Host", Value: p.host}}
	return ex
}

// TestPluginCalls: the zeroserve_call handlers of a Caddyfile, found in
// nested routes with their JSON paths, checked against a loaded chain.
func TestPluginCalls(t *testing.T) {
	js, _, err := caddyfile.Adapt("Caddyfile", []byte(`example.com {
	route /s3/* {
		zeroserve_call zcplug.o sign {
			key "value"
		}
		respond "ok"
	}
	handle /b {
		zeroserve_call zcplug nosuchfn
	}
	handle_errors {
		zeroserve_call other act
	}
}`))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := caddyconf.Parse(js)
	if err != nil {
		t.Fatal(err)
	}
	prog, err := caddyconf.Lower(cfg)
	if err != nil {
		t.Fatal(err)
	}
	calls, err := PluginCalls(prog, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range calls {
		got = append(got, c.Script+" "+c.Function+" "+c.Path)
	}
	want := []string{
		"zcplug nosuchfn apps.http.servers.srv0.routes[0].handle[0].routes[0].handle[0].routes[0].handle[0]",
		"zcplug.o sign apps.http.servers.srv0.routes[0].handle[0].routes[1].handle[0].routes[0].handle[0]",
		"other act apps.http.servers.srv0.errors.routes[0].handle[0].routes[0].handle[0].routes[0].handle[0]",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("calls:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	ch := loadWithPlugin(t, compileJSON(t, js), vm.JITOff)
	var ce *helpers.CallError
	for i, wantErr := range []string{"the script has no section zeroserve.call.nosuchfn", "", "no such script"} {
		err := ch.CheckCall(calls[i].Script, calls[i].Function)
		if wantErr == "" && err != nil || wantErr != "" && (!errors.As(err, &ce) || ce.Reason != wantErr) {
			t.Errorf("CheckCall(%s, %s) = %v, want %q", calls[i].Script, calls[i].Function, err, wantErr)
		}
	}

	// (handle /b sorts before route /s3/*, as Caddy orders them.)

	// A config that is not an object is rejected with its path.
	bad := callConfig(`{"handler":"zeroserve_call","script":"a","function":"b","config":[1]}`)
	c, _ := caddyconf.Parse([]byte(bad))
	p, _ := caddyconf.Lower(c)
	if _, err := Compile(p, Options{}); err == nil || !strings.Contains(err.Error(), "routes[0].handle[0].config") {
		t.Errorf("array config: %v", err)
	}
}
