package helpers

import (
	"strings"
)

// Exchange is the state of one request shared by every script and callee
// that runs for it: the live request (scripts may change it), the metadata
// map and the response the chain produced.
type Exchange struct {
	Req  Request
	Meta map[string]string
	// Action is what the chain decided; ActionNone lets the next script run.
	Action Action
	// Response is the response of ActionRespond.
	Response Response
	// Log receives the lines scripts log with zs_log; nil discards them.
	Log func(script, line string)
	// Config is the process-level configuration of the helpers (config.go);
	// nil means the defaults.
	Config *Config
	// Caller runs the zeroserve.call sections zs_call asks for; nil makes
	// zs_call return -1.
	Caller Caller
	// Mem is the request's host-memory budget (budget.go); Reset renews it.
	Mem MemBudget
}

// Action is the outcome a script chose for the request.
type Action uint8

// Actions. The first script that sets one other than ActionNone ends the
// chain.
const (
	ActionNone    Action = iota // no decision yet: the next script runs
	ActionRespond               // send Response
	ActionAbort                 // close the connection without a response
)

// Response is an in-memory response set by zs_respond.
type Response struct {
	Status int
	Body   []byte
}

// Reset clears the exchange for a new request, keeping its allocations.
func (ex *Exchange) Reset() {
	ex.Req.Reset()
	clear(ex.Meta)
	ex.Action = ActionNone
	ex.Response = Response{Body: ex.Response.Body[:0]}
	ex.Mem = MemBudget{}
}

// ResponseHeaderPrefix is the metadata prefix whose keys become response
// headers: zs.response.header.<name> = value.
const ResponseHeaderPrefix = "zs.response.header."

// ResponseHeaders calls fn for each zs.response.header.* metadata entry,
// with the header name (as given, after the prefix) and value.
func (ex *Exchange) ResponseHeaders(fn func(name, value string)) {
	for k, v := range ex.Meta {
		if name, ok := strings.CutPrefix(k, ResponseHeaderPrefix); ok && name != "" {
			fn(name, v)
		}
	}
}
