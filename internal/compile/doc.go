// Package compile turns lowered Caddy configuration (caddyconf.Program)
// into a BPF ELF object: eBPF code for the control flow (route order,
// matcher sets, handler chains, groups, terminal routes, subroutes and
// error routes) that calls zs_caddy_* helpers for the matchers and
// handlers, whose configuration it stores as JSON in read-only data
// (DESIGN §2). The object is the same kind a C plugin compiles to, loaded
// by the same loader.
//
// Compile is the entry point (compile.go; the shape of the generated code
// is drawn in routes.go and request.go). The helpers it calls, in
// internal/helpers (caddy_*.go):
//
//	zs_caddy_host_dispatch(cfg, len) -> candidate list number (one map lookup)
//	zs_caddy_match(set, len)         -> 0/1, one matcher set
//	zs_caddy_handle(handler, len)    -> 0 next, 1 answered, 3 error
//	zs_caddy_group(name, len, set)   -> route group satisfied / mark it
//	zs_caddy_error(op)               -> error routes: snapshot, enter, respond
//
// Each helper parses its JSON once per loaded program (vm.Program.Cache).
// The response the handlers build is helpers.Exchange.Response plus
// Exchange.ResponseHeader. What the compiler or the helpers do not
// implement is a compile error naming it and its JSON path.
package compile
