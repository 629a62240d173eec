package helpers

import (
	"fmt"
	"net/textproto"
	"regexp"
	"sort"
	"strings"

	"github.com/zeroserve/zeroserve/internal/caddyconf"
)

// headerOps are parsed Caddy header operations (caddyconf.HeaderOps),
// applied in Caddy's order: delete "*", add, set, delete, replace.
type headerOps struct {
	add     []headerKV
	set     []headerKV // sorted by canonical name, values merged, as Caddy's Provision
	delete  []string
	replace []headerReplace
}

type headerKV struct {
	name string
	vals []string
}

type headerReplace struct {
	field   string
	search  string
	re      *regexp.Regexp
	replace string
}

// respHeaderOps are response header operations; with deferred or require
// they apply when the response is written (see deferResponseOps).
type respHeaderOps struct {
	ops      *headerOps
	deferred bool
	require  *caddyconf.ResponseMatcher
}

func newHeaderOps(raw *caddyconf.HeaderOps) (*headerOps, error) {
	if raw == nil {
		return nil, nil
	}
	ops := &headerOps{delete: raw.Delete}
	for _, name := range sortedKeys(raw.Add) {
		ops.add = append(ops.add, headerKV{name, raw.Add[name]})
	}
	merged := map[string][]string{}
	for _, name := range sortedKeys(raw.Set) {
		c := textproto.CanonicalMIMEHeaderKey(name)
		merged[c] = append(merged[c], raw.Set[name]...)
	}
	for _, name := range sortedKeys(merged) {
		ops.set = append(ops.set, headerKV{name, merged[name]})
	}
	for _, field := range sortedKeys(raw.Replace) {
		for i, r := range raw.Replace[field] {
			hr := headerReplace{field: field, search: r.Search, replace: r.Replace}
			if r.SearchRegexp != "" {
				if strings.ContainsAny(r.SearchRegexp, "{}") && len(Placeholders(r.SearchRegexp)) > 0 {
					return nil, fmt.Errorf("replace %d of header %q: placeholders in search_regexp are not supported", i, field)
				}
				re, err := regexp.Compile(r.SearchRegexp)
				if err != nil {
					return nil, fmt.Errorf("replace %d of header %q: %v", i, field, err)
				}
				hr.re = re
			}
			ops.replace = append(ops.replace, hr)
		}
	}
	return ops, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// apply edits the header h as Caddy's HeaderOps.ApplyTo edits an
// http.Header (names canonicalised, as Go's Header methods do).
func (ops *headerOps) apply(h []Field, repl replacer) []Field {
	if ops == nil {
		return h
	}
	for _, name := range ops.delete {
		if repl.replaceKnown(name) == "*" {
			clear(h)
			h = h[:0]
		}
	}
	for _, kv := range ops.add {
		name := textproto.CanonicalMIMEHeaderKey(repl.replaceKnown(kv.name))
		for _, v := range kv.vals {
			h = append(h, Field{name, repl.replaceKnown(v)})
		}
	}
	for _, kv := range ops.set {
		name := kv.name
		if e := repl.replaceKnown(name); e != name {
			name = textproto.CanonicalMIMEHeaderKey(e)
		}
		vals := make([]string, len(kv.vals))
		for i, v := range kv.vals {
			vals[i] = repl.replaceKnown(v)
		}
		h = deleteFields(h, func(n string) bool { return strings.EqualFold(n, name) })
		if name == "Set-Cookie" && len(vals) > 1 {
			for _, v := range vals {
				h = append(h, Field{name, v})
			}
			continue
		}
		h = append(h, Field{name, strings.Join(vals, ",")})
	}
	for _, name := range ops.delete {
		name = strings.ToLower(repl.replaceKnown(name))
		if name != "*" {
			h = deleteFields(h, headerPattern(name))
		}
	}
	for _, r := range ops.replace {
		field := textproto.CanonicalMIMEHeaderKey(repl.replaceKnown(r.field))
		search, replace := repl.replaceKnown(r.search), repl.replaceKnown(r.replace)
		for i := range h {
			if field != "*" && textproto.CanonicalMIMEHeaderKey(h[i].Name) != field {
				continue
			}
			if r.re != nil {
				h[i].Value = r.re.ReplaceAllString(h[i].Value, replace)
			} else {
				h[i].Value = strings.ReplaceAll(h[i].Value, search, replace)
			}
		}
	}
	return h
}

// deleteFields removes the fields whose name matches.
func deleteFields(h []Field, match func(string) bool) []Field {
	kept := h[:0]
	for _, f := range h {
		if !match(f.Name) {
			kept = append(kept, f)
		}
	}
	clear(h[len(kept):])
	return kept
}

// responseMatches is Caddy's ResponseMatcher.Match: the status is one of
// the codes (a single digit matches its class) and the header fields
// match as a header matcher does, without placeholder expansion.
func responseMatches(rm *caddyconf.ResponseMatcher, status int, h []Field) bool {
	if rm.StatusCode != nil {
		ok := false
		for _, code := range rm.StatusCode {
			if code == status || code < 100 && status >= code*100 && status < (code+1)*100 {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	for field, allowed := range rm.Headers {
		actual := headerValues(h, field)
		if allowed != nil && len(allowed) == 0 && actual != nil {
			continue
		}
		if allowed == nil && actual == nil {
			continue
		}
		if !anyValueMatches(actual, allowed, func(s string) string { return s }) {
			return false
		}
	}
	return true
}

// writeHeader is what Caddy's deferred header wrappers do when a handler
// writes the response header with status: each deferred op whose require
// matches edits the response header, innermost (last registered) first.
func writeHeader(ex *Exchange, status int) {
	repl := replacer{ex}
	for i := len(ex.caddy.deferred) - 1; i >= 0; i-- {
		d := ex.caddy.deferred[i]
		if d.require == nil || responseMatches(d.require, status, ex.ResponseHeader) {
			ex.ResponseHeader = d.ops.apply(ex.ResponseHeader, repl)
		}
	}
}

func init() {
	registerCaddyHandler("headers", configOf(newHeadersHandler))
}

// headersHandler is Caddy's headers handler: request operations now,
// response operations now or (deferred, require) when the response is
// written.
type headersHandler struct {
	req  *headerOps
	resp *respHeaderOps
}

func newHeadersHandler(cfg *caddyconf.Headers) (caddyRunner, error) {
	h := &headersHandler{}
	var err error
	if h.req, err = newHeaderOps(cfg.Request); err != nil {
		return nil, err
	}
	if r := cfg.Response; r != nil {
		ops, err := newHeaderOps(&r.HeaderOps)
		if err != nil {
			return nil, err
		}
		h.resp = &respHeaderOps{ops: ops, deferred: r.Deferred, require: r.Require}
	}
	return h, nil
}

func (h *headersHandler) run(ex *Exchange, repl replacer) (uint64, error) {
	if h.req != nil {
		ex.Req.Header = h.req.apply(ex.Req.Header, repl)
	}
	if r := h.resp; r != nil {
		if r.deferred || r.require != nil {
			ex.caddy.deferred = append(ex.caddy.deferred, r)
		} else {
			ex.ResponseHeader = r.ops.apply(ex.ResponseHeader, repl)
		}
	}
	return CaddyContinue, nil
}
