package caddyfile

import (
	"net/http"
	"strings"
)

func init() {
	RegisterDirective("forward_auth", parseForwardAuth)
}

// parseForwardAuth parses the forward_auth directive, a reverse_proxy that
// asks an auth service first, as Caddy's forwardauth package expands it:
//
//	forward_auth [<matcher>] [<upstreams...>] {
//	    uri          <to>
//	    copy_headers <fields...> {
//	        <fields...>
//	    }
//	    <any reverse_proxy subdirective>
//	}
//
// The proxy sends a GET to uri with X-Forwarded-Method and X-Forwarded-Uri;
// on a 2xx answer each copied header ("From>To" renames) is set on the
// original request (and removed when the auth response lacks it).
func parseForwardAuth(h Helper) ([]ConfigValue, error) {
	if !h.Next() {
		return nil, h.ArgErr()
	}
	matcherSet, err := h.ExtractMatcherSet()
	if err != nil {
		return nil, err
	}
	// As in Caddy, the segment is taken with the cursor reset, so it
	// starts with an empty token; once that is skipped, the reverse_proxy
	// parser below sees "forward_auth <upstreams...> { ... }".
	d := h.NewFromNextSegment()

	rp := &reverseProxy{
		reqHeaders: &headerOps{set: http.Header{
			"X-Forwarded-Method": {"{http.request.method}"},
			"X-Forwarded-Uri":    {"{http.request.uri}"},
		}},
		Rewrite: &proxyRewrite{Method: "GET"},
	}

	// Take out the forward_auth subdirectives, which reverse_proxy does
	// not know, deleting their tokens as Caddy does.
	copyHeaders := map[string]string{}
	for d.Next() {
		for d.NextBlock(0) {
			if d.Nesting() != 1 {
				continue
			}
			switch d.Val() {
			case "uri":
				if !d.NextArg() {
					return nil, d.ArgErr()
				}
				if rp.Rewrite.URI != "" {
					return nil, d.Errf("cannot re-declare uri: %s", d.Val())
				}
				rp.Rewrite.URI = d.Val()
				d.DeleteN(2)
			case "copy_headers":
				args := d.RemainingArgs()
				hadBlock := false
				for nesting := d.Nesting(); d.NextBlock(nesting); {
					hadBlock = true
					args = append(args, d.Val())
				}
				d.DeleteN(len(args) + 1)
				if hadBlock {
					d.DeleteN(2)
				}
				for _, field := range args {
					from, to, rename := strings.Cut(field, ">")
					if !rename {
						to = from
					} else if strings.Contains(to, ">") {
						return nil, d.Errf("copy_headers: invalid header rename '%s': expecting From>To", field)
					}
					copyHeaders[from] = to
				}
				if len(copyHeaders) == 0 {
					return nil, d.ArgErr()
				}
			}
		}
	}
	d.Reset()
	if rp.Rewrite.URI == "" {
		return nil, d.Errf("the 'uri' subdirective is required")
	}

	good := responseHandler{
		Match:  Obj{"status_code": []int{2}},
		Routes: forwardAuthCopyRoutes(copyHeaders),
	}
	rp.HandleResponse = append(rp.HandleResponse, good)

	d.Next()
	if err := rp.unmarshal(d); err != nil {
		return nil, err
	}
	if err := rp.finalize(h); err != nil {
		return nil, err
	}
	handler, err := rp.obj()
	if err != nil {
		return nil, err
	}
	return h.NewRoute(matcherSet, handler), nil
}

// forwardAuthCopyRoutes returns the routes run on a 2xx auth response: a
// vars handler (so the routes are never empty), then per copied header,
// sorted by source name, a delete of the target header and a set from the
// auth response's header when that one is not empty.
func forwardAuthCopyRoutes(copyHeaders map[string]string) []Route {
	routes := []Route{{Handle: []Obj{{"handler": "vars"}}}}
	for _, from := range sortedKeys(copyHeaders) {
		to := http.CanonicalHeaderKey(copyHeaders[from])
		placeholder := "{http.reverse_proxy.header." + http.CanonicalHeaderKey(from) + "}"
		routes = append(routes,
			Route{Handle: []Obj{{"handler": "headers", "request": Obj{"delete": []string{to}}}}},
			Route{
				MatcherSets: []Obj{{"not": []Obj{{"vars": map[string][]string{placeholder: {""}}}}}},
				Handle:      []Obj{{"handler": "headers", "request": Obj{"set": map[string][]string{to: {placeholder}}}}},
			})
	}
	return routes
}
