package caddyfile

func init() {
	RegisterHandlerDirective("method", parseMethod)
}

// parseMethod parses "method [<matcher>] <method>" into a rewrite handler
// that changes the request method, as Caddy's parseCaddyfileMethod.
func parseMethod(h Helper) (Obj, error) {
	h.Next() // directive name
	if !h.NextArg() {
		return nil, h.ArgErr()
	}
	method := h.Val()
	if h.NextArg() {
		return nil, h.ArgErr()
	}
	if h.NextBlock(0) {
		return nil, h.Err("method takes no block")
	}
	handler := Obj{"handler": "rewrite"}
	if method != "" {
		handler["method"] = method
	}
	return handler, nil
}
