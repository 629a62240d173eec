package helpers

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net/textproto"
	"strconv"
	"strings"

	"github.com/zeroserve/zeroserve/internal/static"
	"github.com/zeroserve/zeroserve/internal/vm"
)

// CaddyZeroserveCall configures zeroserve_call, zeroserve's own Caddy
// handler (reference §4.5): it calls section zeroserve.call.<Function> of
// the loaded script Script (with or without ".o" or ".c") with the JSON
// object {"version":1,"config":<Config, {} when absent>,"route":
// {"handler":"zeroserve_call"}} as its input, and applies the action of the
// object the callee returns:
//
//	{"action":"continue"}                                  the next handler runs
//	{"action":"respond","status":N,"body":"...","headers":{"Name":["v",...]}}
//	{"action":"proxy","url":"http://host:port[/base]"}    as zs_reverse_proxy
//	{"action":"abort"}                                     close, no response
//	{"action":"error","status":N,"message":"..."}          a Caddy error (handle_errors)
//	{"action":"adopt_response"}                            the callee's own zs_respond,
//	                                                       zs_reverse_proxy or zs_file_server
//
// A call that fails (the callee traps, returns no handle, or the calls are
// nested too deep), an unknown action and a malformed reply are a Caddy
// error with status 500 (the error routes run, if any); these and error
// actions are logged (Exchange.Log) with the reason. The callee shares the request, metadata, hooks, memory budget
// and fuel, as with zs_call.
type CaddyZeroserveCall struct {
	Script   string          `json:"script"`
	Function string          `json:"function"`
	Config   json.RawMessage `json:"config,omitempty"`
}

// zeroserveCall is a parsed zeroserve_call configuration.
type zeroserveCall struct {
	script, function string
	input            *jsonNode // the callee's input, copied for every call
}

func init() {
	registerCaddyHandler("zeroserve_call", configOf(newZeroserveCall))
}

// newZeroserveCall checks the names and builds the input document.
func newZeroserveCall(cfg *CaddyZeroserveCall) (caddyRunner, error) {
	if cfg.Script == "" || cfg.Function == "" {
		return nil, errors.New("zeroserve_call needs script and function")
	}
	config := []byte("{}")
	if len(cfg.Config) > 0 {
		config = cfg.Config
	}
	doc := `{"version":1,"config":` + string(config) + `,"route":{"handler":"zeroserve_call"}}`
	input, err := parseJSON([]byte(doc), &MemBudget{})
	if err != nil {
		return nil, fmt.Errorf("zeroserve_call config: %w", err)
	}
	return &zeroserveCall{script: cfg.Script, function: cfg.Function, input: input}, nil
}

// guestRunner is a handler that runs guest code, so it needs the running
// context (its fuel) and Call (its call depth): zs_caddy_handle calls
// runGuest instead of run for it.
type guestRunner interface {
	runGuest(c *vm.Context, k *Call) (uint64, error)
}

// run is never called: zs_caddy_handle runs zeroserve_call through
// runGuest. It is here so zeroserveCall is a caddyRunner.
func (z *zeroserveCall) run(*Exchange, replacer) (uint64, error) {
	return 0, errors.New("zeroserve_call needs a script context")
}

// callFailure is a failed call or an unusable reply: the handler's
// 500 error.
type callFailure struct{ reason string }

func (f *callFailure) Error() string { return f.reason }

// runGuest calls the function and applies its action. Traps of the
// caller (memory budget, fuel) are errors; call failures become a 500
// Caddy error.
func (z *zeroserveCall) runGuest(c *vm.Context, k *Call) (uint64, error) {
	ex := k.Ex
	reply, own, err := z.call(c, k)
	if err == nil {
		var r uint64
		r, err = z.apply(ex, reply, &own)
		own.release()
		if err == nil {
			return r, nil
		}
	} else {
		own.release()
	}
	var f *callFailure
	if !errors.As(err, &f) {
		return 0, err
	}
	if ex.Log != nil {
		ex.Log(k.Script, fmt.Sprintf("zeroserve_call %s %s: %s", z.script, z.function, f.reason))
	}
	ex.caddy.raised = &caddyError{status: 500, message: "zeroserve_call " + z.script + " " + z.function + ": " + f.reason}
	return CaddyError, nil
}

