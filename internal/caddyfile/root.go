package caddyfile

func init() {
	RegisterDirective("root", parseRoot)
}

// parseRoot parses "root [<matcher>] <path>" into a route with a vars
// handler setting "root", as Caddy's parseRoot. A root without a matcher
// (or with "*") is also recorded in BlockState["root"] for sibling
// directives (file_server, php_fastcgi...).
func parseRoot(h Helper) ([]ConfigValue, error) {
	h.Next() // directive name
	switch h.CountRemainingArgs() {
	case 0:
		return nil, h.Err("too few arguments; must have at least a root path")
	case 1, 2:
	default:
		return nil, h.Err("too many arguments; should only be a matcher and a path")
	}
	set, err := extractMatcherOrPath(h, "root path")
	if err != nil {
		return nil, err
	}
	root := h.Val()
	if h.NextBlock(0) {
		return nil, h.Err("root takes no block")
	}
	if set == nil {
		h.BlockState["root"] = root
	}
	return h.NewRoute(set, Obj{"handler": "vars", "root": root}), nil
}

// extractMatcherOrPath handles directives written "<dir> [<matcher>] <arg>"
// (root, rewrite), with the cursor on the directive name: a single argument
// is <arg> even if it looks like a matcher; with two, the first must be a
// matcher token (Caddy would silently take it as <arg> and drop the second).
// It returns the matcher set (nil if none) and leaves the cursor on <arg>.
func extractMatcherOrPath(h Helper, what string) (Obj, error) {
	if h.CountRemainingArgs() == 1 {
		h.NextArg()
		return nil, nil
	}
	set, err := h.ExtractMatcherSet()
	if err != nil {
		return nil, err
	}
	h.Next() // directive name again: extracting the matcher resets
	if h.CountRemainingArgs() != 1 {
		h.NextArg()
		return nil, h.Errf("too many arguments: %q is not a matcher token, expected [<matcher>] <%s>", h.Val(), what)
	}
	h.NextArg()
	return set, nil
}
