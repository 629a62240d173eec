package helpers

import (
	"crypto/rand"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"path"
	"strconv"
	"strings"
)

// requestPlaceholder answers the http.request.* keys of Caddy's HTTP
// replacer that the core switch of replacer.get does not: protocol
// names, escaped forms, path pieces, cookies, the request UUID,
// remote-address prefixes and the original request.
func (r replacer) requestPlaceholder(key string) (string, bool) {
	req := &r.ex.Req
	switch key {
	case "http.request.proto", "http.request.proto_name":
		if key == "http.request.proto_name" && req.ProtoMajor >= 2 {
			return fmt.Sprintf("HTTP/%d", req.ProtoMajor), true
		}
		return fmt.Sprintf("HTTP/%d.%d", req.ProtoMajor, req.ProtoMinor), true
	case "http.request.uri_escaped":
		return url.QueryEscape(req.URI()), true
	case "http.request.uri.path_escaped":
		return url.QueryEscape(decodedPath(req.Path)), true
	case "http.request.uri.query_escaped":
		return url.QueryEscape(req.RawQuery), true
	case "http.request.uri.path.file":
		_, file := path.Split(decodedPath(req.Path))
		return file, true
	case "http.request.uri.path.dir":
		dir, _ := path.Split(decodedPath(req.Path))
		return dir, true
	case "http.request.uri.path.file.base":
		p := decodedPath(req.Path)
		return strings.TrimSuffix(path.Base(p), path.Ext(p)), true
	case "http.request.uri.path.file.ext":
		return path.Ext(decodedPath(req.Path)), true
	case "http.request.uuid":
		return r.uuid(), true
	}
	if strings.HasPrefix(key, "http.request.orig_") {
		return r.origPlaceholder(key)
	}
	if name, ok := strings.CutPrefix(key, "http.request.cookie."); ok {
		return cookieValue(req, name), true
	}
	if bits, ok := strings.CutPrefix(key, "http.request.remote.host/"); ok {
		return remotePrefix(req.Peer, bits), true
	}
	return "", false
}

// uuid is {http.request.uuid}: a random (version 4) UUID made when the
// request first asks for it and kept in the variable "uuid", as Caddy
// keeps it.
func (r replacer) uuid() string {
	if v, ok := r.ex.caddy.vars["uuid"].(string); ok {
		return v
	}
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	id := fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
	r.ex.caddy.setVar("uuid", id)
	return id
}

// cookieValue is {http.request.cookie.<name>}: the value of the first
// cookie whose name equals name case-insensitively, parsed from the
// Cookie fields as net/http's Request.Cookies does.
func cookieValue(req *Request, name string) string {
	vals := headerValues(req.Header, "Cookie")
	if vals == nil {
		return ""
	}
	hr := http.Request{Header: http.Header{"Cookie": vals}}
	for _, c := range hr.Cookies() {
		if strings.EqualFold(name, c.Name) {
			return c.Value
		}
	}
	return ""
}

// remotePrefix is {http.request.remote.host/V4[,V6]}: the peer's address
// masked to the given prefix length ("1.2.3.0/24"), the host itself when
// it is not an IP address, empty for a bad length.
func remotePrefix(peer, bitsBoth string) string {
	host, _, err := net.SplitHostPort(peer)
	if err != nil {
		host = peer
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	v4, v6, hasV6 := strings.Cut(bitsBoth, ",")
	bits := v4
	if addr.Is6() && hasV6 {
		bits = v6
	}
	n, err := strconv.Atoi(bits)
	if err != nil {
		return ""
	}
	p, err := addr.Prefix(n)
	if err != nil {
		return ""
	}
	return p.String()
}

// origPlaceholder answers {http.request.orig_*}: the request as it
// arrived (method, path, query), kept by the snapshot the compiled
// server takes first when its configuration uses these placeholders
// (zs_caddy_error CaddyErrorSnapshot); without one, the request as it is.
func (r replacer) origPlaceholder(key string) (string, bool) {
	or := r.ex.caddy.orig
	if or.Method == "" {
		or = r.ex.Req
	}
	p := decodedPath(or.Path)
	switch key {
	case "http.request.orig_method":
		return or.Method, true
	case "http.request.orig_uri":
		return or.URI(), true
	case "http.request.orig_uri.path":
		return p, true
	case "http.request.orig_uri.path.file":
		_, file := path.Split(p)
		return file, true
	case "http.request.orig_uri.path.file_escaped":
		_, file := path.Split(or.Path)
		return file, true
	case "http.request.orig_uri.path.dir":
		dir, _ := path.Split(p)
		return dir, true
	case "http.request.orig_uri.query":
		return or.RawQuery, true
	case "http.request.orig_uri.prefixed_query":
		if or.RawQuery == "" {
			return "", true
		}
		return "?" + or.RawQuery, true
	}
	if idx, ok := strings.CutPrefix(key, "http.request.orig_uri.path."); ok {
		n, err := strconv.Atoi(idx)
		if err != nil || n < 0 {
			return "", false
		}
		parts := strings.Split(p, "/")
		if len(parts) > 0 && parts[0] == "" {
			parts = parts[1:]
		}
		if n >= len(parts) {
			return "", true
		}
		return parts[n], true
	}
	return "", false
}
