package compile

import (
	"fmt"
	"sort"
	"strings"

	"github.com/zeroserve/zeroserve/internal/bpf"
	"github.com/zeroserve/zeroserve/internal/caddyconf"
	"github.com/zeroserve/zeroserve/internal/helpers"
)

// compiler emits one server's routes. Route lists and routes are local
// functions compiled once each and queued until the section they are
// called from is done.
type compiler struct {
	e       *Emitter
	server  *caddyconf.ServerProgram
	lists   map[*caddyconf.RouteList]*listFunc
	routes  map[*caddyconf.LoweredRoute]Label
	pending []func() error
	checked checkedConfigs // helper configurations already checked
	pre     *precomputed   // helper configurations computed ahead
}

// listFunc is a nested route list compiled as a function.
type listFunc struct {
	label Label
}

// Generated code, in eBPF terms. Every function returns r0 = 0 when the
// handler chain went on to its next handler (Caddy's next.ServeHTTP was
// called), r0 = 1 when a handler answered or aborted, r0 = 2 when a
// terminal route ended the chain without an answer (Caddy's empty
// handler) and r0 = 3 when a handler returned an error; any non-zero
// result unwinds every caller at once (request.go handles the results):
//
//	list (entry or list_<path>):
//	    r1, r2 = &dispatch_json, len      ; only when hosts split the list
//	    call zs_caddy_host_dispatch       ; r0 = candidate list number
//	    if r0 >= m goto ...               ; binary tree over the numbers
//	    goto block_k
//	block_k:                              ; the routes that can match, in order
//	    call route_a; if r0 != 0 goto stop
//	    call route_b; if r0 != 0 goto stop
//	    goto cont
//	cont: r0 = 0
//	stop: exit                            ; r0 as the callee left it
//
//	route_<path>:
//	    [r1, r2 = &group, len; r3 = 0; call zs_caddy_group; if r0 != 0 goto skip]
//	    r1, r2 = &set_json, len; call zs_caddy_match
//	    if r0 == 3 goto stop              ; the matcher returned an error
//	    if r0 != 0 goto matched
//	    ...                               ; one call per matcher set (OR)
//	skip: r0 = 0; exit
//	matched:
//	    [r1, r2 = &group, len; r3 = 1; call zs_caddy_group]
//	    r1, r2 = &handler_json, len; call zs_caddy_handle; if r0 != 0 goto stop
//	    call list_<subroute path>; if r0 != 0 goto stop
//	    r0 = 0 (2 for a terminal route); exit
//	stop: exit

// Results of routes and lists besides 0 (continue) and 1 (answered).
const (
	// resultTerminal: a terminal route ended the chain, nobody answered.
	resultTerminal = 2
	// resultError: a handler returned an error (helpers.CaddyError).
	resultError = 3
)

// listNeeds returns the call frames a list uses below its own: a route
// frame, plus a frame and its needs for each nested list the route runs.
func listNeeds(rl *caddyconf.RouteList) int {
	n := 0
	for _, r := range rl.Routes {
		need := 1
		for _, h := range r.Handlers {
			for _, sub := range []*caddyconf.RouteList{h.Routes, h.Errors, h.Invoke} {
				if sub != nil {
					need = max(need, 2+listNeeds(sub))
				}
			}
		}
		n = max(n, need)
	}
	return n
}