// calleeOutcome is what a run decided for the request itself (zs_respond,
// zs_reverse_proxy, zs_file_server, zs_abort): the callee's, kept for
// adopt_response, or the caller's, kept across the call.
type calleeOutcome struct {
	action   Action
	response Response
	upstream string
	proxy    *CaddyReverseProxy
	file     *static.Response
}

// takeOutcome takes the exchange's outcome out of it, leaving none.
func (ex *Exchange) takeOutcome() calleeOutcome {
	o := calleeOutcome{ex.Action, ex.Response, ex.Upstream, ex.Proxy, ex.File}
	ex.Action, ex.Response, ex.Upstream, ex.Proxy, ex.File = ActionNone, Response{}, "", nil, nil
	return o
}

// setOutcome puts o in the exchange.
func (ex *Exchange) setOutcome(o calleeOutcome) {
	ex.Action, ex.Response, ex.Upstream, ex.Proxy, ex.File = o.action, o.response, o.upstream, o.proxy, o.file
}

// call runs the callee on a copy of the input and returns its reply and
// its own outcome; the exchange's outcome is as before the call (but a
// zs_abort stands, as with zs_call). A file the callee opened and the
// handler does not adopt is closed by apply.
func (z *zeroserveCall) call(c *vm.Context, k *Call) (*jsonNode, calleeOutcome, error) {
	ex := k.Ex
	var own calleeOutcome
	if ex.Caller == nil {
		return nil, own, &callFailure{"no scripts to call"}
	}
	if k.depth+1 >= MaxCallDepth {
		return nil, own, &callFailure{fmt.Sprintf("calls nested %d deep", MaxCallDepth)}
	}
	used := ex.Mem.Used
	input, err := z.input.clone(ex.budget())
	if err != nil {
		return nil, own, err
	}
	if err := chargeSince(c, k, used); err != nil {
		return nil, own, err
	}
	callee := &Call{Ex: ex, Script: strings.TrimSuffix(strings.TrimSuffix(z.script, ".o"), ".c"), depth: k.depth + 1}
	if _, err := callee.objects.addTree(input); err != nil {
		return nil, own, err
	}
	var calldata [8]byte
	binary.LittleEndian.PutUint64(calldata[:], InputHandle)
	caller := ex.takeOutcome()
	fuel := c.FuelLeft()
	r0, left, err := ex.Caller.RunCall(callee, z.script, z.function, calldata[:], fuel)
	callee.FlushLog()
	own = ex.takeOutcome()
	if own.action == ActionAbort {
		caller.action = ActionAbort
	}
	ex.setOutcome(caller)
	if cerr := c.Charge(fuel - left); cerr != nil {
		return nil, own, cerr
	}
	if err != nil {
		return nil, own, &callFailure{"call failed: " + err.Error()}
	}
	if int64(r0) <= 0 {
		return nil, own, &callFailure{fmt.Sprintf("the function returned %d, not a JSON handle", int64(r0))}
	}
	out, err := callee.objects.lookup(r0)
	if err != nil {
		return nil, own, &callFailure{"the function returned no JSON handle: " + err.Error()}
	}
	return out.node, own, nil
}

// release closes a file the callee opened and nobody adopted.
func (o *calleeOutcome) release() {
	if o.file != nil {
		o.file.Close()
		o.file = nil
	}
}

