package caddyfile

func init() {
	RegisterHandlerDirective("error", parseError)
}

// parseError parses the error directive into an error handler, as Caddy's
// StaticError.UnmarshalCaddyfile:
//
//	error [<matcher>] <status>|<message> [<status>] {
//	    message <text>
//	}
//
// A single argument is the status if it is a positive 3-digit integer, else
// the message.
func parseError(h Helper) (Obj, error) {
	h.Next() // directive name
	handler := Obj{"handler": "error"}
	message, err := statusAndText(h, handler)
	if err != nil {
		return nil, err
	}
	for h.NextBlock(0) {
		switch h.Val() {
		case "message":
			if message != "" {
				return nil, h.Err("message already specified")
			}
			if !h.AllArgs(&message) {
				return nil, h.ArgErr()
			}
		default:
			return nil, h.Errf("unrecognized subdirective '%s'", h.Val())
		}
	}
	if message != "" {
		handler["error"] = message
	}
	return handler, nil
}
