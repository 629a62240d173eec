// Package script loads eBPF scripts (plugins, standalone scripts, the
// compiled Caddyfile) and runs them for each request as a chain: every
// script's zeroserve.tls.request section first, then every script's
// zeroserve.request section, in load order, until one of them decides the
// request (responds or aborts) or one traps. See the original's rules in
// shared/reference/original-zeroserve.md §1.2–1.3.
package script