// apply carries out the reply's action; adopt_response moves the callee's
// outcome own into the exchange.
func (z *zeroserveCall) apply(ex *Exchange, reply *jsonNode, own *calleeOutcome) (uint64, error) {
	if ex.Action == ActionAbort {
		return CaddyStop, nil // the callee called zs_abort
	}
	if reply.kind != jsonObject {
		return 0, &callFailure{"the reply is not a JSON object"}
	}
	action, ok := stringMember(reply, "action")
	if !ok {
		return 0, &callFailure{`the reply has no string "action"`}
	}
	switch action {
	case "continue":
		return CaddyContinue, nil
	case "abort":
		ex.Action = ActionAbort
		return CaddyStop, nil
	case "respond":
		return callRespond(ex, reply)
	case "proxy":
		u, _ := stringMember(reply, "url")
		if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") || len(u) > maxUpstreamURL {
			return 0, &callFailure{fmt.Sprintf("proxy url %q: want an http:// or https:// URL", u)}
		}
		ex.Action, ex.Upstream = ActionProxy, u
		return CaddyStop, nil
	case "error":
		status, err := statusMember(reply, 500)
		if err != nil {
			return 0, err
		}
		msg, _ := stringMember(reply, "message")
		if ex.Log != nil {
			ex.Log(z.script, fmt.Sprintf("zeroserve_call %s %s: error %d: %s", z.script, z.function, status, msg))
		}
		ex.caddy.raised = &caddyError{status: status, message: msg}
		return CaddyError, nil
	case "adopt_response":
		if own.action != ActionRespond && own.action != ActionProxy && own.action != ActionFile {
			return 0, &callFailure{"adopt_response, but the function made no response"}
		}
		ex.setOutcome(*own)
		*own = calleeOutcome{}
		if ex.Action == ActionRespond {
			writeHeader(ex, ex.Response.Status)
		}
		return CaddyStop, nil
	}
	return 0, &callFailure{fmt.Sprintf("unknown action %q", action)}
}

// callRespond answers with the reply's status (default 200), body and
// headers; a body without Content-Type gets Caddy's static_response
// default.
func callRespond(ex *Exchange, reply *jsonNode) (uint64, error) {
	status, err := statusMember(reply, 200)
	if err != nil {
		return 0, err
	}
	body := ""
	if b := reply.member("body"); b != nil {
		if b.kind != jsonString {
			return 0, &callFailure{"respond body is not a string"}
		}
		body = b.text
	}
	if len(body) > MaxBodyBytes {
		return 0, &callFailure{fmt.Sprintf("respond body of %d bytes over the %d-byte limit", len(body), MaxBodyBytes)}
	}
	header := ex.ResponseHeader
	if h := reply.member("headers"); h != nil {
		if h.kind != jsonObject {
			return 0, &callFailure{"respond headers is not an object"}
		}
		for _, m := range h.members {
			name := textproto.CanonicalMIMEHeaderKey(m.key)
			if !isToken(name) {
				return 0, &callFailure{fmt.Sprintf("respond header name %q is invalid", m.key)}
			}
			values := []*jsonNode{m.val}
			if m.val.kind == jsonArray {
				values = m.val.items
			}
			header = deleteFields(header, func(n string) bool { return strings.EqualFold(n, name) })
			for _, v := range values {
				if v.kind != jsonString || !validFieldValue(v.text) {
					return 0, &callFailure{fmt.Sprintf("respond header %s: values must be valid header strings", name)}
				}
				header = append(header, Field{name, v.text})
			}
		}
	}
	if body != "" && firstValue(header, "Content-Type") == "" {
		header = setField(header, "Content-Type", contentType(body))
	}
	ex.ResponseHeader = header
	writeHeader(ex, status)
	ex.Response = Response{Status: status, Body: append(ex.Response.Body[:0], body...)}
	ex.Action = ActionRespond
	return CaddyStop, nil
}

// stringMember returns the string value of key.
func stringMember(n *jsonNode, key string) (string, bool) {
	if v := n.member(key); v != nil && v.kind == jsonString {
		return v.text, true
	}
	return "", false
}

// statusMember reads "status" (an integer or a string of digits) in
// 200..999, or def when absent.
func statusMember(n *jsonNode, def int) (int, error) {
	v := n.member("status")
	if v == nil {
		return def, nil
	}
	if v.kind != jsonNumber && v.kind != jsonString {
		return 0, &callFailure{"status is not a number"}
	}
	s, err := strconv.Atoi(v.text)
	if err != nil || s < 200 || s > 999 {
		return 0, &callFailure{fmt.Sprintf("status %q: want 200..999", v.text)}
	}
	return s, nil
}
