//go:build caddyoracle

package caddydiff

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ignoredHeaders are the response fields two correct servers may answer
// differently.
var ignoredHeaders = []string{"Date", "Server", "Alt-Svc", "Via", "Keep-Alive"}

// response is what a server answered, as compared.
type response struct {
	// closed is set when the connection closed without a response (abort)
	// or the response could not be read; it holds the reason.
	closed  string
	status  int
	header  map[string]string // canonical name → values joined by "\n"
	framing string            // "Content-Length", "chunked" or "none"
	body    string
}

// send sends r to 127.0.0.1:port on a new connection and reads one
// response. The port's digits are replaced by "{PORT}" in header values
// and the body.
func send(port int, r Request) response {
	conn, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), 5*time.Second)
	if err != nil {
		return response{closed: "dial: " + err.Error()}
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	raw := r.Raw
	if raw != "" {
		raw = strings.ReplaceAll(raw, "{PORT}", strconv.Itoa(port))
	} else {
		raw = rawRequest(r)
	}
	if _, err := io.WriteString(conn, raw); err != nil {
		return response{closed: "write: " + err.Error()}
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), &http.Request{Method: r.method()})
	if err != nil {
		return response{closed: "connection closed without a response"}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return response{closed: fmt.Sprintf("reading the body: %v (after %d bytes)", err, len(body))}
	}
	p := strconv.Itoa(port)
	out := response{status: resp.StatusCode, header: map[string]string{}, body: strings.ReplaceAll(string(body), p, "{PORT}")}
	switch {
	case slices.Contains(resp.TransferEncoding, "chunked"):
		out.framing = "chunked"
	case resp.Header.Get("Content-Length") != "":
		out.framing = "Content-Length"
	default:
		out.framing = "none"
	}
	for name, vals := range resp.Header {
		if name == "Content-Length" || slices.Contains(ignoredHeaders, name) {
			continue
		}
		out.header[name] = strings.ReplaceAll(strings.Join(vals, "\n"), p, "{PORT}")
	}
	return out
}

// rawRequest renders r as HTTP/1.1 bytes.
func rawRequest(r Request) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\n", r.method(), r.target())
	if r.Host != "-" {
		fmt.Fprintf(&b, "Host: %s\r\n", r.host())
	}
	chunked := false
	for _, h := range r.Header {
		b.WriteString(h + "\r\n")
		if name, _, _ := strings.Cut(h, ":"); strings.EqualFold(name, "Transfer-Encoding") {
			chunked = true
		}
	}
	if r.Body != "" && !chunked {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(r.Body))
	}
	b.WriteString("\r\n")
	b.WriteString(r.Body)
	return b.String()
}
