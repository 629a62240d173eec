package helpers

import (
	"encoding/json"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"slices"
	"strings"

	"github.com/zeroserve/zeroserve/internal/caddyconf"
	"github.com/zeroserve/zeroserve/internal/vm"
)

// matchSet is a parsed matcher set (caddyconf.MatcherSet): every matcher
// present must match. Every matcher of Caddy's standard set is here;
// the file matcher is in caddy_match_file.go, the expression matcher in
// caddy_match_expr.go.
type matchSet struct {
	host     []string
	path     []pathPattern
	pathRE   *capturingRegexp
	method   []string
	header   map[string][]string
	query    map[string][]string
	hasQuery bool
	not      []*matchSet
	headerRE []headerRE // sorted by field
	protocol string
	vars     map[string][]string
	varsRE   []headerRE // vars_regexp, sorted by key
	remoteIP *ipRanges
	clientIP *ipRanges
	file     *fileMatcher
	expr     *exprMatcher
}

// ipRanges are the prefixes (and zones) of a remote_ip or client_ip
// matcher, as Caddy's provisionCidrsZonesFromRanges makes them (global
// placeholders expanded once, at load).
type ipRanges struct {
	prefixes []netip.Prefix
	zones    []string
}

func newIPRanges(m *caddyconf.MatchIP) (*ipRanges, error) {
	if m == nil {
		return nil, nil
	}
	r := &ipRanges{}
	for _, s := range m.Ranges {
		// Caddy expands the ranges when it loads the configuration, with
		// the global placeholders only ({env.*}, {system.*}, ...).
		s = scanPlaceholders(s, func(key string) (string, bool) {
			v, _ := globalPlaceholder(key)
			return v, true
		}, true)
		s, zone, _ := strings.Cut(s, "%")
		var p netip.Prefix
		var err error
		if strings.Contains(s, "/") {
			p, err = netip.ParsePrefix(s)
		} else {
			var a netip.Addr
			if a, err = netip.ParseAddr(s); err == nil {
				p = netip.PrefixFrom(a, a.BitLen())
			}
		}
		if err != nil {
			return nil, fmt.Errorf("IP range %q: %v", s, err)
		}
		r.prefixes = append(r.prefixes, p)
		r.zones = append(r.zones, zone)
	}
	return r, nil
}

// match is Caddy's matchIPByCidrZones on an address "ip[%zone][:port]".
func (r *ipRanges) match(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	host, zone, _ := strings.Cut(host, "%")
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	for i, p := range r.prefixes {
		if p.Contains(ip) && (r.zones[i] == "" || r.zones[i] == zone) {
			return true
		}
	}
	return false
}

// headerRE is one field of a header_regexp matcher (or one key of a
// vars_regexp matcher).
type headerRE struct {
	field string
	re    *capturingRegexp
}

// zsCaddyMatch is zs_caddy_match(set, len) -> 0/1/3: whether the request
// matches the matcher set whose JSON (a caddyconf.MatcherSet) is at
// (set, len), or CaddyError when a matcher returned an error (Caddy's
// MatchWithError: the route then fails the request with it). A regexp
// matcher that matches records its captures.
func zsCaddyMatch(c *vm.Context, p, n, _, _, _ uint64) (uint64, error) {
	k, err := current(c)
	if err != nil {
		return 0, err
	}
	ms, err := cachedConfig(c, "zs_caddy_match", p, n, parseMatchSet)
	if err != nil {
		return 0, err
	}
	ok, err := ms.match(k.Ex)
	if err != nil {
		k.Ex.caddy.raised = matcherError(err)
		return CaddyError, nil
	}
	return boolResult(ok), nil
}

// statusError is a matcher's error with its HTTP status (Caddy's
// caddyhttp.Error from a matcher).
type statusError struct {
	status  int
	message string
}

func (e *statusError) Error() string { return e.message }

// matcherError is the handler error a matcher's error raises: its own
// status, else 500 as Caddy's server gives an error without one.
func matcherError(err error) *caddyError {
	if se, ok := err.(*statusError); ok {
		return &caddyError{status: se.status, message: se.message}
	}
	return &caddyError{status: 500, message: err.Error()}
}

