package caddyfile

import (
	"net/http"
	"strings"
)

// headerOps is one set of header operations, as Caddy's headers.HeaderOps:
// add, set (field names canonicalised), delete, and regexp replacements.
type headerOps struct {
	add, set http.Header
	del      []string
	replace  map[string][]Obj
}

// respHeaderOps is headerOps for a response, as Caddy's
// headers.RespHeaderOps: optionally conditional on a response matcher
// (require) and deferred until the response is written.
type respHeaderOps struct {
	headerOps
	require  Obj
	deferred bool
}

// applyHeaderOp adds the operation written "<field> [<value> [<replacement>]]"
// to ops, as Caddy's applyHeaderOp: +field appends, -field deletes, ?field
// sets a default (response only: resp is not nil), a replacement makes value
// a regexp, >field sets with defer; else the field is set. resp, when not
// nil, is the response ops that ops belongs to.
func applyHeaderOp(h Helper, ops *headerOps, resp *respHeaderOps, field, value string, replacement *string, nargs int) error {
	switch {
	case strings.HasPrefix(field, "+"):
		if replacement != nil {
			return h.Errf("%s: a replacement cannot be given when adding a header field", field)
		}
		if ops.add == nil {
			ops.add = http.Header{}
		}
		ops.add.Add(field[1:], value)
	case strings.HasPrefix(field, "-"):
		if nargs > 1 {
			return h.Errf("%s: deleting a header field takes no value", field)
		}
		ops.del = append(ops.del, field[1:])
		if resp != nil {
			resp.deferred = true
		}
	case strings.HasPrefix(field, "?"):
		if resp == nil {
			return h.Errf("%v: the default header modifier ('?') can only be used on response headers; for conditional manipulation of request headers, use matchers", field)
		}
		if replacement != nil {
			return h.Errf("%s: a replacement cannot be given with a default header value", field)
		}
		field = field[1:]
		if resp.require == nil {
			resp.require = Obj{}
		}
		required, ok := resp.require["headers"].(http.Header)
		if !ok {
			required = http.Header{}
			resp.require["headers"] = required
		}
		required[field] = nil
		if ops.set == nil {
			ops.set = http.Header{}
		}
		ops.set.Set(field, value)
	case replacement != nil:
		if strings.HasPrefix(field, ">") && resp != nil {
			resp.deferred = true
		}
		if ops.replace == nil {
			ops.replace = map[string][]Obj{}
		}
		field = strings.TrimLeft(field, "+-?>")
		r := Obj{}
		if value != "" {
			r["search_regexp"] = value
		}
		if *replacement != "" {
			r["replace"] = *replacement
		}
		ops.replace[field] = append(ops.replace[field], r)
	case strings.HasPrefix(field, ">"):
		if ops.set == nil {
			ops.set = http.Header{}
		}
		ops.set.Set(field[1:], value)
		if resp != nil {
			resp.deferred = true
		}
	default:
		if ops.set == nil {
			ops.set = http.Header{}
		}
		ops.set.Set(field, value)
	}
	return nil
}

// empty reports whether ops holds no operation.
func (ops *headerOps) empty() bool {
	return ops.add == nil && ops.set == nil && ops.del == nil && ops.replace == nil
}

// obj returns the JSON object of ops (empty parts omitted).
func (ops *headerOps) obj() Obj {
	o := Obj{}
	if len(ops.add) > 0 {
		o["add"] = ops.add
	}
	if len(ops.set) > 0 {
		o["set"] = ops.set
	}
	if len(ops.del) > 0 {
		o["delete"] = ops.del
	}
	if len(ops.replace) > 0 {
		o["replace"] = ops.replace
	}
	return o
}

// obj returns the JSON object of resp.
func (resp *respHeaderOps) obj() Obj {
	o := resp.headerOps.obj()
	if resp.require != nil {
		o["require"] = resp.require
	}
	if resp.deferred {
		o["deferred"] = true
	}
	return o
}
