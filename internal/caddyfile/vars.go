package caddyfile

import "math"

func init() {
	RegisterHandlerDirective("vars", parseVars)
}

// parseVars parses the vars directive into a vars handler, as Caddy's
// VarsMiddleware.UnmarshalCaddyfile:
//
//	vars [<matcher>] [<name> <value>] {
//	    <name> <value>
//	    ...
//	}
//
// Unquoted values that read as an integer, a float or a boolean become JSON
// numbers and booleans (Dispenser.ScalarVal).
func parseVars(h Helper) (Obj, error) {
	h.Next() // directive name
	handler := Obj{}
	if h.NextArg() {
		if err := parseVar(h, handler); err != nil {
			return nil, err
		}
	}
	for h.NextBlock(0) {
		if err := parseVar(h, handler); err != nil {
			return nil, err
		}
	}
	handler["handler"] = "vars"
	return handler, nil
}

// parseVar reads "<name> <value>" with the cursor on the name into vars.
func parseVar(h Helper, vars Obj) error {
	name := h.Val()
	if !h.NextArg() {
		return h.ArgErr()
	}
	val, err := scalarValue(h)
	if err != nil {
		return err
	}
	vars[name] = val
	if h.NextArg() {
		return h.ArgErr()
	}
	return nil
}

// scalarValue returns the current token as Dispenser.ScalarVal does, and an
// error for values JSON cannot hold (an unquoted inf or NaN: Caddy drops the
// handler with a warning).
func scalarValue(h Helper) (any, error) {
	v := h.ScalarVal()
	if f, ok := v.(float64); ok && (math.IsInf(f, 0) || math.IsNaN(f)) {
		return nil, h.Errf("value %q is not a finite number; quote it to use it as a string", h.Val())
	}
	return v, nil
}
