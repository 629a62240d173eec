package caddyfile

import "strings"

func init() {
	RegisterHandlerDirective("map", parseMap)
}

// parseMap parses the map directive into a map handler, as Caddy's
// maphandler.parseCaddyfile:
//
//	map [<matcher>] <source> <destinations...> {
//	    [~]<input> <outputs...>
//	    default    <defaults...>
//	}
//
// An input starting with "~" is a regexp. An output "-" is null (use the
// default); missing outputs are null, missing defaults empty strings.
// Unquoted outputs that read as numbers or booleans become JSON numbers and
// booleans (Dispenser.ScalarVal).
func parseMap(h Helper) (Obj, error) {
	h.Next() // directive name
	if !h.NextArg() {
		return nil, h.ArgErr()
	}
	handler := Obj{"handler": "map"}
	if source := h.Val(); source != "" {
		handler["source"] = source
	}
	dests := h.RemainingArgs()
	if len(dests) == 0 {
		return nil, h.Err("missing destination argument(s)")
	}
	for _, dest := range dests {
		if short := wasShorthand(dest); short != "" {
			return nil, h.Errf("destination %s conflicts with a Caddyfile placeholder shorthand", short)
		}
	}
	handler["destinations"] = dests

	var defaults []string
	var mappings []Obj
	for h.NextBlock(0) {
		if h.Val() == "default" {
			if len(defaults) > 0 {
				return nil, h.Err("defaults already defined")
			}
			defaults = h.RemainingArgs()
			if len(defaults) > len(dests) {
				return nil, h.Err("too many defaults")
			}
			for len(defaults) < len(dests) {
				defaults = append(defaults, "")
			}
			continue
		}
		in := h.Val()
		var outs []any
		for h.NextArg() {
			val, err := scalarValue(h)
			if err != nil {
				return nil, err
			}
			if val == "-" {
				val = nil
			}
			outs = append(outs, val)
		}
		if len(outs) > len(dests) {
			return nil, h.Err("too many outputs")
		}
		for len(outs) < len(dests) {
			outs = append(outs, nil)
		}
		mapping := Obj{"outputs": outs}
		if re, ok := strings.CutPrefix(in, "~"); ok {
			if re != "" {
				mapping["input_regexp"] = re
			}
		} else if in != "" {
			mapping["input"] = in
		}
		mappings = append(mappings, mapping)
	}
	if len(mappings) > 0 {
		handler["mappings"] = mappings
	}
	if len(defaults) > 0 {
		handler["defaults"] = defaults
	}
	return handler, nil
}
