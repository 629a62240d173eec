package caddyfile

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
)

// responseMatcher matches an upstream's response, as Caddy's
// caddyhttp.ResponseMatcher marshals it. A header mapped to nil matches
// when the header is absent.
type responseMatcher struct {
	StatusCode []int               `json:"status_code,omitempty"`
	Headers    map[string][]string `json:"headers,omitempty"`
}

// responseHandler is one entry of reverse_proxy's handle_response, as
// Caddy's caddyhttp.ResponseHandler marshals it.
type responseHandler struct {
	Match      *responseMatcher `json:"match,omitempty"`
	StatusCode any              `json:"status_code,omitempty"`
	Routes     any              `json:"routes,omitempty"`
}

// parseNamedResponseMatcher parses a response matcher definition into
// matchers, keyed by its first token ("@name" in reverse_proxy, "match" in
// encode), as Caddy's caddyhttp.ParseNamedResponseMatcher:
//
//	@name status <code...>
//	@name header <field> [<value>]
//	@name {
//	    status <code...>
//	    header <field> [<value>]
//	}
func parseNamedResponseMatcher(d *caddyfile.Dispenser, matchers map[string]*responseMatcher) error {
	d.Next()
	name := d.Val()
	if _, ok := matchers[name]; ok {
		return d.Errf("matcher is defined more than once: %s", name)
	}
	m := &responseMatcher{}
	for nesting := d.Nesting(); d.NextArg() || d.NextBlock(nesting); {
		switch d.Val() {
		case "header":
			if m.Headers == nil {
				m.Headers = map[string][]string{}
			}
			if err := parseResponseHeaderMatcher(d.NewFromNextSegment(), m.Headers); err != nil {
				return err
			}
		case "status":
			if m.StatusCode == nil {
				m.StatusCode = []int{}
			}
			args := d.RemainingArgs()
			if len(args) == 0 {
				return d.ArgErr()
			}
			for _, arg := range args {
				code, err := parseStatusClass(arg)
				if err != nil {
					return d.Errf("bad status value '%s': %v", arg, err)
				}
				m.StatusCode = append(m.StatusCode, code)
			}
		default:
			return d.Errf("unrecognized response matcher %s", d.Val())
		}
	}
	matchers[name] = m
	return nil
}

// parseStatusClass parses a status code or a class written "4xx" (which
// becomes 4, as Caddy encodes classes).
func parseStatusClass(s string) (int, error) {
	if len(s) == 3 && strings.HasSuffix(s, "xx") {
		s = s[:1]
	}
	return strconv.Atoi(s)
}

// parseResponseHeaderMatcher parses "header <field> [<value>]" into
// headers with the token rules of Caddy's MatchHeader.UnmarshalCaddyfile:
// "!field" matches a missing header, values are OR'ed under the
// canonical field name.
func parseResponseHeaderMatcher(d *caddyfile.Dispenser, headers map[string][]string) error {
	for d.Next() {
		var field string
		if !d.Args(&field) {
			return d.Errf("malformed header matcher: expected field")
		}
		if strings.HasPrefix(field, "!") {
			if len(field) == 1 {
				return d.Errf("malformed header matcher: must have field name following ! character")
			}
			headers[field[1:]] = nil
			if d.NextArg() {
				return d.Errf("malformed header matcher: null matching headers cannot have a field value")
			}
		} else {
			if !d.NextArg() {
				return d.Errf("malformed header matcher: expected both field and value")
			}
			key := http.CanonicalHeaderKey(field)
			headers[key] = append(headers[key], d.Val())
		}
		if d.NextBlock(0) {
			return d.Err("malformed header matcher: blocks are not supported")
		}
	}
	return nil
}

// parseCopyResponse parses the copy_response directive (valid only inside
// handle_response), as Caddy's CopyResponseHandler:
//
//	copy_response [<matcher>] [<status>] {
//	    status <status>
//	}
func parseCopyResponse(h Helper) (Obj, error) {
	h.Next()
	obj := Obj{"handler": "copy_response"}
	args := h.RemainingArgs()
	if len(args) == 1 {
		if n, err := strconv.Atoi(args[0]); err == nil && n > 0 {
			obj["status_code"] = weakString(args[0])
			return obj, nil
		}
	}
	// Caddy ignores other arguments here; we refuse to drop them silently.
	if len(args) > 0 {
		return nil, h.Errf("copy_response: invalid status argument(s) %q: expecting one positive integer", args)
	}
	for h.NextBlock(0) {
		switch h.Val() {
		case "status":
			if !h.NextArg() {
				return nil, h.ArgErr()
			}
			if h.Val() != "" {
				obj["status_code"] = weakString(h.Val())
			}
		default:
			return nil, h.Errf("unrecognized subdirective '%s'", h.Val())
		}
	}
	return obj, nil
}

// parseCopyResponseHeaders parses the copy_response_headers directive
// (valid only inside handle_response), as Caddy's
// CopyResponseHeadersHandler:
//
//	copy_response_headers [<matcher>] {
//	    include <fields...>
//	    exclude <fields...>
//	}
func parseCopyResponseHeaders(h Helper) (Obj, error) {
	h.Next()
	if h.NextArg() {
		return nil, h.ArgErr()
	}
	var include, exclude []string
	for h.NextBlock(0) {
		switch h.Val() {
		case "include":
			include = append(include, h.RemainingArgs()...)
		case "exclude":
			exclude = append(exclude, h.RemainingArgs()...)
		default:
			return nil, h.Errf("unrecognized subdirective '%s'", h.Val())
		}
	}
	obj := Obj{"handler": "copy_response_headers"}
	if len(include) > 0 {
		obj["include"] = include
	}
	if len(exclude) > 0 {
		obj["exclude"] = exclude
	}
	return obj, nil
}
