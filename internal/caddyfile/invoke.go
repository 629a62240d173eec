package caddyfile

func init() {
	RegisterHandlerDirective("invoke", parseInvoke)
}

// parseInvoke parses "invoke [<matcher>] <route_name>": run the named route
// &(route_name), which the core then adds to the server.
func parseInvoke(h Helper) (Obj, error) {
	h.Next()
	if !h.NextArg() {
		return nil, h.ArgErr()
	}
	name := h.Val()
	if h.Next() || h.NextBlock(0) {
		return nil, h.ArgErr()
	}
	names, ok := h.State[namedRouteKey].(map[string]struct{})
	if !ok {
		names = map[string]struct{}{}
		h.State[namedRouteKey] = names
	}
	names[name] = struct{}{}
	return Obj{"handler": "invoke", "name": name}, nil
}
