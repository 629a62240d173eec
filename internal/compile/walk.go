package compile

import "github.com/zeroserve/zeroserve/internal/caddyconf"

// walkRoutes visits every route list reachable from sp (its routes and
// error routes, then each handler's subroutes, error routes, invoked
// routes and response routes), each list once, depth first: route is
// called for a route before its handlers, handler for a handler before
// the lists it holds are walked. Either function may be nil.
func walkRoutes(sp *caddyconf.ServerProgram, route func(*caddyconf.LoweredRoute), handler func(*caddyconf.LoweredHandler)) {
	seen := map[*caddyconf.RouteList]bool{}
	var walk func(rl *caddyconf.RouteList)
	walk = func(rl *caddyconf.RouteList) {
		if rl == nil || seen[rl] {
			return
		}
		seen[rl] = true
		for _, r := range rl.Routes {
			if route != nil {
				route(r)
			}
			for _, h := range r.Handlers {
				if handler != nil {
					handler(h)
				}
				walk(h.Routes)
				walk(h.Errors)
				walk(h.Invoke)
				for _, rr := range h.ResponseRoutes {
					walk(rr)
				}
			}
		}
	}
	walk(sp.Routes)
	walk(sp.Errors)
}
