// Package compile turns lowered Caddy configuration (caddyconf.Program)
// into a BPF ELF object: eBPF code for the control flow (route order,
// matcher sets, handler chains) that calls zs_caddy_* helpers for the
// matchers and handlers, whose configuration it stores as JSON in
// read-only data (DESIGN §2). The object is the same kind a C plugin
// compiles to, loaded by the same loader.
package compile
