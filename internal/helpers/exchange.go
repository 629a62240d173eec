package helpers

import (
	"strings"

	"github.com/zeroserve/zeroserve/internal/static"
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
	// File is the response of ActionFile (zs_file_server, Caddy's
	// file_server): a file the server streams, then closes.
	File *static.Response
	// Site is the site's own files (a site tarball) that zs_file_server
	// and file_server without a root serve; nil when there are none.
	Site static.Source
	// Upstream is the URL of ActionProxy (zs_reverse_proxy).
	Upstream string
	// Proxy is the Caddy reverse_proxy handler of ActionProxy, nil for
	// zs_reverse_proxy.
	Proxy *CaddyReverseProxy
	// proxyUp is the backend of the proxy try placeholders see, nil
	// outside ProxyRequestHeader and ProxiedResponse.
	proxyUp *ProxyUpstream
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
	// Hooks are the response hooks scripts registered (hooks.go).
	Hooks []Hook
	// ResponseHeader is the header of the response being built by Caddy
	// handlers (zs_caddy_handle: static_response headers, headers handler
	// response ops), in order, names canonical. The server sends it with
	// the response, after the zs.response.header.* metadata; a plugin's
	// zs_respond keeps it.
	ResponseHeader []Field
	// Encoding is the response compression the last encode handler chose
	// (caddy_encode.go; read it with ResponseEncoding).
	Encoding Encoding
	// User is the user an authentication handler accepted
	// ({http.auth.user.id}, the access log's user_id), "" when none.
	User string
	// BodyLength is the length of the request body the server read
	// (request_body's max_size).
	BodyLength int64
	// Body is the request body the server read (zs_req_body_json), valid
	// until the exchange is reset.
	Body []byte
	// Conn describes the client connection (zs_connection_info); nil
	// reads as plain HTTP.
	Conn *ConnInfo
	// Async is the work of ActionAsync (async.go).
	Async func() AsyncResponse

	bodyLimit int64        // zs_req_body_limit's lowest limit: 0 none, -1 a limit of 0
	caddy     caddyState   // per-request state of the zs_caddy_* helpers
	root      Call         // the Call RootCall hands out
	proxied   HookResponse // ProxiedResponse's result, reused
	upHeader  []Field      // ProxyRequestHeader's result, reused
}

// Action is the outcome a script chose for the request.
type Action uint8

// Actions. The first script that sets one other than ActionNone ends the
// chain.
const (
	ActionNone    Action = iota // no decision yet: the next script runs
	ActionRespond               // send Response
	ActionAbort                 // close the connection without a response
	ActionProxy                 // forward the request to Upstream
	ActionFile                  // stream File
	ActionAsync                 // run Async off the loop, then send its response
)

// Response is an in-memory response set by zs_respond.
type Response struct {
	Status int
	Body   []byte
}

// Reset clears the exchange for a new request, keeping its allocations.
func (ex *Exchange) Reset() {
	ex.Req.Reset()
	if len(ex.Meta) > 0 {
		clear(ex.Meta)
	}
	if ex.File != nil {
		ex.File.Close() // decided, but never sent (a trap after it)
		ex.File = nil
	}
	ex.Action = ActionNone
	ex.Response = Response{Body: ex.Response.Body[:0]}
	ex.Upstream, ex.Proxy, ex.proxyUp = "", nil, nil
	ex.Mem = MemBudget{}
	ex.Hooks = nil
	clear(ex.ResponseHeader)
	ex.ResponseHeader = ex.ResponseHeader[:0]
	ex.Encoding, ex.User, ex.BodyLength = Encoding{}, "", 0
	ex.Body, ex.Conn, ex.Async, ex.bodyLimit = nil, nil, nil, 0
	ex.caddy.reset()
	clear(ex.proxied.Header)
	ex.proxied = HookResponse{Header: ex.proxied.Header[:0]}
	clear(ex.upHeader)
	ex.upHeader = ex.upHeader[:0]
}

// ResponseHeaderPrefix is the metadata prefix whose keys become response
// headers: zs.response.header.<name> = value.
const ResponseHeaderPrefix = "zs.response.header."

// ResponseHeaders calls fn for each zs.response.header.* metadata entry,
// with the header name (as given, after the prefix) and value.
func (ex *Exchange) ResponseHeaders(fn func(name, value string)) {
	if len(ex.Meta) == 0 {
		return
	}
	for k, v := range ex.Meta {
		if name, ok := strings.CutPrefix(k, ResponseHeaderPrefix); ok && name != "" {
			fn(name, v)
		}
	}
}
