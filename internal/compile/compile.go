package compile

import (
	"sort"
	"strings"

	"github.com/zeroserve/zeroserve/internal/bpf"
	"github.com/zeroserve/zeroserve/internal/caddyconf"
)

// Options select what Compile compiles.
type Options struct {
	// Server names the server of apps.http.servers to compile; empty
	// compiles the only one (a config with several servers needs a name:
	// dispatching on the listener is not implemented yet).
	Server string
}

// Compile compiles one server of a lowered Caddy config into an object
// with a "zeroserve.request" section that serves requests as Caddy's
// route list does, calling the zs_caddy_* helpers (internal/helpers) for
// matching and handling. Anything the compiler or its helpers do not
// implement (a handler, matcher, field or placeholder) is an error naming
// it and its JSON path (*Error or *caddyconf.UnsupportedError).
//
// The generated code has this shape (see routes.go for each piece):
//
//	zeroserve.request:  the server's route list, its error routes, and
//	                    Caddy's answers when no route answered (request.go)
//	list_<path>:        a nested route list (subroute, invoke target)
//	route_<path>:       one route: group check, matcher sets, handlers
func Compile(p *caddyconf.Program, opts Options) (*bpf.Object, error) {
	sp, err := pickServer(p, opts.Server)
	if err != nil {
		return nil, err
	}
	c := &compiler{
		e:       NewEmitter(),
		lists:   map[*caddyconf.RouteList]*listFunc{},
		routes:  map[*caddyconf.LoweredRoute]Label{},
		server:  sp,
		checked: checkedConfigs{},
	}
	c.pre = precompute(sp)
	// About 12 instructions per helper configuration (its string, call,
	// result checks and the route around it).
	c.e.Grow(12 * (len(c.pre.matchers) + len(c.pre.handlers)))
	c.e.Section("zeroserve.request")
	if err := c.request(); err != nil {
		return nil, err
	}
	if err := c.drain(); err != nil {
		return nil, err
	}
	return c.e.Object()
}

// pickServer returns the server named name, or the only server.
func pickServer(p *caddyconf.Program, name string) (*caddyconf.ServerProgram, error) {
	if p == nil || len(p.Servers) == 0 {
		return nil, &Error{Path: "apps.http.servers", Msg: "no http server to compile"}
	}
	var names []string
	for _, sp := range p.Servers {
		if sp.Name == name || name == "" && len(p.Servers) == 1 {
			return sp, nil
		}
		names = append(names, sp.Name)
	}
	sort.Strings(names)
	if name == "" {
		return nil, &Error{Path: "apps.http.servers", Msg: "several servers (" + strings.Join(names, ", ") + "): choose one (compiling several into one object is not implemented yet)"}
	}
	return nil, &Error{Path: "apps.http.servers", Msg: "no server named " + name + " (have " + strings.Join(names, ", ") + ")"}
}

// sourceRoutes returns pointers to the routes of a source list, so the
// compiler can read what lowering drops (group names).
func sourceRoutes(rs []caddyconf.Route) []*caddyconf.Route {
	out := make([]*caddyconf.Route, len(rs))
	for i := range rs {
		out[i] = &rs[i]
	}
	return out
}
