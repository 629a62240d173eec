// Package caddyschema holds only tests: it checks package caddyconf
// against Caddy's own module types and registry. It is a separate package
// so that Caddy, a test-only dependency, stays out of caddyconf's test
// binary (its fuzz build instruments every linked package, and Caddy's
// standard modules would make that build take minutes).
package caddyschema
