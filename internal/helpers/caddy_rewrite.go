package helpers

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/zeroserve/zeroserve/internal/caddyconf"
)

// CheckRewrite reports the parts of a rewrite handler this package does
// not implement: strip_path_suffix, uri_substring, path_regexp, query
// operations, and placeholders in the path part of uri (Caddy escapes
// their values by rules not implemented here).
func CheckRewrite(r *caddyconf.Rewrite) error {
	switch {
	case r.StripPathSuffix != "":
		return fmt.Errorf("rewrite strip_path_suffix is not supported")
	case len(r.URISubstring) > 0:
		return fmt.Errorf("rewrite uri_substring is not supported")
	case len(r.PathRegexp) > 0:
		return fmt.Errorf("rewrite path_regexp is not supported")
	case r.Query != nil:
		return fmt.Errorf("rewrite query is not supported")
	}
	path, _, _ := splitURI(r.URI)
	if len(Placeholders(path)) > 0 {
		return fmt.Errorf("rewrite uri %q: placeholders in the path are not supported", r.URI)
	}
	return nil
}

// splitURI splits a rewrite URI as Caddy does: the path up to the first
// '?' or '#', the query up to '#', and whether each part is present.
func splitURI(uri string) (path, query string, parts [3]bool) {
	path, rest, hasQ := strings.Cut(uri, "?")
	if p, _, hasF := strings.Cut(path, "#"); hasF {
		return p, "", [3]bool{p != "", false, true}
	}
	if hasQ {
		q, _, hasF := strings.Cut(rest, "#")
		return path, q, [3]bool{path != "", true, hasF}
	}
	return path, "", [3]bool{path != "", false, false}
}

// rewrite is Caddy's rewrite.Rewrite for method, uri and
// strip_path_prefix. The request keeps its path percent-encoded, as Go's
// URL.EscapedPath gives it.
func rewrite(r *caddyconf.Rewrite, ex *Exchange, repl replacer) error {
	req := &ex.Req
	if r.Method != "" {
		m := strings.ToUpper(repl.replaceAll(r.Method))
		if !isToken(m) {
			return fmt.Errorf("zs_caddy_handle: rewrite method %q is not a token", m)
		}
		req.Method = m
	}
	if r.URI != "" {
		path, query, parts := splitURI(r.URI)
		if parts[0] {
			// The path holds no placeholders (CheckRewrite).
			if d, err := url.PathUnescape(path); err == nil {
				path = d
			}
			req.Path = (&url.URL{Path: path}).EscapedPath()
		}
		if parts[1] {
			req.RawQuery = buildQueryString(query, repl)
		}
	}
	if r.StripPathPrefix != "" {
		prefix := repl.replaceAll(r.StripPathPrefix)
		if !strings.HasPrefix(prefix, "/") {
			prefix = "/" + prefix
		}
		p := cleanPathMerge(req.Path, !strings.Contains(prefix, "//"))
		if t := trimPathPrefix(p, prefix); t != p {
			req.Path = canonicalPath(t)
		}
	}
	if strings.ContainsAny(req.RawQuery, " \r\n\x00#") || strings.ContainsAny(req.Path, " \r\n\x00?#") {
		return fmt.Errorf("zs_caddy_handle: rewritten URI %q is invalid", req.URI())
	}
	return nil
}

// trimPathPrefix is Caddy's: the escaped path loses prefix, compared
// case-insensitively, escapes in the path decoded unless the prefix has
// the same escape at that point.
func trimPathPrefix(escaped, prefix string) string {
	i, j := 0, 0
	for i < len(escaped) && j < len(prefix) {
		ch := escaped[i : i+1]
		if ch == "%" && !validEscapeAt(prefix, j) && len(escaped) >= i+3 {
			d, err := url.PathUnescape(escaped[i : i+3])
			if err != nil {
				return escaped
			}
			ch = d
			i += 2
		}
		if !strings.EqualFold(ch, prefix[j:j+1]) {
			return escaped
		}
		i++
		j++
	}
	if j >= len(prefix) {
		return escaped[i:]
	}
	return escaped
}

// validEscapeAt reports whether s has a percent-escape at i.
func validEscapeAt(s string, i int) bool {
	if i+3 > len(s) || s[i] != '%' {
		return false
	}
	_, err := url.PathUnescape(s[i : i+3])
	return err == nil
}

// canonicalPath is Caddy's canonicalizePath after a strip, on the escaped
// form: a leading slash and a cleaned path (empty segments kept).
func canonicalPath(p string) string {
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return cleanPathMerge(p, false)
}

// buildQueryString is Caddy's rewrite query builder: placeholders in keys
// and values are expanded and query-escaped ({http.request.uri.query} in
// key position is copied as is; an unknown placeholder becomes
// "%3Cnil%3E", as in Caddy).
func buildQueryString(qs string, repl replacer) string {
	var sb strings.Builder
	wroteVal := true
	for len(qs) > 0 {
		nextEq, nextAmp := strings.IndexByte(qs, '='), strings.IndexByte(qs, '&')
		if !wroteVal {
			nextEq = -1
		}
		ampNext := nextAmp >= 0 && (nextAmp < nextEq || nextEq < 0)
		end := len(qs)
		if ampNext {
			end = nextAmp
		} else if nextEq >= 0 && (nextEq < nextAmp || nextAmp < 0) {
			end = nextEq
		}
		key := wroteVal
		comp := scanPlaceholders(qs[:end], func(name string) (string, bool) {
			v, ok := repl.get(name)
			if !ok {
				// Caddy formats the missing value with %+v: "<nil>".
				return url.QueryEscape("<nil>"), true
			}
			if name == "http.request.uri.query" && key {
				return v, true
			}
			return url.QueryEscape(v), true
		}, false)
		if end < len(qs) {
			end++
		}
		qs = qs[end:]
		if wroteVal {
			if sb.Len() > 0 && len(comp) > 0 {
				sb.WriteByte('&')
			}
		} else {
			sb.WriteByte('=')
		}
		sb.WriteString(comp)
		wroteVal = ampNext
	}
	return sb.String()
}

func init() {
	registerCaddyHandler("rewrite", configOf(func(r *caddyconf.Rewrite) (caddyRunner, error) {
		if err := CheckRewrite(r); err != nil {
			return nil, err
		}
		return rewriteHandler{r}, nil
	}))
}

// rewriteHandler is Caddy's rewrite handler.
type rewriteHandler struct{ cfg *caddyconf.Rewrite }

func (h rewriteHandler) run(ex *Exchange, repl replacer) (uint64, error) {
	return CaddyContinue, rewrite(h.cfg, ex, repl)
}
