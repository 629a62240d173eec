package caddyfile

import "strings"

func init() {
	RegisterDirective("request_header", parseRequestHeader)
}

// parseRequestHeader parses the request_header directive into a headers
// handler on the request, as Caddy's parseReqHdrCaddyfile:
//
//	request_header [<matcher>] [+|-]<field> [<value|regexp>] [<replacement>]
func parseRequestHeader(h Helper) ([]ConfigValue, error) {
	h.Next() // directive name
	set, err := h.ExtractMatcherSet()
	if err != nil {
		return nil, err
	}
	h.Next() // directive name again: extracting the matcher resets
	if !h.NextArg() {
		return nil, h.ArgErr()
	}
	field := strings.TrimSuffix(h.Val(), ":")
	args := h.RemainingArgs()
	if len(args) > 2 {
		return nil, h.ArgErr()
	}
	var value string
	var replacement *string
	if len(args) > 0 {
		value = args[0]
	}
	if len(args) > 1 {
		replacement = &args[1]
	}
	if h.NextBlock(0) {
		return nil, h.Err("request_header takes no block")
	}
	var ops headerOps
	if err := applyHeaderOp(h, &ops, nil, field, value, replacement, 1+len(args)); err != nil {
		return nil, err
	}
	return h.NewRoute(set, Obj{"handler": "headers", "request": ops.obj()}), nil
}
