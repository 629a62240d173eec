package helpers

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/zeroserve/zeroserve/internal/caddyconf"
)

// CheckRewrite reports a rewrite handler Caddy would refuse to provision:
// an empty or invalid path_regexp, an invalid query search_regexp.
func CheckRewrite(r *caddyconf.Rewrite) error {
	_, err := newRewriteHandler(r)
	return err
}

// rewriteHandler is Caddy's rewrite handler, with its expressions
// compiled once.
type rewriteHandler struct {
	cfg     *caddyconf.Rewrite
	pathRe  []*regexp.Regexp // one per cfg.PathRegexp
	queryRe []*regexp.Regexp // one per cfg.Query.Replace; nil without search_regexp
}

// newRewriteHandler compiles r's expressions as Caddy's Provision does.
func newRewriteHandler(r *caddyconf.Rewrite) (*rewriteHandler, error) {
	h := &rewriteHandler{cfg: r}
	for i, rep := range r.PathRegexp {
		if rep.Find == "" {
			return nil, fmt.Errorf("rewrite: path_regexp find cannot be empty")
		}
		re, err := regexp.Compile(rep.Find)
		if err != nil {
			return nil, fmt.Errorf("rewrite: compiling regular expression %d: %v", i, err)
		}
		h.pathRe = append(h.pathRe, re)
	}
	if r.Query != nil {
		for _, rep := range r.Query.Replace {
			var re *regexp.Regexp
			if rep.SearchRegexp != "" {
				var err error
				if re, err = regexp.Compile(rep.SearchRegexp); err != nil {
					return nil, fmt.Errorf("rewrite: query replace for %q: %v", rep.Key, err)
				}
			}
			h.queryRe = append(h.queryRe, re)
		}
	}
	return h, nil
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

// requestURL returns the request's path and query as Go's url.URL holds
// them in Caddy (Path decoded, RawPath the escaped form), so the rewrite
// steps can follow Caddy's on the same representation.
func requestURL(req *Request) *url.URL {
	u := &url.URL{Path: req.Path, RawQuery: req.RawQuery}
	if p, err := url.PathUnescape(req.Path); err == nil {
		u.Path, u.RawPath = p, req.Path
	}
	return u
}

// rewrite is Caddy's rewrite.Rewrite: method, uri, strip_path_prefix,
// strip_path_suffix, uri_substring, path_regexp, then the query
// operations. The request keeps its path percent-encoded, as Go's
// URL.EscapedPath gives it.
func (h *rewriteHandler) rewrite(ex *Exchange, repl replacer) error {
	r, req := h.cfg, &ex.Req
	if r.Method != "" {
		m := strings.ToUpper(repl.replaceAll(r.Method))
		if !isToken(m) {
			return fmt.Errorf("zs_caddy_handle: rewrite method %q is not a token", m)
		}
		req.Method = m
	}
	u := requestURL(req)
	if r.URI != "" {
		rewriteURI(u, r.URI, repl)
	}
	if r.StripPathPrefix != "" {
		prefix := repl.replaceAll(r.StripPathPrefix)
		if !strings.HasPrefix(prefix, "/") {
			prefix = "/" + prefix
		}
		stripPath(u, prefix, trimPathPrefix)
	}
	if r.StripPathSuffix != "" {
		stripPath(u, repl.replaceAll(r.StripPathSuffix), trimPathSuffix)
	}
	for _, rep := range r.URISubstring {
		if rep.Find == "" {
			continue
		}
		lim := rep.Limit
		if lim == 0 {
			lim = -1
		}
		find, with := repl.replaceAll(rep.Find), repl.replaceAll(rep.Replace)
		merge := !strings.Contains(rep.Find, "//")
		changePath(u, func(p string) string { return strings.Replace(cleanPathMerge(p, merge), find, with, lim) })
		u.RawQuery = strings.Replace(u.RawQuery, find, with, lim)
	}
	for i, rep := range r.PathRegexp {
		with := repl.replaceAll(rep.Replace)
		changePath(u, func(p string) string { return h.pathRe[i].ReplaceAllString(p, with) })
	}
	if r.Query != nil {
		h.queryOps(u, repl)
	}
	req.Path, req.RawQuery = u.EscapedPath(), u.RawQuery
	if req.Path == "" {
		req.Path = "/"
	}
	if strings.ContainsAny(req.RawQuery, " \r\n\x00#") || strings.ContainsAny(req.Path, " \r\n\x00?#") {
		return fmt.Errorf("zs_caddy_handle: rewritten URI %q is invalid", req.URI())
	}
	return nil
}

// rewriteURI is the uri step of Caddy's rewrite: the parts the URI names
// are replaced, placeholders expanded ({http.request.uri.path} and the
// file matcher's paths in escaped form); a '?' that a placeholder brought
// into the path starts the query when the URI names none.
func rewriteURI(u *url.URL, uri string, repl replacer) {
	path, query, parts := splitURI(uri)
	var newPath string
	injected := false
	if path != "" {
		path = strings.ReplaceAll(path, "{http.request.uri.path}", u.EscapedPath())
		for _, key := range []string{"http.matchers.file.relative", "http.matchers.file.remainder"} {
			if strings.Contains(path, "{"+key+"}") {
				if v, ok := repl.get(key); ok {
					path = strings.ReplaceAll(path, "{"+key+"}", strings.ReplaceAll(url.PathEscape(v), "%2F", "/"))
				}
			}
		}
		newPath = repl.replaceAll(path)
		newPath, _, _ = strings.Cut(newPath, "#")
		if before, after, found := strings.Cut(newPath, "?"); found {
			newPath = before
			if query == "" {
				// Braces from values are escaped so that the query
				// builder does not expand them (as Caddy).
				query = strings.NewReplacer("{", "%7B", "}", "%7D").Replace(after)
				injected = true
			}
		}
	}
	var newQuery string
	if query != "" {
		newQuery = buildQueryString(query, repl)
	}
	if parts[0] {
		if p, err := url.PathUnescape(newPath); err != nil {
			u.Path = newPath
		} else {
			u.Path = p
		}
		u.RawPath = ""
	}
	if parts[1] || injected {
		u.RawQuery = newQuery
	}
}

// changePath is Caddy's: newVal edits the escaped path; the decoded path
// follows it when the result decodes, else newVal edits the decoded path.
func changePath(u *url.URL, newVal func(string) string) {
	u.RawPath = newVal(u.EscapedPath())
	if p, err := url.PathUnescape(u.RawPath); err == nil && p != "" {
		u.Path = p
	} else {
		u.Path = newVal(u.Path)
	}
	if u.RawPath == defaultEscapedPath(u.Path) {
		u.RawPath = ""
	}
}

// canonicalizePath is Caddy's, after a strip: a leading slash and a
// cleaned path (empty segments kept); the escaped form is kept only when
// it still encodes the path.
func canonicalizePath(u *url.URL) {
	p := u.Path
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	p, _ = url.PathUnescape(cleanPathMerge(defaultEscapedPath(p), false))
	raw := u.RawPath
	if raw != "" {
		if !strings.HasPrefix(raw, "/") {
			raw = "/" + raw
		}
		d, err := url.PathUnescape(raw)
		if err != nil || d != p || raw == defaultEscapedPath(p) {
			raw = ""
		}
	}
	u.Path, u.RawPath = p, raw
}

// defaultEscapedPath is the escaping url.URL gives p without a RawPath.
func defaultEscapedPath(p string) string {
	return (&url.URL{Path: p}).EscapedPath()
}

// queryOps is Caddy's queryOps.do: rename, set, add, replace, delete on
// the parsed query, which is then encoded with its keys sorted.
func (h *rewriteHandler) queryOps(u *url.URL, repl replacer) {
	q := h.cfg.Query
	query := u.Query()
	for _, op := range q.Rename {
		key, val := repl.replaceAll(op.Key), repl.replaceAll(op.Val)
		if key == "" || val == "" || key == val {
			continue
		}
		if vals, ok := query[key]; ok {
			query[val] = vals
			delete(query, key)
		}
	}
	for _, op := range q.Set {
		if key := repl.replaceAll(op.Key); key != "" {
			query[key] = []string{repl.replaceAll(op.Val)}
		}
	}
	for _, op := range q.Add {
		if key := repl.replaceAll(op.Key); key != "" {
			query[key] = append(query[key], repl.replaceAll(op.Val))
		}
	}
	for i, op := range q.Replace {
		key := repl.replaceAll(op.Key)
		search, with := repl.replaceKnown(op.Search), repl.replaceKnown(op.Replace)
		edit := func(v string) string {
			if re := h.queryRe[i]; re != nil {
				return re.ReplaceAllString(v, with)
			}
			return strings.ReplaceAll(v, search, with)
		}
		for name, vals := range query {
			if key != "*" && name != key {
				continue
			}
			for j := range vals {
				vals[j] = edit(vals[j])
			}
		}
	}
	for _, d := range q.Delete {
		if key := repl.replaceAll(d); key != "" {
			delete(query, key)
		}
	}
	u.RawQuery = query.Encode()
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

// trimPathSuffix is Caddy's: the escaped path loses suffix, compared
// case-insensitively from the right, escapes in the path decoded unless
// the suffix has an escape at that point.
func trimPathSuffix(escaped, suffix string) string {
	i, j := len(escaped), len(suffix)
	for i > 0 && j > 0 {
		ch, step := escaped[i-1:i], 1
		if i >= 3 && escaped[i-3] == '%' && !validEscapeAt(suffix, j-3) && !validEscapeAt(suffix, j-1) {
			d, err := url.PathUnescape(escaped[i-3 : i])
			if err != nil {
				return escaped
			}
			ch, step = d, 3
		}
		if !strings.EqualFold(ch, suffix[j-1:j]) {
			return escaped
		}
		i -= step
		j--
	}
	if j <= 0 {
		return escaped[:i]
	}
	return escaped
}

// validEscapeAt reports whether s has a percent-escape at i.
func validEscapeAt(s string, i int) bool {
	if i < 0 || i+3 > len(s) || s[i] != '%' {
		return false
	}
	_, err := url.PathUnescape(s[i : i+3])
	return err == nil
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
		return newRewriteHandler(r)
	}))
}

func (h *rewriteHandler) run(ex *Exchange, repl replacer) (uint64, error) {
	return CaddyContinue, h.rewrite(ex, repl)
}

// stripPath applies strip_path_prefix or strip_path_suffix (trim with
// affix) to u's escaped path, cleaned first (slashes merged unless affix
// has "//"), and canonicalises the path when something was stripped.
func stripPath(u *url.URL, affix string, trim func(path, affix string) string) {
	merge := !strings.Contains(affix, "//")
	stripped := false
	changePath(u, func(escaped string) string {
		escaped = cleanPathMerge(escaped, merge)
		t := trim(escaped, affix)
		stripped = stripped || t != escaped
		return t
	})
	if stripped {
		canonicalizePath(u)
	}
}
