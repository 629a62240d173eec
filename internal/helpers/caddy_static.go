package helpers

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/textproto"
	"slices"
	"strconv"
	"strings"
)

// CaddyStaticResponse configures static_response: caddyconf.StaticResponse
// with its status code as a plain string (a number or a placeholder).
type CaddyStaticResponse struct {
	StatusCode string              `json:"status_code,omitempty"`
	Headers    map[string][]string `json:"headers,omitempty"`
	Body       string              `json:"body,omitempty"`
	Close      bool                `json:"close,omitempty"`
	Abort      bool                `json:"abort,omitempty"`
}

// CaddyStaticError configures error: caddyconf.StaticError with its status
// code as a plain string (a number or a placeholder).
type CaddyStaticError struct {
	Error      string `json:"error,omitempty"`
	StatusCode string `json:"status_code,omitempty"`
}

func init() {
	registerCaddyHandler("static_response", configOf(func(s *CaddyStaticResponse) (caddyRunner, error) { return newStaticRunner(s), nil }))
	registerCaddyHandler("error", configOf(func(e *CaddyStaticError) (caddyRunner, error) { return e, nil }))
}

// staticRunner runs a static_response: its configuration with the header
// fields it sets put in order once, when the configuration is parsed.
type staticRunner struct {
	cfg    *CaddyStaticResponse
	fields []staticField // cfg.Headers by name, sorted
}

// staticField is a header field static_response sets.
type staticField struct {
	key    string   // the name as configured, maybe with placeholders
	name   string   // the canonical name when key has no braces, else ""
	values []string // maybe with placeholders
}

// newStaticRunner sorts s's header names (Caddy ranges over a map, in no
// set order; a fixed one keeps responses reproducible) and canonicalises
// those without placeholders.
func newStaticRunner(s *CaddyStaticResponse) *staticRunner {
	r := &staticRunner{cfg: s, fields: make([]staticField, 0, len(s.Headers))}
	for _, k := range sortedKeys(s.Headers) {
		f := staticField{key: k, values: s.Headers[k]}
		if !strings.ContainsAny(k, "{}") {
			f.name = textproto.CanonicalMIMEHeaderKey(k)
		}
		r.fields = append(r.fields, f)
	}
	return r
}

func (r *staticRunner) run(ex *Exchange, repl replacer) (uint64, error) {
	return staticResponse(r, ex, repl)
}

// run is Caddy's StaticError: it raises an error (status 500 unless
// given) that the nearest error routes handle.
func (e *CaddyStaticError) run(ex *Exchange, repl replacer) (uint64, error) {
	status := 500
	if e.StatusCode != "" {
		n, err := strconv.Atoi(repl.replaceAll(e.StatusCode))
		if err != nil {
			return raiseBadStatus(ex, err)
		}
		status = n
	}
	ex.caddy.raised = &caddyError{status: status, message: repl.replaceKnown(e.Error)}
	return CaddyError, nil
}

// raiseBadStatus raises the error Caddy's handlers return for a status
// that is not a number: 500 with strconv's message, for the error routes.
func raiseBadStatus(ex *Exchange, err error) (uint64, error) {
	ex.caddy.raised = &caddyError{status: 500, message: err.Error()}
	return CaddyError, nil
}

// staticResponse is Caddy's StaticResponse.ServeHTTP.
func staticResponse(r *staticRunner, ex *Exchange, repl replacer) (uint64, error) {
	s := r.cfg
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
	for _, f := range r.fields {
		name := f.name
		if name == "" {
			name = textproto.CanonicalMIMEHeaderKey(repl.replaceKnown(f.key))
		}
		ex.ResponseHeader = deleteFields(ex.ResponseHeader, func(n string) bool { return strings.EqualFold(n, name) })
		for _, v := range f.values {
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
			return raiseBadStatus(ex, err)
		}
		status = n
	}
	if status < 200 || status > 999 {
		return 0, fmt.Errorf("zs_caddy_handle: static_response status %d outside 200..999", status)
	}
	writeHeader(ex, status)
	switch {
	case status == 304:
		// Go's net/http, under Caddy, drops it (RFC 9110 §15.4.5).
		ex.ResponseHeader = deleteFields(ex.ResponseHeader, func(n string) bool { return strings.EqualFold(n, "Content-Type") })
	case body != "" && status != 204 && !slices.ContainsFunc(ex.ResponseHeader, isContentType) &&
		firstValue(ex.ResponseHeader, "Content-Encoding") == "":
		// A deferred operation deleted the type: Go's net/http, under
		// Caddy, then sniffs one from the body.
		ex.ResponseHeader = append(ex.ResponseHeader, Field{"Content-Type", http.DetectContentType([]byte(body))})
	}
	if len(body) > MaxBodyBytes {
		return 0, fmt.Errorf("zs_caddy_handle: body of %d bytes over the %d-byte limit", len(body), MaxBodyBytes)
	}
	ex.Response = Response{Status: status, Body: append(ex.Response.Body[:0], body...)}
	ex.Action = ActionRespond
	return CaddyStop, nil
}

// isContentType reports whether f is a Content-Type field.
func isContentType(f Field) bool { return strings.EqualFold(f.Name, "Content-Type") }

// contentType is the type Caddy's static_response gives a body when none
// is set: JSON for a valid JSON object or array, else plain text.
func contentType(body string) string {
	c := strings.TrimSpace(body)
	if len(c) > 2 && (c[0] == '{' && c[len(c)-1] == '}' || c[0] == '[' && c[len(c)-1] == ']') && json.Valid([]byte(c)) {
		return "application/json"
	}
	return "text/plain; charset=utf-8"
}
