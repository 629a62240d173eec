package helpers

import (
	"encoding/json"
	"fmt"
	"net/textproto"
	"strconv"
	"strings"

	"github.com/zeroserve/zeroserve/internal/caddyconf"
	"github.com/zeroserve/zeroserve/internal/vm"
)

// CaddyHandler is the configuration of one zs_caddy_handle call, as the
// compiler stores it in read-only data: the handler's name and exactly
// one of the fields after it.
type CaddyHandler struct {
	// Handler is "static_response", "headers", "rewrite", "vars", "map"
	// or "error".
	Handler string `json:"handler"`
	// StaticResponse configures static_response.
	StaticResponse *CaddyStaticResponse `json:"static_response,omitempty"`
	// Headers configures headers.
	Headers *caddyconf.Headers `json:"headers,omitempty"`
	// Rewrite configures rewrite (uri, method, strip_path_prefix).
	Rewrite *caddyconf.Rewrite `json:"rewrite,omitempty"`
	// Vars configures vars.
	Vars map[string]any `json:"vars,omitempty"`
	// Map configures map.
	Map *caddyconf.MapHandler `json:"map,omitempty"`
	// Error configures error (caddyconf.StaticError, status as a string).
	Error *CaddyStaticError `json:"error,omitempty"`
	// ReverseProxy configures reverse_proxy (one static upstream so far).
	ReverseProxy *CaddyReverseProxy `json:"reverse_proxy,omitempty"`
}

// CaddyReverseProxy is the part of Caddy's reverse_proxy zeroserve runs so
// far: one upstream, "http://host:port". The compiler rejects every other
// field. As Caddy does without trusted_proxies, the request's own
// X-Forwarded-For, -Proto and -Host are replaced by the ones the proxy adds
// (client address, scheme, Host).
type CaddyReverseProxy struct {
	URL string `json:"url"`
}

// CaddyStaticError is caddyconf.StaticError with its status code as a
// plain string (a number or a placeholder).
type CaddyStaticError struct {
	Error      string `json:"error,omitempty"`
	StatusCode string `json:"status_code,omitempty"`
}

// CaddyStaticResponse is caddyconf.StaticResponse with its status code as
// a plain string (a number or a placeholder).
type CaddyStaticResponse struct {
	StatusCode string              `json:"status_code,omitempty"`
	Headers    map[string][]string `json:"headers,omitempty"`
	Body       string              `json:"body,omitempty"`
	Close      bool                `json:"close,omitempty"`
	Abort      bool                `json:"abort,omitempty"`
}

// Results of zs_caddy_handle.
const (
	// CaddyContinue: the handler called the next one.
	CaddyContinue = 0
	// CaddyStop: the handler answered (or aborted) and the chain ends.
	CaddyStop = 1
	// CaddyError: the handler returned an error (the error handler); the
	// chain unwinds to the nearest error routes (zs_caddy_error).
	CaddyError = 3
)

// handler is a parsed CaddyHandler.
type handler struct {
	static   *CaddyStaticResponse
	reqOps   *headerOps
	respOps  *respHeaderOps
	rewrite  *caddyconf.Rewrite
	vars     map[string]any
	varsKeys []string
	err      *CaddyStaticError
	mapper   *mapHandler
	proxyURL string
}

// zsCaddyHandle is zs_caddy_handle(cfg, len) -> 0 continue | 1 stop: run
// the Caddy handler whose JSON (a CaddyHandler) is at (cfg, len) on the
// request. A handler error (a status placeholder that is not a number, an
// invalid rewritten URI) traps, and the server answers 500 as Caddy does
// without error routes.
func zsCaddyHandle(c *vm.Context, p, n, _, _, _ uint64) (uint64, error) {
	k, err := current(c)
	if err != nil {
		return 0, err
	}
	h, err := cachedConfig(c, "zs_caddy_handle", p, n, parseHandler)
	if err != nil {
		return 0, err
	}
	return h.run(k.Ex)
}

func parseHandler(b []byte) (*handler, error) {
	var cfg CaddyHandler
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		return nil, err
	}
	h := &handler{}
	switch cfg.Handler {
	case "static_response":
		if cfg.StaticResponse == nil {
			return nil, fmt.Errorf("static_response without configuration")
		}
		h.static = cfg.StaticResponse
	case "headers":
		if cfg.Headers == nil {
			return nil, fmt.Errorf("headers without configuration")
		}
		var err error
		if h.reqOps, err = newHeaderOps(cfg.Headers.Request); err != nil {
			return nil, err
		}
		if r := cfg.Headers.Response; r != nil {
			ops, err := newHeaderOps(&r.HeaderOps)
			if err != nil {
				return nil, err
			}
			h.respOps = &respHeaderOps{ops: ops, deferred: r.Deferred, require: r.Require}
		}
	case "rewrite":
		if cfg.Rewrite == nil {
			return nil, fmt.Errorf("rewrite without configuration")
		}
		if err := CheckRewrite(cfg.Rewrite); err != nil {
			return nil, err
		}
		h.rewrite = cfg.Rewrite
	case "vars":
		h.vars = cfg.Vars
		h.varsKeys = sortedKeys(cfg.Vars)
	case "map":
		if cfg.Map == nil {
			return nil, fmt.Errorf("map without configuration")
		}
		m, err := newMapHandler(cfg.Map)
		if err != nil {
			return nil, err
		}
		h.mapper = m
	case "error":
		if cfg.Error == nil {
			return nil, fmt.Errorf("error without configuration")
		}
		h.err = cfg.Error
	case "reverse_proxy":
		if cfg.ReverseProxy == nil || !strings.HasPrefix(cfg.ReverseProxy.URL, "http://") {
			return nil, fmt.Errorf("reverse_proxy needs an http:// upstream URL")
		}
		h.proxyURL = cfg.ReverseProxy.URL
	default:
		return nil, fmt.Errorf("handler %q is not supported", cfg.Handler)
	}
	return h, nil
}

