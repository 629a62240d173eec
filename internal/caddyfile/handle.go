package caddyfile

import "strings"

func init() {
	RegisterHandlerDirective("handle", parseHandle)
	RegisterDirective("handle_path", parseHandlePath)
}

// parseHandle parses "handle [<matcher>] { <directives...> }": a subroute
// whose directives are sorted by directive order; handle blocks are
// mutually exclusive with each other.
func parseHandle(h Helper) (Obj, error) {
	return ParseSegmentAsSubroute(h)
}

// parseHandlePath parses "handle_path <path_matcher> { <directives...> }":
// like handle, but the matched path prefix is stripped first.
func parseHandlePath(h Helper) ([]ConfigValue, error) {
	h.Next()
	if !h.NextArg() {
		return nil, h.ArgErr()
	}
	path := h.Val()
	if !strings.HasPrefix(path, "/") {
		return nil, h.Errf("path matcher must begin with '/', got %s", path)
	}
	strip := strings.TrimSuffix(path, "*")
	if strings.HasSuffix(path, "/*") {
		strip = path[:len(path)-2]
	}
	// The subroute parser treats the path argument as the directive name.
	h.Reset()
	h.Next()
	sub, err := ParseSegmentAsSubroute(h)
	if err != nil {
		return nil, err
	}
	routes, _ := sub["routes"].([]Route)
	rewrite := Route{Handle: []Obj{{"handler": "rewrite", "strip_path_prefix": strip}}}
	sub["routes"] = append([]Route{rewrite}, routes...)
	return h.NewRoute(Obj{"path": []string{path}}, sub), nil
}
