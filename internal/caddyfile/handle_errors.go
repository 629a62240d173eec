package caddyfile

import (
	"fmt"
	"strconv"
	"strings"
)

func init() {
	RegisterDirective("handle_errors", parseHandleErrors)
}

// parseHandleErrors parses "handle_errors [<status_codes...>] {
// <directives...> }": routes run when a handler returns an error, for the
// given codes (e.g. 404, 5xx) or all errors. The value of the "error_route"
// config value is the list of routes (one route holding the subroute).
func parseHandleErrors(h Helper) ([]ConfigValue, error) {
	h.Next()
	expression := ""
	args := h.RemainingArgs()
	if len(args) > 0 {
		var codes []string
		for _, val := range args {
			if len(val) != 3 {
				return nil, h.Errf("bad status value '%s'", val)
			}
			if strings.HasSuffix(val, "xx") {
				class := val[:1]
				if _, err := strconv.Atoi(class); err != nil {
					return nil, h.Errf("bad status value '%s': %v", class, err)
				}
				if expression != "" {
					expression += " || "
				}
				expression += fmt.Sprintf("{http.error.status_code} >= %s00 && {http.error.status_code} <= %s99", class, class)
				continue
			}
			if _, err := strconv.Atoi(val); err != nil {
				return nil, h.Errf("bad status value '%s': %v", val, err)
			}
			codes = append(codes, val)
		}
		if len(codes) > 0 {
			if expression != "" {
				expression += " || "
			}
			expression += "{http.error.status_code} in [" + strings.Join(codes, ", ") + "]"
		}
		// Position the cursor so the subroute parser sees the last code as
		// the directive and then the block.
		h.Reset()
		h.Next()
		h.RemainingArgs()
		h.Prev()
	} else {
		h.Prev()
	}
	sub, err := ParseSegmentAsSubroute(h)
	if err != nil {
		return nil, err
	}
	route := Route{Handle: []Obj{sub}}
	if expression != "" {
		route.MatcherSets = []Obj{{"expression": expression}}
	}
	return []ConfigValue{{Class: "error_route", Value: []Route{route}}}, nil
}
