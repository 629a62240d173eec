// Package caddyconf is zeroserve's strict model of Caddy's JSON config and
// its lowering to a route IR for the eBPF compiler.
//
// Parse decodes a Caddy JSON document into typed structs that use Caddy's
// JSON names (each documented "as Caddy's X"). It is stricter than Caddy:
//
//   - an unknown field is a *PathError with the JSON path, e.g.
//     `apps.http.servers.srv0.routes[3].handle[0]: unknown field "hanlde"`
//     (field names match exactly; encoding/json, and so Caddy, would
//     also accept other letter cases);
//   - a module zeroserve does not implement (handler, matcher, transport,
//     issuer, ...) is an *UnsupportedError naming it and its path, e.g.
//     `unsupported handler "templates" at apps.http.servers.srv0.routes[0].handle[1]`,
//     and so is a Caddy field zeroserve does not implement
//     (`unsupported field "encrypted_client_hello" at apps.tls.encrypted_client_hello`);
//   - fields that cannot change request handling (admin, metrics, the
//     certificate cache, log field filters) are accepted and listed in
//     Config.Warnings.
//
// Module unions are typed: a handler list element is a HandlerModule whose
// Value is one of the handler structs, chosen by its "handler" key (Caddy's
// inline_key); module maps such as a matcher set or "encodings" are
// structs with one field per supported module. Marshaling the model gives
// back the input as a JSON value, modulo: durations written as strings
// become integer nanoseconds, status codes written as integer strings
// become numbers, an expression matcher without a name becomes a string,
// and zero values (false, 0, "", null, []) are left out, as Caddy's own
// omitempty output does. TestCaddyCorpus checks this on Caddy's adapter
// corpus.
//
// Lower checks the http app further (regular expressions, IP ranges,
// status codes, duplicate hosts, listen addresses, invoke targets and
// cycles) and builds a Program; its doc comment lists what the IR
// guarantees to the compiler.
//
// Nothing here panics on any input: FuzzParse feeds random JSON to Parse,
// the round trip and Lower.
package caddyconf
