//go:build caddyoracle

package caddydiff

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
)

// echoHandler is the default mock upstream: it answers 200 text/plain
// with what it received (method, request-target, Host, every header field
// sorted by name, body), so the proxied request is part of the compared
// body. A request for /upstream-status/<code> answers with that status.
// It leaves out the fields Caddy's proxy adds and zeroserve's does not
// (echoAll shows them; knownDifferences says why), so that they do not
// hide the rest of the body.
func echoHandler() http.Handler { return echo(false) }

// echoAll is echoHandler showing every field, Via and Accept-Encoding too.
func echoAll() http.Handler { return echo(true) }

// omitted are the fields echoHandler leaves out: "Via: 1.1 Caddy", and
// "Accept-Encoding: gzip" that Go's transport adds under Caddy's proxy.
var omitted = []string{"Via", "Accept-Encoding"}

func echo(all bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var b strings.Builder
		fmt.Fprintf(&b, "method %s\ntarget %s\nhost %s\n", r.Method, r.RequestURI, r.Host)
		var names []string
		for n := range r.Header {
			if !all && slices.Contains(omitted, n) {
				continue
			}
			names = append(names, n)
		}
		slices.Sort(names)
		for _, n := range names {
			fmt.Fprintf(&b, "header %s: %s\n", n, strings.Join(r.Header[n], " | "))
		}
		fmt.Fprintf(&b, "body %q\n", body)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("X-Upstream", "echo")
		status := 200
		if code, ok := strings.CutPrefix(r.URL.Path, "/upstream-status/"); ok {
			fmt.Sscanf(code, "%d", &status)
		}
		w.WriteHeader(status)
		io.WriteString(w, b.String())
	})
}