// listBody emits the code of a route list. As a function (end < 0) it
// returns the list's result; inline (the request section) it jumps to end
// with the result in r0.
func (c *compiler) listBody(rl *caddyconf.RouteList, src []*caddyconf.Route, end Label) error {
	for _, r := range rl.Routes {
		if r.Index < 0 || r.Index >= len(src) {
			return &Error{Path: r.Path, Msg: "BUG: lowered route without its source"}
		}
	}
	stop, cont := c.e.NewLabel(), c.e.NewLabel()
	lists, dispatch, err := candidateLists(rl.Hosts)
	if err != nil {
		return &Error{Path: rl.Path, Msg: err.Error()}
	}
	blocks := make([]Label, len(lists))
	for i := range blocks {
		blocks[i] = c.e.NewLabel()
	}
	if len(lists) > 1 {
		c.e.LoadString(bpf.R1, bpf.R2, dispatch)
		c.e.CallHelper("zs_caddy_host_dispatch")
		c.tree(0, len(blocks), blocks)
	}
	for i, ids := range lists {
		c.e.Bind(blocks[i])
		for _, id := range ids {
			r := rl.Routes[id]
			c.e.Call(c.route(r, src[r.Index]))
			c.e.JumpImm(bpf.JumpJNE, bpf.R0, 0, stop)
		}
		if i < len(lists)-1 {
			c.e.Jump(cont)
		}
	}
	c.e.Bind(cont)
	c.e.Mov64Imm(bpf.R0, 0)
	c.e.Bind(stop)
	if end >= 0 {
		c.e.Jump(end)
	} else {
		c.e.Exit()
	}
	return nil
}

// tree emits a binary decision tree over r0 in [lo, hi) that jumps to
// blocks[r0] in log2(hi-lo) compares; a number past the end goes to the
// last block.
func (c *compiler) tree(lo, hi int, blocks []Label) {
	if hi-lo == 1 {
		c.e.Jump(blocks[lo])
		return
	}
	mid := (lo + hi) / 2
	right := c.e.NewLabel()
	c.e.JumpImm(bpf.JumpJGE, bpf.R0, int32(mid), right)
	c.tree(lo, mid, blocks)
	c.e.Bind(right)
	c.tree(mid, hi, blocks)
}

// candidateLists numbers the distinct candidate lists of a host index (the
// list for other hosts first, then every route, then the exact hosts' in
// host order) and returns them with zs_caddy_host_dispatch's JSON.
func candidateLists(hi *caddyconf.HostIndex) ([][]int, string, error) {
	var lists [][]int
	seen := map[string]int{}
	number := func(ids []int) int {
		key := fmt.Sprint(ids)
		if n, ok := seen[key]; ok {
			return n
		}
		seen[key] = len(lists)
		lists = append(lists, ids)
		return len(lists) - 1
	}
	d := helpers.CaddyHostDispatch{Any: number(hi.Any), All: number(hi.All), Exact: map[string]int{}}
	hosts := make([]string, 0, len(hi.Exact))
	for h := range hi.Exact {
		hosts = append(hosts, h)
	}
	sort.Strings(hosts)
	for _, h := range hosts {
		d.Exact[h] = number(hi.Exact[h])
	}
	js, err := marshal(d)
	return lists, js, err
}

// route returns the label of route r's function, queueing it on first use.
func (c *compiler) route(r *caddyconf.LoweredRoute, src *caddyconf.Route) Label {
	if l, ok := c.routes[r]; ok {
		return l
	}
	l := c.e.NewLabel()
	c.routes[r] = l
	c.pending = append(c.pending, func() error { return c.routeFunc(l, r, src) })
	return l
}

// list returns the label of a nested list's function, queueing it on
// first use.
func (c *compiler) list(rl *caddyconf.RouteList, src []*caddyconf.Route) Label {
	if f, ok := c.lists[rl]; ok {
		return f.label
	}
	f := &listFunc{label: c.e.NewLabel()}
	c.lists[rl] = f
	c.pending = append(c.pending, func() error {
		c.e.Func(f.label, symbol("list", rl.Path))
		return c.listBody(rl, src, -1)
	})
	return f.label
}

// drain emits queued functions (which may queue more) into .text.
func (c *compiler) drain() error {
	if len(c.pending) == 0 {
		return nil
	}
	c.e.Section(".text")
	for len(c.pending) > 0 {
		f := c.pending[0]
		c.pending = c.pending[1:]
		if err := f(); err != nil {
			return err
		}
	}
	return nil
}

