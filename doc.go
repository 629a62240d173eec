// Package zeroserve is the root of a fast, scriptable HTTPS server that
// serves Caddyfiles by compiling them to eBPF. The command is in
// cmd/zeroserve; the packages, in import order along the pipeline, are:
//
//	cmd/zeroserve ─▶ internal/caddyfile ─▶ caddyconfig/caddyfile (Caddy's lexer)
//	cmd/zeroserve ─▶ internal/vm ─▶ internal/vm/abi, internal/vm/jit/amd64, internal/bpf
//	cmd/zeroserve ─▶ internal/bpf/elfload ─▶ internal/bpf
//	cmd/zeroserve ─▶ internal/server ─▶ internal/script ─▶ internal/helpers ─▶ internal/vm
//	cmd/zeroserve ─▶ internal/proxy ─▶ internal/server
//	internal/server, internal/proxy ─▶ internal/http1, internal/loop, internal/tlspipe
//	cmd/zeroserve ─▶ internal/compile ─▶ internal/helpers (config checks), internal/caddyconf, internal/bpf
//	internal/helpers ─▶ internal/caddyconf (the zs_caddy_* handlers' configs), internal/http1
//	internal/loop ─▶ loop/uring, loop/epoll
//	cmd/zeroserve, internal/server, internal/helpers ─▶ internal/static (standard library only)
//
// See docs/ARCHITECTURE.md for what each package owns and why.
package zeroserve
