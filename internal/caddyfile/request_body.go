package caddyfile

func init() {
	RegisterHandlerDirective("request_body", parseRequestBody)
}

// parseRequestBody parses the request_body directive into a request_body
// handler, as Caddy's requestbody.parseCaddyfile:
//
//	request_body [<matcher>] {
//	    max_size <size>
//	    set      <body>
//	}
//
// <size> is a byte size such as 10MB or 1.5KiB (humanize.ParseBytes).
func parseRequestBody(h Helper) (Obj, error) {
	h.Next() // directive name
	if h.NextArg() {
		return nil, h.ArgErr()
	}
	handler := Obj{"handler": "request_body"}
	for h.NextBlock(0) {
		switch h.Val() {
		case "max_size":
			var s string
			if !h.AllArgs(&s) {
				return nil, h.ArgErr()
			}
			size, err := parseByteSize(s)
			if err != nil {
				return nil, h.Errf("parsing max_size: %v", err)
			}
			if size > 1<<63-1 {
				return nil, h.Errf("parsing max_size: too large: %s", s)
			}
			if size > 0 {
				handler["max_size"] = int64(size)
			} else {
				delete(handler, "max_size")
			}
		case "set":
			var s string
			if !h.AllArgs(&s) {
				return nil, h.ArgErr()
			}
			if s != "" {
				handler["set"] = s
			} else {
				delete(handler, "set")
			}
		default:
			return nil, h.Errf("unrecognized request_body subdirective '%s'", h.Val())
		}
	}
	return handler, nil
}
