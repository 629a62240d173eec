package caddyconf

import (
	"fmt"
	"sort"
	"strings"
)

// Lower checks the http app of cfg beyond its shape (regular expressions,
// IP ranges, status codes, hosts, listen addresses, invoke targets and
// cycles) and lowers it to a Program. Errors are *PathError or
// *UnsupportedError values with the JSON path.
func Lower(cfg *Config) (*Program, error) {
	p := &Program{Config: cfg}
	if cfg == nil || cfg.Apps == nil || cfg.Apps.HTTP == nil {
		return p, nil
	}
	names := make([]string, 0, len(cfg.Apps.HTTP.Servers))
	for name := range cfg.Apps.HTTP.Servers {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		srv := cfg.Apps.HTTP.Servers[name]
		path := joinKey("apps.http.servers", name)
		if srv == nil {
			return nil, &PathError{Path: path, Msg: "server is null"}
		}
		sp, err := lowerServer(path, name, srv)
		if err != nil {
			return nil, err
		}
		p.Servers = append(p.Servers, sp)
	}
	return p, nil
}

// lowerer lowers one server; it owns the named-route state.
type lowerer struct {
	srv   *Server
	path  string
	named map[string]*RouteList
	// visiting marks named routes being lowered, to find invoke cycles;
	// chain is the stack of their names.
	visiting map[string]bool
	chain    []string
}

func lowerServer(path, name string, srv *Server) (*ServerProgram, error) {
	sp := &ServerProgram{Name: name, Server: srv}
	if srv.ListenProtocols != nil && len(srv.ListenProtocols) != len(srv.Listen) {
		return nil, &PathError{Path: joinKey(path, "listen_protocols"),
			Msg: fmt.Sprintf("%d entries for %d listen addresses", len(srv.ListenProtocols), len(srv.Listen))}
	}
	for i, addr := range srv.Listen {
		la, err := ParseListenAddr(addr)
		if err != nil {
			return nil, &PathError{Path: joinIndex(joinKey(path, "listen"), i), Msg: err.Error()}
		}
		sp.Listen = append(sp.Listen, la)
	}
	l := &lowerer{srv: srv, path: path, named: make(map[string]*RouteList), visiting: make(map[string]bool)}
	// Named routes first, in name order, so each is checked even if no
	// route invokes it.
	names := make([]string, 0, len(srv.NamedRoutes))
	for n := range srv.NamedRoutes {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if _, err := l.namedRoute(n, joinKey(joinKey(path, "named_routes"), n)); err != nil {
			return nil, err
		}
	}
	var err error
	if sp.Routes, err = l.list(joinKey(path, "routes"), srv.Routes); err != nil {
		return nil, err
	}
	if srv.Errors != nil {
		if sp.Errors, err = l.list(joinKey(joinKey(path, "errors"), "routes"), srv.Errors.Routes); err != nil {
			return nil, err
		}
	}
	sp.Named = l.named
	return sp, nil
}

// namedRoute returns the lowered named route n, lowering it on first use.
func (l *lowerer) namedRoute(n, at string) (*RouteList, error) {
	if rl, ok := l.named[n]; ok {
		return rl, nil
	}
	route, ok := l.srv.NamedRoutes[n]
	if !ok || route == nil {
		return nil, &PathError{Path: at, Msg: fmt.Sprintf("invoke: no named route %q in this server", n)}
	}
	if l.visiting[n] {
		cycle := append(append([]string(nil), l.chain...), n)
		return nil, &PathError{Path: at, Msg: "invoke cycle: " + strings.Join(cycle, " -> ")}
	}
	l.visiting[n] = true
	l.chain = append(l.chain, n)
	path := joinKey(joinKey(l.path, "named_routes"), n)
	groups := make(map[string]int)
	lr, err := l.route(path, 0, route, groups)
	l.chain = l.chain[:len(l.chain)-1]
	delete(l.visiting, n)
	if err != nil {
		return nil, err
	}
	rl := &RouteList{Path: path, Routes: []*LoweredRoute{lr}, Groups: len(groups)}
	rl.Hosts = buildHostIndex(rl.Routes)
	l.named[n] = rl
	return rl, nil
}

// list lowers a route list.
func (l *lowerer) list(path string, routes []Route) (*RouteList, error) {
	rl := &RouteList{Path: path}
	groups := make(map[string]int)
	for i := range routes {
		lr, err := l.route(joinIndex(path, i), i, &routes[i], groups)
		if err != nil {
			return nil, err
		}
		rl.Routes = append(rl.Routes, lr)
	}
	rl.Groups = len(groups)
	rl.Hosts = buildHostIndex(rl.Routes)
	return rl, nil
}