func parseMatchSet(b []byte) (*matchSet, error) {
	var raw wireMatchSet
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, err
	}
	return newMatchSet(&raw)
}

// wireMatchSet reads a caddyconf.MatcherSet as the compiler writes it:
// the expression matcher is a string or an object.
type wireMatchSet struct {
	caddyconf.MatcherSet
	Expression *wireExpression `json:"expression,omitempty"`
	Not        []wireMatchSet  `json:"not,omitempty"`
}

// wireExpression is a caddyconf.MatchExpression in either JSON form.
type wireExpression caddyconf.MatchExpression

// UnmarshalJSON reads "expr" or {"expr": ..., "name": ...}.
func (w *wireExpression) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		*w = wireExpression{}
		return json.Unmarshal(b, &w.Expr)
	}
	type plain caddyconf.MatchExpression
	return json.Unmarshal(b, (*plain)(w))
}

// newMatchSet checks and prepares a matcher set, rejecting matchers it
// does not implement.
func newMatchSet(raw *wireMatchSet) (*matchSet, error) {
	ms := &matchSet{host: raw.Host, method: raw.Method, header: raw.Header, query: raw.Query, hasQuery: raw.Query != nil, protocol: raw.Protocol, vars: raw.Vars}
	if err := checkHosts(raw.Host); err != nil {
		return nil, err
	}
	var err error
	if ms.remoteIP, err = newIPRanges(raw.RemoteIP); err != nil {
		return nil, err
	}
	if ms.clientIP, err = newIPRanges(raw.ClientIP); err != nil {
		return nil, err
	}
	for _, key := range sortedKeys(raw.VarsRegexp) {
		m := raw.VarsRegexp[key]
		if m == nil {
			return nil, fmt.Errorf("vars_regexp %q is null", key)
		}
		re, err := newCapturingRegexp(m.Pattern, m.Name)
		if err != nil {
			return nil, err
		}
		ms.varsRE = append(ms.varsRE, headerRE{key, re})
	}
	for _, field := range sortedKeys(raw.HeaderRegexp) {
		m := raw.HeaderRegexp[field]
		if m == nil {
			return nil, fmt.Errorf("header_regexp %q is null", field)
		}
		re, err := newCapturingRegexp(m.Pattern, m.Name)
		if err != nil {
			return nil, err
		}
		ms.headerRE = append(ms.headerRE, headerRE{field, re})
	}
	for _, p := range raw.Path {
		if p == "*" {
			ms.path = []pathPattern{newPathPattern("*")}
			break
		}
		if !strings.Contains(p, "{") {
			p = strings.ToLower(p)
		}
		ms.path = append(ms.path, newPathPattern(p))
	}
	if raw.PathRegexp != nil {
		if ms.pathRE, err = newCapturingRegexp(raw.PathRegexp.Pattern, raw.PathRegexp.Name); err != nil {
			return nil, err
		}
	}
	if raw.File != nil {
		if ms.file, err = newFileMatcher(raw.File); err != nil {
			return nil, err
		}
	}
	if raw.Expression != nil {
		if ms.expr, err = newExprMatcher(raw.Expression.Expr, raw.Expression.Name); err != nil {
			return nil, err
		}
	}
	for i := range raw.Not {
		sub, err := newMatchSet(&raw.Not[i])
		if err != nil {
			return nil, err
		}
		ms.not = append(ms.not, sub)
	}
	return ms, nil
}

