//go:build caddyoracle

package caddydiff

// knownDifference is a deliberate difference between zeroserve and Caddy:
// the field of one request's response (or of every request of a case) that
// differs, and why. TestDifferential counts these apart from D.
type knownDifference struct {
	// Case is the case name.
	Case string
	// Request is the request label (Request.label); "" matches every
	// request of the case.
	Request string
	// Field is the compared field: "response", "status", "body",
	// "framing" or "header <Canonical-Name>".
	Field string
	// Reason says why the difference is deliberate.
	Reason string
	// Open, instead of a Reason, names a bug outside this package's
	// reach (the owning package and what is wrong), reported and waiting
	// for its owner; TestDifferential lists these apart as "open".
	Open string
}

// knownDifferences is the one table of deliberate differences (Reason)
// and of reported bugs in other packages (Open).
var knownDifferences = []knownDifference{
	{Case: "file_server basics", Request: "HEAD localhost /sub", Field: "framing",
		Reason: "the canonical-URI redirect to HEAD has an empty body: Go's net/http (under Caddy) sends no Content-Length, zeroserve's server sends Content-Length: 0 (both valid, RFC 9110 §8.6)"},
	{Case: "reverse_proxy fields Caddy adds", Field: "body",
		Reason: "Caddy's proxy adds \"Via: 1.1 Caddy\" (and Go's transport \"Accept-Encoding: gzip\", decompressing transparently); zeroserve's proxy engine forwards the request's own fields only"},
	{Case: "odd paths", Request: "GET localhost /a%2Fb", Field: "status",
		Reason: "zeroserve's server answers 400 to a path segment decoding to '/' (%2F), the original zeroserve's rule (http1.NormalizePath); Caddy serves it"},
	{Case: "odd paths", Request: "GET localhost /a%2Fb", Field: "body", Reason: "as the status"},
	{Case: "odd paths", Request: "GET localhost /../etc/passwd", Field: "status",
		Reason: "zeroserve's server answers 400 to a path whose \"..\" leaves the root, the original zeroserve's rule (http1.NormalizePath); Caddy serves it (and cleans it only to match)"},
	{Case: "odd paths", Request: "GET localhost /../etc/passwd", Field: "body", Reason: "as the status"},
	{Case: "odd paths", Request: "GET localhost /a%00b", Field: "status",
		Reason: "zeroserve's server answers 400 to a path segment decoding to NUL, the original zeroserve's rule (http1.NormalizePath); Caddy serves it"},
	{Case: "odd paths", Request: "GET localhost /a%00b", Field: "body", Reason: "as the status"},
	{Case: "odd paths", Request: "GET localhost /%zz", Field: "framing",
		Reason: "a malformed escape is refused by both servers with 400; Go's net/http closes the connection after a body without Content-Length, zeroserve's server sends one"},
	{Case: "odd paths", Request: "GET localhost /%zz", Field: "body",
		Reason: "the server's own 400 text: Go's net/http writes no newline after \"400 Bad Request\""},
	{Case: "odd paths", Request: "GET localhost /a/./b/../c", Field: "body",
		Reason: "zeroserve's server gives handlers the cleaned path (dot segments resolved, slashes merged: http1.CleanPath) for placeholders too; Caddy cleans only to match and keeps the path as received in {path} and {uri}"},
	{Case: "odd paths", Request: "GET localhost //x//y", Field: "body", Reason: "as /a/./b/../c"},
	{Case: "no route answers", Request: "HEAD localhost /else", Field: "framing",
		Reason: "an empty response to HEAD: Go's net/http (under Caddy) sends no Content-Length, zeroserve's server sends Content-Length: 0 (both valid, RFC 9110 §8.6)"},
	{Case: "host without a catch-all", Request: "GET - /", Field: "framing",
		Reason: "a request without Host is refused by the server itself: Go's net/http closes the connection after a body without Content-Length, zeroserve's server sends one"},
	{Case: "realworld static site with error pages", Request: "GET localhost /downloads/file.bin", Field: "header Content-Type",
		Reason: "Caddy's types come from Go's mime package, which also reads the host's /etc/mime.types (here .bin is application/octet-stream); zeroserve's MIME table is built in, the same on every machine, and leaves types it does not know unset"},
	{Case: "wire proxy bodies", Request: "chunked upload", Field: "body",
		Reason: "zeroserve's server decodes a chunked request body before the handler runs and the proxy forwards it with its Content-Length; Caddy streams it on chunked (the upstream gets the same bytes)"},
	{Case: "reverse_proxy response shapes", Request: "GET localhost /untyped", Field: "header Content-Type",
		Reason: "an upstream response with a body and no Content-Type gets one sniffed under Caddy (net/http's ResponseWriter runs DetectContentType on the first body bytes, a side effect of Go's server, not a Caddy rule); zeroserve relays the upstream's header as it is, the head before the body, so what the client sees is what the upstream said"},
	{Case: "host without a catch-all", Request: "GET - /", Field: "body",
		Reason: "the server's own 400 text: Go's net/http says \"missing required Host header\", zeroserve's server \"400 Bad Request\""},
	{Case: "encode file_server", Request: "GET localhost /app.js", Field: "body",
		Reason: "the same zstd encoder frames a body differently by how it is fed: Caddy's file_server streams the file into it (ReadFrom: no frame content size), zeroserve compresses the body in one write (content size in the frame header); the decoded bodies are equal"},
}

// known returns the table entry excusing d in request r of case c.
func known(c string, r string, d difference) (knownDifference, bool) {
	for _, k := range knownDifferences {
		if k.Case == c && (k.Request == "" || k.Request == r) && k.Field == d.field {
			return k, true
		}
	}
	return knownDifference{}, false
}
