package caddyfile

import (
	"fmt"
	"net/http"
	"strings"
)

// proxyHeaders is reverse_proxy's header manipulation, as Caddy's
// headers.Handler marshals when it is a field (not a module): request ops
// come from header_up, response ops from header_down.
type proxyHeaders struct {
	Request  *proxyHeaderOps `json:"request,omitempty"`
	Response *proxyHeaderOps `json:"response,omitempty"`
}

// proxyHeaderOps is one set of header operations, as Caddy's
// headers.HeaderOps marshals it.
type proxyHeaderOps struct {
	Add     map[string][]string             `json:"add,omitempty"`
	Set     map[string][]string             `json:"set,omitempty"`
	Delete  []string                        `json:"delete,omitempty"`
	Replace map[string][]proxyHeaderReplace `json:"replace,omitempty"`
}

// proxyHeaderReplace is one regexp substitution in a header value, as
// Caddy's headers.Replacement.
type proxyHeaderReplace struct {
	SearchRegexp string `json:"search_regexp,omitempty"`
	Replace      string `json:"replace,omitempty"`
}

// apply adds one header_up/header_down operation, with the prefixes of
// Caddy's headers.CaddyfileHeaderOp (request semantics; header_down uses
// the same, Caddy does not give it the response-only forms):
//
//	+field value          add
//	-field                delete
//	field value           set
//	field search replace  regexp replace
//	>field value          set ("defer" is a response-header feature)
func (ops *proxyHeaderOps) apply(field, value string, replacement *string) error {
	switch {
	case strings.HasPrefix(field, "+"):
		if ops.Add == nil {
			ops.Add = map[string][]string{}
		}
		key := http.CanonicalHeaderKey(field[1:])
		ops.Add[key] = append(ops.Add[key], value)
	case strings.HasPrefix(field, "-"):
		ops.Delete = append(ops.Delete, field[1:])
	case strings.HasPrefix(field, "?"):
		return fmt.Errorf("%v: the default header modifier ('?') can only be used on response headers; for conditional manipulation of request headers, use matchers", field)
	case replacement != nil:
		if ops.Replace == nil {
			ops.Replace = map[string][]proxyHeaderReplace{}
		}
		field = strings.TrimLeft(field, "+-?>")
		ops.Replace[field] = append(ops.Replace[field], proxyHeaderReplace{SearchRegexp: value, Replace: *replacement})
	case strings.HasPrefix(field, ">"):
		ops.set(field[1:], value)
	default:
		ops.set(field, value)
	}
	return nil
}

// set replaces the values of field by value under its canonical name.
func (ops *proxyHeaderOps) set(field, value string) {
	if ops.Set == nil {
		ops.Set = map[string][]string{}
	}
	ops.Set[http.CanonicalHeaderKey(field)] = []string{value}
}
