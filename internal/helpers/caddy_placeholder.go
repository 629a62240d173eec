package helpers

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// Placeholder support. Caddy expands {key} in most configuration strings
// (caddy.Replacer). The zs_caddy_* helpers expand the keys below exactly as
// Caddy's HTTP replacer does; the compiler rejects, at compile time, any
// other key in a namespace Caddy knows (CaddyPlaceholder), and leaves keys
// Caddy does not know either to Caddy's rule for unknown placeholders
// (kept as written by ReplaceKnown, removed by ReplaceAll).
//
//	http.request.method, .scheme, .host, .hostport, .port, .uri,
//	.uri.path, .uri.query, .uri.prefixed_query, .remote, .remote.host,
//	.remote.port, .header.<Field>, .uri.query.<param>, .host.labels.<N>,
//	.uri.path.<N>
//	.proto, .proto_name, .uri_escaped, .uri.path_escaped,
//	.uri.query_escaped, .uri.path.file, .uri.path.dir,
//	.uri.path.file.base, .uri.path.file.ext, .uuid, .cookie.<name>,
//	.remote.host/<bits>[,<bits6>], .orig_method, .orig_uri[.path[.<N>,
//	.file, .file_escaped, .dir], .query, .prefixed_query]
//	(caddy_placeholder_request.go)
//	http.vars.<name> (client_ip and trusted_proxy as Caddy's server sets
//	them: caddy_clientip.go), http.regexp.<...> (captures of regexp
//	matchers), http.matchers.file.* (the file matcher's result)
//	http.error.status_code, .status_text, .message (in error routes)
//	env.*, system.*, time.now*, file.* (caddy_placeholder_global.go)
//	the destinations of map handlers that ran

// PlaceholderKind says how the compiler treats a placeholder key.
type PlaceholderKind uint8

// Placeholder kinds.
const (
	// PlaceholderSupported keys are expanded at run time.
	PlaceholderSupported PlaceholderKind = iota
	// PlaceholderUnknown keys are unknown to Caddy too: they follow
	// Caddy's rule for unknown placeholders.
	PlaceholderUnknown
	// PlaceholderUnsupported keys are known to Caddy but not implemented
	// here: the compiler rejects them.
	PlaceholderUnsupported
)

// caddyNamespaces are the key prefixes Caddy's replacer providers answer.
var caddyNamespaces = []string{"http.", "env.", "system.", "time.", "file.", "tls.", "caddy."}

// CaddyPlaceholder classifies a placeholder key (without braces).
func CaddyPlaceholder(key string) PlaceholderKind {
	if ProxyPlaceholderSupported(key) {
		return PlaceholderSupported
	}
	if key == "http.auth.user.id" { // set by authentication (caddy_auth.go)
		return PlaceholderSupported
	}
	switch key {
	case "http.request.method", "http.request.scheme", "http.request.host",
		"http.request.hostport", "http.request.port", "http.request.uri",
		"http.request.uri.path", "http.request.uri.query",
		"http.request.uri.prefixed_query", "http.request.remote",
		"http.request.remote.host", "http.request.remote.port",
		"http.error.status_code", "http.error.status_text", "http.error.message",
		"http.request.proto", "http.request.proto_name", "http.request.uri_escaped",
		"http.request.uri.path_escaped", "http.request.uri.query_escaped",
		"http.request.uri.path.file", "http.request.uri.path.dir",
		"http.request.uri.path.file.base", "http.request.uri.path.file.ext",
		"http.request.uuid", "http.request.orig_method", "http.request.orig_uri",
		"http.request.orig_uri.path", "http.request.orig_uri.path.file",
		"http.request.orig_uri.path.file_escaped", "http.request.orig_uri.path.dir",
		"http.request.orig_uri.query", "http.request.orig_uri.prefixed_query":
		return PlaceholderSupported
	}
	if isGlobalPlaceholder(key) {
		return PlaceholderSupported
	}
	if strings.HasPrefix(key, "system.") || strings.HasPrefix(key, "time.") {
		return PlaceholderUnknown
	}
	for _, p := range []string{"http.request.header.", "http.request.uri.query.", "http.vars.", "http.regexp.",
		"http.request.host.labels.", "http.request.uri.path.", "http.request.cookie.",
		"http.request.remote.host/", "http.matchers.file.", "http.request.orig_uri.path."} {
		if strings.HasPrefix(key, p) && len(key) > len(p) {
			return PlaceholderSupported
		}
	}
	for _, ns := range caddyNamespaces {
		if strings.HasPrefix(key, ns) {
			return PlaceholderUnsupported
		}
	}
	return PlaceholderUnknown
}

// Placeholders returns the keys of the placeholders in s, found as
// Caddy's replacer finds them (escaped braces skipped).
func Placeholders(s string) []string {
	var keys []string
	scanPlaceholders(s, func(key string) (string, bool) {
		keys = append(keys, key)
		return "", false
	}, false)
	return keys
}

// replacer expands placeholders for the request of ex.
type replacer struct{ ex *Exchange }

