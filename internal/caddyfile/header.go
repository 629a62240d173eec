package caddyfile

import (
	"net/http"
	"strings"
)

func init() {
	RegisterDirective("header", parseHeader)
}

// parseHeader parses the header directive (response headers), as Caddy's
// headers.parseCaddyfile:
//
//	header [<matcher>] [[+|-|?|>]<field> [<value|regexp>] [<replacement>]] {
//	    [+]<field> [<value|regexp> [<replacement>]]
//	    ?<field> <default_value>
//	    -<field>
//	    ><field>
//	    [defer]
//	    match <response matcher>
//	}
//
// It returns one headers handler for the plain operations (if any) and one
// more per "?" default, each requiring only its own field to be absent. A
// field may end with ":" in the block. Deleting a field, ">" and "defer"
// defer the operations until the response is written.
func parseHeader(h Helper) ([]ConfigValue, error) {
	h.Next() // directive name
	set, err := h.ExtractMatcherSet()
	if err != nil {
		return nil, err
	}
	h.Next() // directive name again: extracting the matcher resets

	main := &respHeaderOps{}
	var defaults []*respHeaderOps
	apply := func(field, value string, replacement *string, nargs int) error {
		if strings.HasPrefix(field, "?") {
			def := &respHeaderOps{}
			defaults = append(defaults, def)
			return applyHeaderOp(h, &def.headerOps, def, field, value, replacement, nargs)
		}
		return applyHeaderOp(h, &main.headerOps, main, field, value, replacement, nargs)
	}
	readOp := func(field string) error {
		args := h.RemainingArgs()
		if len(args) > 2 {
			return h.ArgErr()
		}
		var value string
		var replacement *string
		if len(args) > 0 {
			value = args[0]
		}
		if len(args) > 1 {
			replacement = &args[1]
		}
		return apply(field, value, replacement, 1+len(args))
	}

	hasArgs := false
	if h.NextArg() {
		hasArgs = true
		if err := readOp(h.Val()); err != nil {
			return nil, err
		}
	}
	var respMatcher Obj
	for h.NextBlock(0) {
		switch field := h.Val(); field {
		case "defer":
			if h.NextArg() {
				return nil, h.ArgErr()
			}
			main.deferred = true
		case "match":
			if respMatcher != nil {
				return nil, h.Err("response matcher already specified")
			}
			if respMatcher, err = parseResponseMatcher(h.NewFromNextSegment()); err != nil {
				return nil, err
			}
		default:
			if hasArgs {
				return nil, h.Err("cannot specify headers in both arguments and block")
			}
			if err := readOp(strings.TrimSuffix(field, ":")); err != nil {
				return nil, err
			}
		}
	}

	// the response matcher applies to the defaults too; a default already
	// requires its own field to be absent
	if respMatcher != nil {
		main.require = respMatcher
		for _, def := range defaults {
			if codes, ok := respMatcher["status_code"]; ok {
				def.require["status_code"] = codes
			}
			required, _ := def.require["headers"].(http.Header) // set by the "?" op
			for field, vals := range responseMatcherHeaders(respMatcher) {
				if _, ok := def.set[http.CanonicalHeaderKey(field)]; ok {
					if vals == nil {
						continue
					}
					return nil, h.Errf("cannot match on response header %s and also set a default for it", http.CanonicalHeaderKey(field))
				}
				required[field] = vals
			}
		}
	}

	var vals []ConfigValue
	if !main.empty() || main.require != nil || main.deferred {
		vals = append(vals, h.NewRoute(set, Obj{"handler": "headers", "response": main.obj()})...)
	}
	for _, def := range defaults {
		vals = append(vals, h.NewRoute(set, Obj{"handler": "headers", "response": def.obj()})...)
	}
	return vals, nil
}
