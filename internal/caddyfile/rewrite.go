package caddyfile

func init() {
	RegisterDirective("rewrite", parseRewrite)
}

// parseRewrite parses "rewrite [<matcher>] <to>" into a route with a
// rewrite handler setting the URI, as Caddy's parseCaddyfileRewrite.
func parseRewrite(h Helper) ([]ConfigValue, error) {
	h.Next() // directive name
	switch h.CountRemainingArgs() {
	case 0:
		return nil, h.Err("too few arguments; must have at least a rewrite URI")
	case 1, 2:
	default:
		return nil, h.Err("too many arguments; should only be a matcher and a URI")
	}
	set, err := extractMatcherOrPath(h, "URI")
	if err != nil {
		return nil, err
	}
	handler := Obj{"handler": "rewrite"}
	if uri := h.Val(); uri != "" {
		handler["uri"] = uri
	}
	if h.NextBlock(0) {
		return nil, h.Err("rewrite takes no block")
	}
	return h.NewRoute(set, handler), nil
}
