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
	var message string
	args := h.RemainingArgs()
	switch len(args) {
	case 1:
		if isStatusCode(args[0]) {
			handler["status_code"] = weakString(args[0])
		} else {
			message = args[0]
		}
	case 2:
		message = args[0]
		if args[1] != "" {
			handler["status_code"] = weakString(args[1])
		}
	default:
		return nil, h.ArgErr()
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