func (h *handler) run(ex *Exchange) (uint64, error) {
	repl := replacer{ex}
	switch {
	case h.proxyURL != "":
		if ex.Action != ActionNone {
			return 0, fmt.Errorf("zs_caddy_handle: reverse_proxy: the request already has a response")
		}
		for _, f := range [...]string{"X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host"} {
			ex.Req.Delete(f)
		}
		ex.Action, ex.Upstream = ActionProxy, h.proxyURL
		return CaddyStop, nil
	case h.static != nil:
		return staticResponse(h.static, ex, repl)
	case h.rewrite != nil:
		return CaddyContinue, rewrite(h.rewrite, ex, repl)
	case h.mapper != nil:
		ex.caddy.maps = append(ex.caddy.maps, h.mapper)
		return CaddyContinue, nil
	case h.err != nil:
		// Caddy's StaticError: status 500 unless given.
		status := 500
		if h.err.StatusCode != "" {
			n, err := strconv.Atoi(repl.replaceAll(h.err.StatusCode))
			if err != nil {
				return 0, fmt.Errorf("zs_caddy_handle: error status: %v", err)
			}
			status = n
		}
		ex.caddy.raised = &caddyError{status: status, message: repl.replaceKnown(h.err.Error)}
		return CaddyError, nil
	case h.vars != nil:
		for _, k := range h.varsKeys {
			v := h.vars[k]
			if s, ok := v.(string); ok {
				v = repl.replaceAll(s)
			}
			ex.caddy.setVar(repl.replaceAll(k), v)
		}
		return CaddyContinue, nil
	}
	// headers
	if h.reqOps != nil {
		ex.Req.Header = h.reqOps.apply(ex.Req.Header, repl)
	}
	if r := h.respOps; r != nil {
		if r.deferred || r.require != nil {
			ex.caddy.deferred = append(ex.caddy.deferred, r)
		} else {
			ex.ResponseHeader = r.ops.apply(ex.ResponseHeader, repl)
		}
	}
	return CaddyContinue, nil
}

// staticResponse is Caddy's StaticResponse.ServeHTTP.
func staticResponse(s *CaddyStaticResponse, ex *Exchange, repl replacer) (uint64, error) {
	if s.Abort {
		ex.Action = ActionAbort
		return CaddyStop, nil
	}
	if ex.Action != ActionNone {
		return 0, fmt.Errorf("zs_caddy_handle: the request already has a response")
	}
	if s.Close {
		ex.ResponseHeader = setField(ex.ResponseHeader, "Connection", "close")
	}
	for _, field := range sortedKeys(s.Headers) {
		name := textproto.CanonicalMIMEHeaderKey(repl.replaceKnown(field))
		ex.ResponseHeader = deleteFields(ex.ResponseHeader, func(n string) bool { return strings.EqualFold(n, name) })
		for _, v := range s.Headers[field] {
			ex.ResponseHeader = append(ex.ResponseHeader, Field{name, repl.replaceKnown(v)})
		}
	}
	body := repl.replaceKnown(s.Body)
	if body != "" && firstValue(ex.ResponseHeader, "Content-Type") == "" {
		ex.ResponseHeader = setField(ex.ResponseHeader, "Content-Type", contentType(body))
	}
	status := 200
	if e := ex.caddy.inError; e != nil && e.status > 0 {
		status = e.status
	}
	if s.StatusCode != "" {
		n, err := strconv.Atoi(repl.replaceAll(s.StatusCode))
		if err != nil {
			return 0, fmt.Errorf("zs_caddy_handle: static_response status: %v", err)
		}
		status = n
	}
	if status < 200 || status > 999 {
		return 0, fmt.Errorf("zs_caddy_handle: static_response status %d outside 200..999", status)
	}
	writeHeader(ex, status)
	if len(body) > MaxBodyBytes {
		return 0, fmt.Errorf("zs_caddy_handle: body of %d bytes over the %d-byte limit", len(body), MaxBodyBytes)
	}
	ex.Response = Response{Status: status, Body: append(ex.Response.Body[:0], body...)}
	ex.Action = ActionRespond
	return CaddyStop, nil
}

// contentType is the type Caddy's static_response gives a body when none
// is set: JSON for a valid JSON object or array, else plain text.
func contentType(body string) string {
	c := strings.TrimSpace(body)
	if len(c) > 2 && (c[0] == '{' && c[len(c)-1] == '}' || c[0] == '[' && c[len(c)-1] == ']') && json.Valid([]byte(c)) {
		return "application/json"
	}
	return "text/plain; charset=utf-8"
}

// setField replaces every value of name with v.
func setField(h []Field, name, v string) []Field {
	h = deleteFields(h, func(n string) bool { return strings.EqualFold(n, name) })
	return append(h, Field{name, v})
}

// firstValue returns the first value of name, or "".
func firstValue(h []Field, name string) string {
	for _, f := range h {
		if strings.EqualFold(f.Name, name) {
			return f.Value
		}
	}
	return ""
}
