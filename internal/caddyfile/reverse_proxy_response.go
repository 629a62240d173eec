package caddyfile

import (
	"strconv"
	"strings"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
)

// responseHandler is one entry of reverse_proxy's handle_response, as
// Caddy's caddyhttp.ResponseHandler marshals it. Match is nil or an Obj;
// it is an interface so that an empty matcher still marshals as {}, as
// Caddy's pointer does.
type responseHandler struct {
	Match      any `json:"match,omitempty"`
	StatusCode any `json:"status_code,omitempty"`
	Routes     any `json:"routes,omitempty"`
}

// parseNamedResponseMatcher parses a response matcher definition (d
// before its first token, "@name" in reverse_proxy or "match" in encode)
// with parseResponseMatcher and stores it in matchers under that token,
// refusing to define a name twice, as Caddy's ParseNamedResponseMatcher.
func parseNamedResponseMatcher(d *caddyfile.Dispenser, matchers map[string]Obj) error {
	d.Next()
	name := d.Val()
	if _, ok := matchers[name]; ok {
		return d.Errf("matcher is defined more than once: %s", name)
	}
	m, err := parseResponseMatcher(d)
	if err != nil {
		return err
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
