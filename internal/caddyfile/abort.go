package caddyfile

func init() {
	RegisterHandlerDirective("abort", parseAbort)
}

// parseAbort parses "abort [<matcher>]": a static_response handler that
// closes the connection without a response. It takes no arguments.
func parseAbort(h Helper) (Obj, error) {
	h.Next() // directive name
	if h.Next() {
		return nil, h.ArgErr()
	}
	return Obj{"handler": "static_response", "abort": true}, nil
}
