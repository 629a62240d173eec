package caddyfile

import (
	"strconv"
	"strings"
)

func init() {
	RegisterHandlerDirective("uri", parseURI)
}

// parseURI parses the uri directive into a rewrite handler, as Caddy's
// parseCaddyfileURI:
//
//	uri [<matcher>] strip_prefix <target>
//	uri [<matcher>] strip_suffix <target>
//	uri [<matcher>] replace      <find> <replace> [<limit>]
//	uri [<matcher>] path_regexp  <find> <replace>
//	uri [<matcher>] query        [-|+]<param> [<value>|<find> <replace>] | <param>><new>
//	uri [<matcher>] query {
//	    <query operations, one per line>
//	}
func parseURI(h Helper) (Obj, error) {
	h.Next() // directive name
	args := h.RemainingArgs()
	if len(args) < 1 {
		return nil, h.ArgErr()
	}
	handler := Obj{"handler": "rewrite"}
	switch args[0] {
	case "strip_prefix", "strip_suffix":
		if len(args) != 2 {
			return nil, h.ArgErr()
		}
		if args[1] != "" {
			handler["strip_path_"+strings.TrimPrefix(args[0], "strip_")] = args[1]
		}
	case "replace":
		if len(args) != 3 && len(args) != 4 {
			return nil, h.ArgErr()
		}
		sub := Obj{}
		if args[1] != "" {
			sub["find"] = args[1]
		}
		if args[2] != "" {
			sub["replace"] = args[2]
		}
		if len(args) == 4 && args[3] != "" {
			limit, err := strconv.Atoi(args[3])
			if err != nil {
				return nil, h.Errf("limit must be an integer; invalid: %v", err)
			}
			if limit != 0 {
				sub["limit"] = limit
			}
		}
		handler["uri_substring"] = []Obj{sub}
	case "path_regexp":
		if len(args) != 3 {
			return nil, h.ArgErr()
		}
		re := Obj{}
		if args[1] != "" {
			re["find"] = args[1]
		}
		if args[2] != "" {
			re["replace"] = args[2]
		}
		handler["path_regexp"] = []Obj{re}
	case "query":
		if len(args) > 4 {
			return nil, h.ArgErr()
		}
		ops := queryOps{}
		if len(args) > 1 {
			if err := ops.apply(h, args[1:]); err != nil {
				return nil, err
			}
		}
		for h.NextBlock(0) {
			if len(args) > 1 {
				return nil, h.Err("Cannot specify uri query rewrites in both argument and block")
			}
			line := append([]string{h.Val()}, h.RemainingArgs()...)
			if err := ops.apply(h, line); err != nil {
				return nil, err
			}
		}
		handler["query"] = ops.obj()
		return handler, nil
	default:
		return nil, h.Errf("unrecognized URI manipulation '%s'", args[0])
	}
	if h.NextBlock(0) {
		return nil, h.Errf("uri %s takes no block", args[0])
	}
	return handler, nil
}

// queryOps collects the query operations of "uri query", in the order and
// JSON shape of Caddy's rewrite queryOps.
type queryOps struct {
	rename, set, add, replace []Obj
	del                       []string
}

// apply adds one query operation given as its arguments:
// -<param>, +<param> <value>, <param>><new>, <param> <find> <replace>, or
// <param> <value>.
func (q *queryOps) apply(h Helper, args []string) error {
	key := args[0]
	switch {
	case strings.HasPrefix(key, "-"):
		if len(args) != 1 {
			return h.ArgErr()
		}
		q.del = append(q.del, strings.TrimLeft(key, "-"))
	case strings.HasPrefix(key, "+"):
		if len(args) != 2 {
			return h.ArgErr()
		}
		q.add = append(q.add, keyVal(strings.TrimLeft(key, "+"), args[1]))
	case strings.Contains(key, ">"):
		if len(args) != 1 {
			return h.ArgErr()
		}
		parts := strings.Split(key, ">")
		q.rename = append(q.rename, keyVal(parts[0], parts[1]))
	case len(args) == 3:
		r := keyVal(key, "")
		if args[1] != "" {
			r["search_regexp"] = args[1]
		}
		if args[2] != "" {
			r["replace"] = args[2]
		}
		q.replace = append(q.replace, r)
	default:
		if len(args) != 2 {
			return h.ArgErr()
		}
		q.set = append(q.set, keyVal(key, args[1]))
	}
	return nil
}

// keyVal returns Caddy's queryOpsArguments JSON {"key"?, "val"?}.
func keyVal(key, val string) Obj {
	o := Obj{}
	if key != "" {
		o["key"] = key
	}
	if val != "" {
		o["val"] = val
	}
	return o
}

// obj returns the JSON object of q (empty lists omitted).
func (q *queryOps) obj() Obj {
	o := Obj{}
	for name, list := range map[string][]Obj{"rename": q.rename, "set": q.set, "add": q.add, "replace": q.replace} {
		if len(list) > 0 {
			o[name] = list
		}
	}
	if len(q.del) > 0 {
		o["delete"] = q.del
	}
	return o
}
