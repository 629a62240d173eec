package caddyfile

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
)

// parseResponseMatcher parses a response matcher definition with the cursor
// before or on its name ("@name" or "match"), as Caddy's
// ParseNamedResponseMatcher:
//
//	<name> {
//	    header <field> [<value>]
//	    status <code...>
//	}
//	<name> header <field> [<value>] | status <code...>
//
// and returns its JSON ({"headers"?, "status_code"?}). Status classes are
// written "2xx" and stored as their first digit.
func parseResponseMatcher(d *caddyfile.Dispenser) (Obj, error) {
	if d.Val() == "" {
		d.Next()
	}
	matcher := Obj{}
	var headers any
	var codes []int
	for nesting := d.Nesting(); d.NextArg() || d.NextBlock(nesting); {
		switch d.Val() {
		case "header":
			var err error
			if headers, err = unmarshalMatcher("header", caddyfile.NewDispenser(d.NextSegment()), headers); err != nil {
				return nil, err
			}
			matcher["headers"] = headers
		case "status":
			args := d.RemainingArgs()
			if len(args) == 0 {
				return nil, d.ArgErr()
			}
			for _, arg := range args {
				if len(arg) == 3 && strings.HasSuffix(arg, "xx") {
					arg = arg[:1]
				}
				n, err := strconv.Atoi(arg)
				if err != nil {
					return nil, d.Errf("bad status value '%s': %v", arg, err)
				}
				codes = append(codes, n)
			}
			matcher["status_code"] = codes
		default:
			return nil, d.Errf("unrecognized response matcher %s", d.Val())
		}
	}
	return matcher, nil
}

// responseMatcherHeaders returns the header part of a response matcher
// parsed by parseResponseMatcher (nil if none).
func responseMatcherHeaders(m Obj) http.Header {
	hdr, _ := m["headers"].(http.Header)
	return hdr
}