// match reports whether the request of ex matches every matcher of ms,
// in Caddy's order of evaluation for the ones with side effects; an
// expression that fails to evaluate is an error.
func (ms *matchSet) match(ex *Exchange) (bool, error) {
	repl := replacer{ex}
	if ms.host != nil && !matchHost(ms.host, ex, repl) {
		return false, nil
	}
	if ms.path != nil && !matchPath(ms.path, ex.Req.Path, repl) {
		return false, nil
	}
	if ms.method != nil && !slices.Contains(ms.method, ex.Req.Method) {
		return false, nil
	}
	if ms.header != nil && !matchHeader(ms.header, ex, repl) {
		return false, nil
	}
	if ms.hasQuery && !matchQuery(ms.query, ex.Req.RawQuery, repl) {
		return false, nil
	}
	if ms.protocol != "" && !matchProtocol(ms.protocol, &ex.Req) {
		return false, nil
	}
	if len(ms.vars) > 0 && !matchVars(ms.vars, ex, repl) {
		return false, nil
	}
	if ms.varsRE != nil && !matchVarsRE(ms.varsRE, ex, repl) {
		return false, nil
	}
	if ms.remoteIP != nil && !ms.remoteIP.match(ex.Req.Peer) {
		return false, nil
	}
	if ms.clientIP != nil && !ms.clientIP.match(varString(ex, clientIPVar)) {
		return false, nil
	}
	for _, sub := range ms.not {
		if ok, err := sub.match(ex); ok || err != nil {
			return false, err
		}
	}
	if ms.pathRE != nil && !ms.pathRE.match(cleanPath(decodedPath(ex.Req.Path)), ex) {
		return false, nil
	}
	for _, h := range ms.headerRE {
		if !matchHeaderRE(h, ex) {
			return false, nil
		}
	}
	if ms.file != nil {
		if ok, err := ms.file.match(ex, repl); !ok || err != nil {
			return false, err
		}
	}
	if ms.expr != nil {
		return ms.expr.match(ex)
	}
	return true, nil
}

// matchHeaderRE is one field of Caddy's MatchHeaderRE: some value of the
// field (Host: the request host) matches, recording its captures.
func matchHeaderRE(h headerRE, ex *Exchange) bool {
	var vals []string
	if strings.EqualFold(h.field, "host") {
		if v, ok := ex.Req.Get("Host"); ok && v != "" {
			vals = []string{v}
		}
	} else {
		vals = headerValues(ex.Req.Header, h.field)
	}
	for _, v := range vals {
		if h.re.match(v, ex) {
			return true
		}
	}
	return false
}

// varValue is the value a vars or vars_regexp matcher compares: a
// placeholder's for a key "{...}", else the variable's (fmt's %v).
func varValue(key string, ex *Exchange, repl replacer) string {
	if strings.HasPrefix(key, "{") && strings.HasSuffix(key, "}") && strings.Count(key, "{") == 1 {
		v, _ := repl.get(strings.Trim(key, "{}"))
		return v
	}
	switch v := varAny(ex, key).(type) {
	case nil:
		return ""
	case string:
		return v
	default:
		return fmt.Sprintf("%v", v)
	}
}

// matchVarsRE is Caddy's MatchVarsRE: true when some key's value matches
// its expression (keys ORed), recording the captures.
func matchVarsRE(res []headerRE, ex *Exchange, repl replacer) bool {
	for _, r := range res {
		if r.re.match(varValue(r.field, ex, repl), ex) {
			return true
		}
	}
	return false
}

// matchVars is Caddy's VarsMatcher: true when some key's value (a
// variable, or a placeholder for a key "{...}") equals one of its values
// after expansion. Keys are ORed, as in Caddy.
func matchVars(vars map[string][]string, ex *Exchange, repl replacer) bool {
	for _, key := range sortedKeys(vars) {
		val := varValue(key, ex, repl)
		for _, want := range vars[key] {
			if val == repl.replaceAll(want) {
				return true
			}
		}
	}
	return false
}

// matchProtocol is Caddy's MatchProtocol.
func matchProtocol(p string, r *Request) bool {
	atLeast := func(major, minor int) bool {
		return r.ProtoMajor > major || r.ProtoMajor == major && r.ProtoMinor >= minor
	}
	switch p {
	case "grpc":
		ct := headerValues(r.Header, "Content-Type")
		return len(ct) > 0 && strings.HasPrefix(ct[0], "application/grpc")
	case "https":
		return r.TLS
	case "http":
		return !r.TLS
	case "http/1.0":
		return r.ProtoMajor == 1 && r.ProtoMinor == 0
	case "http/1.0+":
		return atLeast(1, 0)
	case "http/1.1":
		return r.ProtoMajor == 1 && r.ProtoMinor == 1
	case "http/1.1+":
		return atLeast(1, 1)
	case "http/2":
		return r.ProtoMajor == 2
	case "http/2+":
		return atLeast(2, 0)
	case "http/3":
		return r.ProtoMajor == 3
	case "http/3+":
		return atLeast(3, 0)
	}
	return false
}