// routeFunc emits one route's function.
func (c *compiler) routeFunc(l Label, r *caddyconf.LoweredRoute, src *caddyconf.Route) error {
	c.e.Func(l, symbol("route", r.Path))
	skip, stop := c.e.NewLabel(), c.e.NewLabel()
	if src.Group != "" {
		c.e.LoadString(bpf.R1, bpf.R2, src.Group)
		c.e.Mov64Imm(bpf.R3, 0)
		c.e.CallHelper("zs_caddy_group")
		c.e.JumpImm(bpf.JumpJNE, bpf.R0, 0, skip)
	}
	if len(r.Match) > 0 {
		matched := c.e.NewLabel()
		for i, ms := range r.Match {
			js, err := c.matcher(fmt.Sprintf("%s.match[%d]", r.Path, i), ms)
			if err != nil {
				return err
			}
			c.e.LoadString(bpf.R1, bpf.R2, js)
			c.e.CallHelper("zs_caddy_match")
			c.e.JumpImm(bpf.JumpJEQ, bpf.R0, resultError, stop) // a matcher's error
			c.e.JumpImm(bpf.JumpJNE, bpf.R0, 0, matched)
		}
		c.e.Bind(skip)
		c.e.Mov64Imm(bpf.R0, 0)
		c.e.Exit()
		c.e.Bind(matched)
	} else if src.Group != "" {
		next := c.e.NewLabel()
		c.e.Jump(next)
		c.e.Bind(skip)
		c.e.Mov64Imm(bpf.R0, 0)
		c.e.Exit()
		c.e.Bind(next)
	}
	if src.Group != "" {
		c.e.LoadString(bpf.R1, bpf.R2, src.Group)
		c.e.Mov64Imm(bpf.R3, 1)
		c.e.CallHelper("zs_caddy_group")
	}
	for _, h := range r.Handlers {
		if err := c.handler(h, stop); err != nil {
			return err
		}
	}
	if r.Terminal {
		c.e.Mov64Imm(bpf.R0, resultTerminal)
	} else {
		c.e.Mov64Imm(bpf.R0, 0)
	}
	c.e.Exit()
	c.e.Bind(stop)
	c.e.Exit()
	return nil
}

// handler emits one handler of a route: a nested list call for subroute
// and invoke, a zs_caddy_handle call for the others.
func (c *compiler) handler(h *caddyconf.LoweredHandler, stop Label) error {
	switch m := h.Module.(type) {
	case *caddyconf.Subroute:
		c.e.Call(c.list(h.Routes, sourceRoutes(m.Routes)))
		if h.Errors != nil {
			// Caddy's Subroute: on an error, its error routes run
			// with the error in context, then the handlers after it.
			done := c.e.NewLabel()
			c.e.JumpImm(bpf.JumpJNE, bpf.R0, resultError, done)
			c.e.Mov64Imm(bpf.R1, helpers.CaddyErrorSubroute)
			c.e.CallHelper("zs_caddy_error")
			c.e.Call(c.list(h.Errors, sourceRoutes(m.Errors.Routes)))
			c.e.Bind(done)
		}
	case *caddyconf.Invoke:
		c.e.Call(c.list(h.Invoke, []*caddyconf.Route{c.server.Server.NamedRoutes[m.Name]}))
	default:
		js, err := c.handlerConfig(h)
		if err != nil {
			return err
		}
		c.e.LoadString(bpf.R1, bpf.R2, js)
		c.e.CallHelper("zs_caddy_handle")
	}
	c.e.JumpImm(bpf.JumpJNE, bpf.R0, 0, stop)
	return nil
}

// symbol makes a function name from a JSON path: "route_" +
// "srv0.routes_0_.handle_0_" (the server prefix dropped, other characters
// than letters, digits, '.' and '_' replaced by '_').
func symbol(kind, path string) string {
	path = strings.TrimPrefix(path, "apps.http.servers.")
	b := []byte(kind + "_" + path)
	for i, ch := range b {
		if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '_' || ch == '.') {
			b[i] = '_'
		}
	}
	return string(b)
}
