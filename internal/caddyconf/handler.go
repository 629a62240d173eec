package caddyconf

import "encoding/json"

// HandlerModule is one element of a route's "handle" list: a handler named
// by its "handler" key. Value is one of *StaticResponse, *StaticError,
// *Headers, *Rewrite, *Vars, *MapHandler, *Authentication, *RequestBody,
// *Encode, *FileServer, *ReverseProxy, *Subroute, *Invoke, *CopyResponse,
// *CopyResponseHeaders or *ZeroserveCall.
type HandlerModule = Inline[handlers]

// handlers is the http.handlers namespace (inline key "handler").
type handlers struct{}

func (handlers) inlineKey() string { return "handler" }
func (handlers) kind() string      { return "handler" }
func (handlers) newModule(name string) Module {
	switch name {
	case "static_response":
		return new(StaticResponse)
	case "error":
		return new(StaticError)
	case "headers":
		return new(Headers)
	case "rewrite":
		return new(Rewrite)
	case "vars":
		return new(Vars)
	case "map":
		return new(MapHandler)
	case "authentication":
		return new(Authentication)
	case "request_body":
		return new(RequestBody)
	case "encode":
		return new(Encode)
	case "file_server":
		return new(FileServer)
	case "reverse_proxy":
		return new(ReverseProxy)
	case "subroute":
		return new(Subroute)
	case "invoke":
		return new(Invoke)
	case "copy_response":
		return new(CopyResponse)
	case "copy_response_headers":
		return new(CopyResponseHeaders)
	case "zeroserve_call":
		return new(ZeroserveCall)
	}
	return nil
}

// StaticResponse writes a fixed response, as Caddy's
// caddyhttp.StaticResponse.
type StaticResponse struct {
	// StatusCode is the status (default 200); may be a placeholder.
	StatusCode WeakString `json:"status_code,omitempty"`
	// Headers are response header fields to set.
	Headers map[string][]string `json:"headers,omitempty"`
	// Body is the response body (placeholders expanded).
	Body string `json:"body,omitempty"`
	// Close closes the connection after the response.
	Close bool `json:"close,omitempty"`
	// Abort closes the connection without a response.
	Abort bool `json:"abort,omitempty"`
}

// ModuleName returns "static_response".
func (*StaticResponse) ModuleName() string { return "static_response" }

// StaticError returns an error to the error routes, as Caddy's
// caddyhttp.StaticError (handler "error").
type StaticError struct {
	// Error is the message (placeholders expanded).
	Error string `json:"error,omitempty"`
	// StatusCode is the status (default 500); may be a placeholder.
	StatusCode WeakString `json:"status_code,omitempty"`
}

// ModuleName returns "error".
func (*StaticError) ModuleName() string { return "error" }

// Vars sets variables, as Caddy's caddyhttp.VarsMiddleware (handler
// "vars"): keys are variable names, values any JSON value (strings may
// hold placeholders).
type Vars map[string]any

// ModuleName returns "vars".
func (*Vars) ModuleName() string { return "vars" }

// MapHandler maps a source value to destination placeholders, as Caddy's
// maphandler.Handler (handler "map").
type MapHandler struct {
	// Source is the placeholder whose value is looked up.
	Source string `json:"source,omitempty"`
	// Destinations are the placeholders that receive the outputs.
	Destinations []string `json:"destinations,omitempty"`
	// Mappings are tried in order.
	Mappings []Mapping `json:"mappings,omitempty"`
	// Defaults are the outputs when no mapping matches.
	Defaults []string `json:"defaults,omitempty"`
}

// ModuleName returns "map".
func (*MapHandler) ModuleName() string { return "map" }

// Mapping is one input→outputs row, as Caddy's maphandler.Mapping.
type Mapping struct {
	// Input is an exact input value.
	Input string `json:"input,omitempty"`
	// InputRegexp is a regular expression input (captures usable as $1).
	InputRegexp string `json:"input_regexp,omitempty"`
	// Outputs are one value per destination (null leaves it unset).
	Outputs []any `json:"outputs,omitempty"`
}

// RequestBody limits or replaces the request body, as Caddy's
// requestbody.RequestBody.
type RequestBody struct {
	// MaxSize is the largest body in bytes.
	MaxSize int64 `json:"max_size,omitempty"`
	// Set replaces the body (placeholders expanded).
	Set string `json:"set,omitempty"`
}

// ModuleName returns "request_body".
func (*RequestBody) ModuleName() string { return "request_body" }

// Subroute runs a nested route list, as Caddy's caddyhttp.Subroute.
type Subroute struct {
	// Routes are run in order.
	Routes []Route `json:"routes,omitempty"`
	// Errors are run when Routes return an error.
	Errors *ErrorConfig `json:"errors,omitempty"`
}

// ModuleName returns "subroute".
func (*Subroute) ModuleName() string { return "subroute" }

// Invoke runs a named route of the server, as Caddy's caddyhttp.Invoke.
type Invoke struct {
	// Name is the key in the server's named_routes.
	Name string `json:"name,omitempty"`
}

// ModuleName returns "invoke".
func (*Invoke) ModuleName() string { return "invoke" }

// CopyResponse writes the upstream response held by a handle_response
// route, as Caddy's reverseproxy.CopyResponseHandler.
type CopyResponse struct {
	// StatusCode replaces the upstream status.
	StatusCode WeakString `json:"status_code,omitempty"`
}

// ModuleName returns "copy_response".
func (*CopyResponse) ModuleName() string { return "copy_response" }

// CopyResponseHeaders copies upstream response headers in a
// handle_response route, as Caddy's reverseproxy.CopyResponseHeadersHandler.
type CopyResponseHeaders struct {
	// Include lists the fields to copy (all when empty).
	Include []string `json:"include,omitempty"`
	// Exclude lists fields not to copy.
	Exclude []string `json:"exclude,omitempty"`
}

// ModuleName returns "copy_response_headers".
func (*CopyResponseHeaders) ModuleName() string { return "copy_response_headers" }

// ZeroserveCall calls a function of a loaded eBPF plugin (zeroserve's own
// handler, see reference §4.5): {"handler": "zeroserve_call", "script":
// "auth", "function": "check", "config": {...}}.
type ZeroserveCall struct {
	// Script names the loaded plugin.
	Script string `json:"script"`
	// Function names the plugin's zeroserve.call.<function> section.
	Function string `json:"function"`
	// Config is passed to the function as JSON, unchanged.
	Config json.RawMessage `json:"config,omitempty"`
}

// ModuleName returns "zeroserve_call".
func (*ZeroserveCall) ModuleName() string { return "zeroserve_call" }