// requestHost is the Host header without port and IPv6 brackets, as
// Caddy's host matcher reads it.
func requestHost(ex *Exchange) string {
	h, _ := ex.Req.Get("Host")
	if strings.IndexByte(h, ':') < 0 {
		return h // the common case; SplitHostPort's error would allocate
	}
	if host, _, err := net.SplitHostPort(h); err == nil {
		return host
	}
	return strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
}

// checkHosts rejects a host matcher that names a host twice (ASCII case
// folded), as Caddy's MatchHost.Provision does, and a non-ASCII name
// (Caddy converts it to its IDNA ASCII form; not implemented here).
func checkHosts(hosts []string) error {
	seen := make(map[string]int, len(hosts))
	for i, h := range hosts {
		for j := 0; j < len(h); j++ {
			if h[j] >= 0x80 {
				return fmt.Errorf("host %q: non-ASCII host names (IDNA) are not supported", h)
			}
		}
		n := strings.ToLower(h)
		if first, ok := seen[n]; ok {
			return fmt.Errorf("host at index %d is repeated at index %d: %s", first, i, h)
		}
		seen[n] = i
	}
	return nil
}

// matchHost is Caddy's MatchHost: case-insensitive names, "*" standing
// for exactly one label.
func matchHost(hosts []string, ex *Exchange, repl replacer) bool {
	reqHost := requestHost(ex)
outer:
	for _, host := range hosts {
		host = repl.replaceAll(host)
		if !strings.Contains(host, "*") {
			if strings.EqualFold(reqHost, host) {
				return true
			}
			continue
		}
		pat, in := strings.Split(host, "."), strings.Split(reqHost, ".")
		if len(pat) != len(in) {
			continue
		}
		for i := range pat {
			if pat[i] != "*" && !strings.EqualFold(pat[i], in[i]) {
				continue outer
			}
		}
		return true
	}
	return false
}

// matchHeader is Caddy's MatchHeader: every field must match one of its
// values ("*" any, "*x*" substring, "*x" suffix, "x*" prefix); an empty
// list asks for presence, a null one for absence.
func matchHeader(fields map[string][]string, ex *Exchange, repl replacer) bool {
	for field, allowed := range fields {
		var actual []string
		if strings.EqualFold(field, "host") {
			if h, ok := ex.Req.Get("Host"); ok && h != "" {
				actual = []string{h}
			}
		} else {
			actual = headerValues(ex.Req.Header, field)
		}
		if allowed != nil && len(allowed) == 0 && actual != nil {
			continue
		}
		if allowed == nil && actual == nil {
			continue
		}
		if !anyValueMatches(actual, allowed, repl.replaceAll) {
			return false
		}
	}
	return true
}

// anyValueMatches reports whether one of the actual values matches one
// of the allowed patterns after expand.
func anyValueMatches(actual, allowed []string, expand func(string) string) bool {
	for _, a := range actual {
		for _, want := range allowed {
			want = expand(want)
			var ok bool
			switch {
			case want == "*":
				ok = true
			case len(want) > 1 && strings.HasPrefix(want, "*") && strings.HasSuffix(want, "*"):
				ok = strings.Contains(a, want[1:len(want)-1])
			case strings.HasPrefix(want, "*"):
				ok = strings.HasSuffix(a, want[1:])
			case strings.HasSuffix(want, "*"):
				ok = strings.HasPrefix(a, want[:len(want)-1])
			default:
				ok = a == want
			}
			if ok {
				return true
			}
		}
	}
	return false
}

// matchQuery is Caddy's MatchQuery: every key must be present with one
// of its values ("*" any value); no keys matches only an empty query; a
// malformed query matches nothing.
func matchQuery(keys map[string][]string, rawQuery string, repl replacer) bool {
	parsed, err := url.ParseQuery(rawQuery)
	if len(keys) == 0 {
		return len(parsed) == 0
	}
	if err != nil {
		return false
	}
	for param, vals := range keys {
		got, ok := parsed[repl.replaceAll(param)]
		if !ok {
			return false
		}
		matched := false
		for _, v := range vals {
			v = repl.replaceAll(v)
			if v == "*" || slices.Contains(got, v) {
				matched = true
				break
			}
		}
		if !matched {
			return false
		}
	}
	return true
}
