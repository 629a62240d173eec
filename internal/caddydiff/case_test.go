//go:build caddyoracle

package caddydiff

import (
	"net/http"
	"strings"
)

// Case is one Caddyfile served by Caddy and by zeroserve, and the requests
// sent to both.
type Case struct {
	// Name names the case in reports, the known-differences table and
	// -run TestDifferential/<Name>; unique.
	Name string
	// Caddyfile is the config template: {PORT} is the port the server
	// listens on, {ROOT} the directory with Files, {UPSTREAM} the mock
	// upstream's "127.0.0.1:port".
	Caddyfile string
	// Files are created under {ROOT} before the servers start: relative
	// path (slash-separated) → content.
	Files map[string]string
	// Upstream answers {UPSTREAM}; nil is the echo server (echoHandler).
	Upstream http.Handler
	// Requests are sent to both servers, in order, each on a new
	// connection.
	Requests []Request
	// Epoll also serves the case with zeroserve on the epoll loop (every
	// case runs on io_uring); its responses are compared with Caddy's too.
	Epoll bool
}

// Request is one request, sent as raw HTTP/1.1 on its own connection.
type Request struct {
	// Name labels the request in reports and in the known-differences
	// table; default "METHOD Host Target".
	Name string
	// Method defaults to GET.
	Method string
	// Target is the request-target, sent as written; default "/".
	Target string
	// Host is the Host field; default "localhost"; "-" sends none.
	Host string
	// Header lists extra fields, "Name: value", sent in order.
	Header []string
	// Body is sent with a Content-Length (unless Header sets
	// Transfer-Encoding: then it is sent as written).
	Body string
	// Raw, when set, is sent instead of everything above ({PORT} is
	// replaced by the server's port); Method still tells the response
	// reader whether a body follows (HEAD).
	Raw string
}

// Get returns a GET request for target with extra header lines.
func Get(target string, header ...string) Request {
	return Request{Target: target, Header: header}
}

// GetHost returns a GET request for target with the Host field host.
func GetHost(host, target string, header ...string) Request {
	return Request{Host: host, Target: target, Header: header}
}

// label returns the request's name in reports.
func (r Request) label() string {
	if r.Name != "" {
		return r.Name
	}
	if r.Raw != "" {
		line, _, _ := strings.Cut(r.Raw, "\r\n")
		return "raw " + line
	}
	return r.method() + " " + r.host() + " " + r.target()
}

func (r Request) method() string {
	if r.Method == "" {
		return "GET"
	}
	return r.Method
}

func (r Request) target() string {
	if r.Target == "" {
		return "/"
	}
	return r.Target
}

func (r Request) host() string {
	if r.Host == "" {
		return "localhost"
	}
	return r.Host
}

// cases is every registered case, in registration order.
var cases []Case

// addCases registers cases; call it from init in a cases_<area>_test.go
// file.
func addCases(cs ...Case) {
	cases = append(cases, cs...)
}
