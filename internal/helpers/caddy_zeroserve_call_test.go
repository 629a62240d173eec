package helpers

import (
	"errors"
	"strings"
	"testing"
)

// applyReply parses reply and applies it as zeroserve_call's result on a
// fresh exchange, with the callee's own outcome own.
func applyReply(t testing.TB, reply string, own calleeOutcome) (*Exchange, uint64, error) {
	t.Helper()
	n, err := parseJSON([]byte(reply), &MemBudget{})
	if err != nil {
		return nil, 0, err
	}
	ex := &Exchange{Meta: map[string]string{}}
	z := &zeroserveCall{script: "s", function: "f"}
	r, err := z.apply(ex, n, &own)
	return ex, r, err
}

// TestZeroserveCallReply: each action's effect on the exchange, and the
// replies that are call failures (the handler's 500).
func TestZeroserveCallReply(t *testing.T) {
	ex, r, err := applyReply(t, `{"action":"respond","status":"418","body":"{\"a\":1}","headers":{"x-one":"1","X-Two":["a","b"]}}`, calleeOutcome{})
	if err != nil || r != CaddyStop || ex.Action != ActionRespond || ex.Response.Status != 418 || string(ex.Response.Body) != `{"a":1}` {
		t.Fatalf("respond: %v %d %+v", err, r, ex)
	}
	if got := fieldsString(ex.ResponseHeader); got != "X-One: 1|X-Two: a|X-Two: b|Content-Type: application/json" {
		t.Errorf("respond headers %s", got)
	}
	ex, r, err = applyReply(t, `{"action":"error","message":"no","status":451}`, calleeOutcome{})
	if err != nil || r != CaddyError || ex.caddy.raised == nil || ex.caddy.raised.status != 451 || ex.caddy.raised.message != "no" {
		t.Errorf("error: %v %d %+v", err, r, ex.caddy.raised)
	}
	ex, r, err = applyReply(t, `{"action":"error"}`, calleeOutcome{})
	if err != nil || r != CaddyError || ex.caddy.raised.status != 500 {
		t.Errorf("error default: %v %d %+v", err, r, ex.caddy.raised)
	}
	own := calleeOutcome{action: ActionRespond, response: Response{Status: 302, Body: []byte("moved")}}
	ex, r, err = applyReply(t, `{"action":"adopt_response"}`, own)
	if err != nil || r != CaddyStop || ex.Action != ActionRespond || ex.Response.Status != 302 || string(ex.Response.Body) != "moved" {
		t.Errorf("adopt: %v %d %+v", err, r, ex)
	}
	for reply, want := range map[string]string{
		`[]`:                                          "the reply is not a JSON object",
		`{"action":1}`:                                `the reply has no string "action"`,
		`{"action":"nope"}`:                           `unknown action "nope"`,
		`{"action":"respond","status":true}`:          "status is not a number",
		`{"action":"respond","status":1000}`:          `status "1000": want 200..999`,
		`{"action":"respond","body":1}`:               "respond body is not a string",
		`{"action":"respond","headers":[]}`:           "respond headers is not an object",
		`{"action":"respond","headers":{"a":[1]}}`:    "respond header A: values must be valid header strings",
		`{"action":"respond","headers":{"a":"x\ny"}}`: "respond header A: values must be valid header strings",
		`{"action":"proxy"}`:                          `proxy url "": want an http:// or https:// URL`,
		`{"action":"adopt_response"}`:                 "adopt_response, but the function made no response",
	} {
		_, _, err := applyReply(t, reply, calleeOutcome{})
		var f *callFailure
		if !errors.As(err, &f) || f.reason != want {
			t.Errorf("%s: %v, want %q", reply, err, want)
		}
	}
}

// fieldsString renders header fields as "Name: value|...".
func fieldsString(h []Field) string {
	var s []string
	for _, f := range h {
		s = append(s, f.Name+": "+f.Value)
	}
	return strings.Join(s, "|")
}

// FuzzZeroserveCallReply: any JSON reply either is applied (a known
// result, and a response only with a valid status and header) or is a
// call failure; nothing else happens and nothing panics.
func FuzzZeroserveCallReply(f *testing.F) {
	for _, s := range []string{
		`{"action":"continue"}`, `{"action":"abort"}`, `{"action":"proxy","url":"http://a:1"}`,
		`{"action":"respond","status":201,"body":"x","headers":{"a":["1","2"],"b":"3"}}`,
		`{"action":"error","status":"404","message":"m"}`, `{"action":"adopt_response"}`, `7`, `{"action":"respond","status":-1}`,
	} {
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, reply string, adopt bool) {
		own := calleeOutcome{}
		if adopt {
			own = calleeOutcome{action: ActionRespond, response: Response{Status: 200}}
		}
		ex, r, err := applyReply(t, reply, own)
		if ex == nil {
			return // not JSON
		}
		var cf *callFailure
		switch {
		case err != nil && !errors.As(err, &cf):
			t.Fatalf("%q: error %v is not a call failure", reply, err)
		case err != nil:
		case r != CaddyContinue && r != CaddyStop && r != CaddyError:
			t.Fatalf("%q: result %d", reply, r)
		case ex.Action == ActionRespond && (ex.Response.Status < 200 || ex.Response.Status > 999):
			t.Fatalf("%q: status %d", reply, ex.Response.Status)
		case ex.Action == ActionProxy && !strings.HasPrefix(ex.Upstream, "http"):
			t.Fatalf("%q: upstream %q", reply, ex.Upstream)
		}
		for _, h := range ex.ResponseHeader {
			if !isToken(h.Name) || !validFieldValue(h.Value) {
				t.Fatalf("%q: header %q", reply, h)
			}
		}
	})
}