// get returns the value of key and whether Caddy knows it.
func (r replacer) get(key string) (string, bool) {
	if v, ok := r.ex.proxyPlaceholder(key); ok {
		return v, true
	}
	if !strings.HasPrefix(key, "http.") {
		if v, ok := globalPlaceholder(key); ok {
			return v, true
		}
		return r.mapped(key)
	}
	req := &r.ex.Req
	host, _ := req.Get("Host")
	switch key {
	case "http.request.method":
		return req.Method, true
	case "http.request.scheme":
		if req.TLS {
			return "https", true
		}
		return "http", true
	case "http.request.host":
		if h, _, err := net.SplitHostPort(host); err == nil {
			return h, true
		}
		return host, true
	case "http.request.hostport":
		return host, true
	case "http.request.port":
		_, port, _ := net.SplitHostPort(host)
		return port, true
	case "http.request.uri":
		return req.URI(), true
	case "http.request.uri.path":
		return decodedPath(req.Path), true
	case "http.request.uri.query":
		return req.RawQuery, true
	case "http.request.uri.prefixed_query":
		if req.RawQuery == "" {
			return "", true
		}
		return "?" + req.RawQuery, true
	case "http.request.remote":
		return req.Peer, true
	case "http.request.remote.host":
		if h, _, err := net.SplitHostPort(req.Peer); err == nil {
			return h, true
		}
		return req.Peer, true
	case "http.request.remote.port":
		_, port, _ := net.SplitHostPort(req.Peer)
		return port, true
	}
	if v, ok := r.requestPlaceholder(key); ok {
		return v, true
	}
	if field, ok := strings.CutPrefix(key, "http.request.header."); ok {
		// As Caddy: values of the field joined by ","; Host is not in
		// Go's request header map, so it reads as empty.
		if strings.EqualFold(field, "host") {
			return "", true
		}
		return strings.Join(headerValues(req.Header, field), ","), true
	}
	if name, ok := strings.CutPrefix(key, "http.request.uri.query."); ok {
		q, _ := url.ParseQuery(req.RawQuery)
		return strings.Join(q[name], ","), true
	}
	if idx, ok := strings.CutPrefix(key, "http.request.host.labels."); ok {
		// Labels counted from the right, lower-cased.
		n, err := strconv.Atoi(idx)
		if err != nil || n < 0 {
			return "", false
		}
		h := host
		if hh, _, err := net.SplitHostPort(host); err == nil {
			h = hh
		}
		labels := strings.Split(h, ".")
		if n >= len(labels) {
			return "", true
		}
		return strings.ToLower(labels[len(labels)-n-1]), true
	}
	if idx, ok := strings.CutPrefix(key, "http.request.uri.path."); ok {
		// Segments of the decoded path, from 0.
		n, err := strconv.Atoi(idx)
		if err != nil || n < 0 {
			return "", false
		}
		parts := strings.Split(decodedPath(req.Path), "/")
		if len(parts) > 0 && parts[0] == "" {
			parts = parts[1:]
		}
		if n >= len(parts) {
			return "", true
		}
		return parts[n], true
	}
	if name, ok := strings.CutPrefix(key, "http.vars."); ok {
		return varString(r.ex, name), true
	}
	if strings.HasPrefix(key, "http.error.") {
		return r.errorPlaceholder(key)
	}
	if key == "http.auth.user.id" {
		return r.ex.User, r.ex.User != ""
	}
	if strings.HasPrefix(key, "http.regexp.") || strings.HasPrefix(key, "http.matchers.file.") {
		if v, ok := r.ex.caddy.captures[key]; ok {
			return v, true
		}
	}
	return r.mapped(key)
}

// replaceAll is Caddy's Replacer.ReplaceAll(s, ""): unknown placeholders
// are removed.
func (r replacer) replaceAll(s string) string {
	return scanPlaceholders(s, r.get, true)
}

// replaceKnown is Caddy's Replacer.ReplaceKnown(s, ""): unknown
// placeholders are kept as written.
func (r replacer) replaceKnown(s string) string {
	return scanPlaceholders(s, r.get, false)
}

// scanPlaceholders rewrites s as Caddy's Replacer.replace does with an
// empty default: `\{` and `\}` are literal braces, an unclosed brace is
// literal, and a key get does not know is removed when dropUnknown, else
// kept.
func scanPlaceholders(s string, get func(string) (string, bool), dropUnknown bool) string {
	if !strings.ContainsAny(s, "{}") {
		return s
	}
	var sb strings.Builder
	last := 0
	for i := 0; i < len(s); i++ {
		if i > 0 && s[i-1] == '\\' && (s[i] == '{' || s[i] == '}') {
			sb.WriteString(s[last : i-1])
			last = i
			continue
		}
		if s[i] != '{' {
			continue
		}
		end := strings.IndexByte(s[i:], '}') + i
		if end < i {
			continue
		}
		unclosed := false
		for end > 0 && end < len(s)-1 && s[end-1] == '\\' {
			next := strings.IndexByte(s[end+1:], '}')
			if next < 0 {
				unclosed = true
				break
			}
			end += next + 1
		}
		if unclosed {
			continue
		}
		sb.WriteString(s[last:i])
		val, found := get(s[i+1 : end])
		if !found && !dropUnknown {
			last = i
			continue
		}
		sb.WriteString(val)
		i = end
		last = i + 1
	}
	sb.WriteString(s[last:])
	return sb.String()
}

// placeholderString converts a variable's value to text as Caddy's
// caddy.ToString does for the types JSON and placeholders produce.
func placeholderString(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	}
	return fmt.Sprintf("%+v", v)
}

// headerValues returns the values of field (case-insensitive), one per
// field line, or nil when it is absent.
func headerValues(h []Field, field string) []string {
	var vals []string
	for _, f := range h {
		if strings.EqualFold(f.Name, field) {
			vals = append(vals, f.Value)
		}
	}
	return vals
}

// decodedPath is the request path as Go's URL.Path holds it
// (percent-decoding applied); an invalid escape leaves it as is.
func decodedPath(p string) string {
	if d, err := url.PathUnescape(p); err == nil {
		return d
	}
	return p
}
