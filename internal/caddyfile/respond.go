package caddyfile

import "strconv"

func init() {
	RegisterHandlerDirective("respond", parseRespond)
}

// parseRespond parses the respond directive into a static_response handler,
// as Caddy's StaticResponse.UnmarshalCaddyfile:
//
//	respond [<matcher>] <status>|<body> [<status>] {
//	    body <text>
//	    close
//	}
//
// A single argument is the status if it is a positive 3-digit integer, else
// the body.
func parseRespond(h Helper) (Obj, error) {
	h.Next() // directive name
	handler := Obj{"handler": "static_response"}
	body, err := statusAndText(h, handler)
	if err != nil {
		return nil, err
	}
	for h.NextBlock(0) {
		switch h.Val() {
		case "body":
			if body != "" {
				return nil, h.Err("body already specified")
			}
			if !h.AllArgs(&body) {
				return nil, h.ArgErr()
			}
		case "close":
			if handler["close"] != nil {
				return nil, h.Err("close already specified")
			}
			if h.NextArg() {
				return nil, h.ArgErr()
			}
			handler["close"] = true
		default:
			return nil, h.Errf("unrecognized subdirective '%s'", h.Val())
		}
	}
	if body != "" {
		handler["body"] = body
	}
	return handler, nil
}

// isStatusCode reports whether s is a positive 3-digit integer, which Caddy
// takes as a status code when it is the only argument of respond or error.
func isStatusCode(s string) bool {
	n, err := strconv.Atoi(s)
	return len(s) == 3 && err == nil && n > 0
}

// weakString returns the JSON value of a caddyhttp.WeakString holding s:
// true or false as booleans, an integer as a number, anything else (a
// placeholder) as a string.
func weakString(s string) any {
	switch s {
	case "true":
		return true
	case "false":
		return false
	}
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return s
}

// statusAndText reads the arguments shared by respond and error,
// "<status>|<text> [<status>]": a single argument is the status if it is a
// positive 3-digit integer, else the text. The status goes into handler's
// status_code; the text is returned.
func statusAndText(h Helper, handler Obj) (string, error) {
	args := h.RemainingArgs()
	switch len(args) {
	case 1:
		if isStatusCode(args[0]) {
			handler["status_code"] = weakString(args[0])
			return "", nil
		}
		return args[0], nil
	case 2:
		if args[1] != "" {
			handler["status_code"] = weakString(args[1])
		}
		return args[0], nil
	}
	return "", h.ArgErr()
}