func (l *lowerer) route(path string, index int, r *Route, groups map[string]int) (*LoweredRoute, error) {
	lr := &LoweredRoute{Index: index, Path: path, GroupID: -1, Group: r.Group, Source: r, Terminal: r.Terminal}
	if r.Group != "" {
		id, ok := groups[r.Group]
		if !ok {
			id = len(groups)
			groups[r.Group] = id
		}
		lr.GroupID = id
	}
	for i := range r.Match {
		ms, err := checkMatcherSet(joinIndex(joinKey(path, "match"), i), &r.Match[i])
		if err != nil {
			return nil, err
		}
		lr.Match = append(lr.Match, ms)
	}
	for i, h := range r.Handle {
		lh, err := l.handler(joinIndex(joinKey(path, "handle"), i), h.Value)
		if err != nil {
			return nil, err
		}
		lr.Handlers = append(lr.Handlers, lh)
	}
	return lr, nil
}

func (l *lowerer) handler(path string, m Module) (*LoweredHandler, error) {
	lh := &LoweredHandler{Path: path, Module: m}
	var err error
	switch h := m.(type) {
	case nil:
		return nil, &PathError{Path: path, Msg: "handler is null"}
	case *Subroute:
		if lh.Routes, err = l.list(joinKey(path, "routes"), h.Routes); err != nil {
			return nil, err
		}
		if h.Errors != nil {
			if lh.Errors, err = l.list(joinKey(joinKey(path, "errors"), "routes"), h.Errors.Routes); err != nil {
				return nil, err
			}
		}
	case *Invoke:
		if lh.Invoke, err = l.namedRoute(h.Name, joinKey(path, "name")); err != nil {
			return nil, err
		}
	case *ReverseProxy:
		if err := checkReverseProxy(path, h); err != nil {
			return nil, err
		}
		if lb := h.LoadBalancing; lb != nil {
			for i := range lb.RetryMatch {
				ms, err := checkMatcherSet(joinIndex(joinKey(joinKey(path, "load_balancing"), "retry_match"), i), &lb.RetryMatch[i])
				if err != nil {
					return nil, err
				}
				lh.RetryMatch = append(lh.RetryMatch, ms)
			}
		}
		for i, rh := range h.HandleResponse {
			var rl *RouteList
			if len(rh.Routes) > 0 {
				p := joinKey(joinIndex(joinKey(path, "handle_response"), i), "routes")
				if rl, err = l.list(p, rh.Routes); err != nil {
					return nil, err
				}
			}
			lh.ResponseRoutes = append(lh.ResponseRoutes, rl)
		}
	default:
		if err := checkHandler(path, m); err != nil {
			return nil, err
		}
	}
	return lh, nil
}

// buildHostIndex indexes routes by the exact hosts they are restricted to.
func buildHostIndex(routes []*LoweredRoute) *HostIndex {
	hi := &HostIndex{Exact: make(map[string][]int)}
	only := make(map[string][]int)
	for i, r := range routes {
		hi.All = append(hi.All, i)
		hosts, ok := exactHosts(r)
		if !ok {
			hi.Any = append(hi.Any, i)
			continue
		}
		for _, h := range hosts {
			if n := len(only[h]); n == 0 || only[h][n-1] != i {
				only[h] = append(only[h], i)
			}
		}
	}
	for h, ids := range only {
		hi.Exact[h] = mergeSorted(ids, hi.Any)
	}
	return hi
}

// exactHosts returns the hosts a route is restricted to: every matcher
// set must have a host matcher listing only plain ASCII names.
func exactHosts(r *LoweredRoute) ([]string, bool) {
	if len(r.Match) == 0 {
		return nil, false
	}
	var hosts []string
	for _, ms := range r.Match {
		if len(ms.Host) == 0 {
			return nil, false
		}
		for _, h := range ms.Host {
			if !plainHost(h) {
				return nil, false
			}
			hosts = append(hosts, h)
		}
	}
	return hosts, true
}

// plainHost reports whether h is matched by plain equality: ASCII, no
// wildcard, no placeholder.
func plainHost(h string) bool {
	if h == "" {
		return false
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if c >= 0x80 || c == '*' || c == '{' || c == '}' {
			return false
		}
	}
	return true
}

func mergeSorted(a, b []int) []int {
	out := make([]int, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if a[0] < b[0] {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
	}
	return append(append(out, a...), b...)
}
