package caddyfile

func init() {
	RegisterHandlerDirective("route", parseRoute)
}

// parseRoute parses "route [<matcher>] { <directives...> }": a subroute
// whose directives run in the order written.
func parseRoute(h Helper) (Obj, error) {
	vals, err := parseSegmentAsConfig(h)
	if err != nil {
		return nil, err
	}
	for _, v := range vals {
		switch v.Value.(type) {
		case Route, []Route:
		default:
			return nil, h.Errf("%s directive returned something other than an HTTP route or subroute: %#v (only handler directives can be used in routes)", v.directive, v.Value)
		}
	}
	routes, err := buildSubroute(vals, h.groupCounter, nil)
	if err != nil {
		return nil, err
	}
	return subrouteHandler(routes), nil
}
