package caddyconf

import (
	"fmt"
	"net/netip"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
)

// checkMatcherSet validates ms and returns a copy with lower-cased hosts.
func checkMatcherSet(path string, ms *MatcherSet) (*MatcherSet, error) {
	out := *ms
	if ms.Host != nil {
		out.Host = make([]string, len(ms.Host))
		seen := make(map[string]bool, len(ms.Host))
		for i, h := range ms.Host {
			// As Caddy: exact hosts are compared lower-cased; wildcards and
			// placeholders are kept as written (placeholder names are case
			// sensitive).
			lh := h
			if plainHost(h) {
				lh = strings.ToLower(h)
			}
			if seen[strings.ToLower(h)] {
				return nil, &PathError{Path: joinIndex(joinKey(path, "host"), i), Msg: fmt.Sprintf("duplicate host %q", h)}
			}
			seen[strings.ToLower(h)] = true
			out.Host[i] = lh
		}
	}
	if ms.PathRegexp != nil {
		if err := checkRegexp(joinKey(joinKey(path, "path_regexp"), "pattern"), ms.PathRegexp.Pattern); err != nil {
			return nil, err
		}
	}
	for _, field := range []struct {
		name string
		m    map[string]*MatchRegexp
	}{{"header_regexp", ms.HeaderRegexp}, {"vars_regexp", ms.VarsRegexp}} {
		for k, re := range field.m {
			p := joinKey(joinKey(path, field.name), k)
			if re == nil {
				return nil, &PathError{Path: p, Msg: "regexp is null"}
			}
			if err := checkRegexp(joinKey(p, "pattern"), re.Pattern); err != nil {
				return nil, err
			}
		}
	}
	for _, field := range []struct {
		name string
		m    *MatchIP
	}{{"remote_ip", ms.RemoteIP}, {"client_ip", ms.ClientIP}} {
		if field.m == nil {
			continue
		}
		for i, r := range field.m.Ranges {
			if err := checkIPRange(joinIndex(joinKey(joinKey(path, field.name), "ranges"), i), r); err != nil {
				return nil, err
			}
		}
	}
	if ms.Protocol != "" {
		switch p := ms.Protocol; {
		case p == "http", p == "https", p == "grpc", strings.HasPrefix(p, "http/"):
		default:
			return nil, &PathError{Path: joinKey(path, "protocol"), Msg: fmt.Sprintf("unknown protocol %q", p)}
		}
	}
	if ms.File != nil {
		if ms.File.FS != "" {
			return nil, &UnsupportedError{Kind: "file system", Name: ms.File.FS, Path: joinKey(joinKey(path, "file"), "fs")}
		}
		if err := checkTryPolicy(joinKey(joinKey(path, "file"), "try_policy"), ms.File.TryPolicy); err != nil {
			return nil, err
		}
	}
	if ms.Expression != nil && strings.TrimSpace(ms.Expression.Expr) == "" {
		return nil, &PathError{Path: joinKey(path, "expression"), Msg: "empty expression"}
	}
	if ms.Not != nil {
		out.Not = make([]MatcherSet, len(ms.Not))
		for i := range ms.Not {
			n, err := checkMatcherSet(joinIndex(joinKey(path, "not"), i), &ms.Not[i])
			if err != nil {
				return nil, err
			}
			out.Not[i] = *n
		}
	}
	return &out, nil
}

func checkTryPolicy(path, p string) error {
	switch p {
	case "", "first_exist", "first_exist_fallback", "smallest_size", "largest_size", "most_recently_modified":
		return nil
	}
	return &PathError{Path: path, Msg: fmt.Sprintf("unknown try_policy %q", p)}
}

// checkRegexp compiles re as Caddy does (Go's RE2 syntax).
func checkRegexp(path, re string) error {
	if _, ok := validRegexps.Load(re); ok {
		return nil
	}
	if _, err := regexp.Compile(re); err != nil {
		return &PathError{Path: path, Msg: err.Error()}
	}
	if validRegexpCount.Add(1) <= maxValidRegexps {
		validRegexps.Store(re, struct{}{})
	}
	return nil
}

// validRegexps remembers patterns that compiled (up to maxValidRegexps of
// them), so a config repeating a matcher on every site compiles it once.
var (
	validRegexps     sync.Map // pattern -> struct{}
	validRegexpCount atomic.Int64
)

const maxValidRegexps = 4096

// checkIPRange accepts an IP, a CIDR prefix or a placeholder.
func checkIPRange(path, r string) error {
	if strings.Contains(r, "{") {
		return nil
	}
	if strings.Contains(r, "/") {
		if _, err := netip.ParsePrefix(r); err != nil {
			return &PathError{Path: path, Msg: fmt.Sprintf("invalid CIDR range %q", r)}
		}
		return nil
	}
	if _, err := netip.ParseAddr(r); err != nil {
		return &PathError{Path: path, Msg: fmt.Sprintf("invalid IP address %q", r)}
	}
	return nil
}

// checkStatus accepts an empty status, an integer 100–999 or a placeholder.
func checkStatus(path string, ws WeakString) error {
	if ws == "" {
		return nil
	}
	if n, ok := ws.Int(); ok {
		if n < 100 || n > 999 {
			return &PathError{Path: path, Msg: fmt.Sprintf("status code %d out of range", n)}
		}
		return nil
	}
	if strings.Contains(string(ws), "{") {
		return nil
	}
	return &PathError{Path: path, Msg: fmt.Sprintf("status code %q is neither an integer nor a placeholder", string(ws))}
}

// checkHandler validates handlers that hold no nested routes.
func checkHandler(path string, m Module) error {
	switch h := m.(type) {
	case *StaticResponse:
		return checkStatus(joinKey(path, "status_code"), h.StatusCode)
	case *StaticError:
		return checkStatus(joinKey(path, "status_code"), h.StatusCode)
	case *CopyResponse:
		return checkStatus(joinKey(path, "status_code"), h.StatusCode)
	case *FileServer:
		if h.FS != "" {
			return &UnsupportedError{Kind: "file system", Name: h.FS, Path: joinKey(path, "fs")}
		}
		return checkStatus(joinKey(path, "status_code"), h.StatusCode)
	case *Headers:
		return checkHeaders(path, h)
	case *Rewrite:
		return checkRewrite(path, h)
	case *MapHandler:
		for i, mp := range h.Mappings {
			p := joinIndex(joinKey(path, "mappings"), i)
			if mp.InputRegexp != "" {
				if err := checkRegexp(joinKey(p, "input_regexp"), mp.InputRegexp); err != nil {
					return err
				}
			}
			if len(mp.Outputs) != len(h.Destinations) {
				return &PathError{Path: joinKey(p, "outputs"), Msg: fmt.Sprintf("%d outputs for %d destinations", len(mp.Outputs), len(h.Destinations))}
			}
		}
	case *Encode:
		if h.Match != nil {
			return checkResponseMatcher(joinKey(path, "match"), h.Match)
		}
	case *ZeroserveCall:
		if h.Script == "" || h.Function == "" {
			return &PathError{Path: path, Msg: "zeroserve_call needs script and function"}
		}
	}
	return nil
}

func checkHeaders(path string, h *Headers) error {
	if h.Request != nil {
		if err := checkHeaderOps(joinKey(path, "request"), h.Request); err != nil {
			return err
		}
	}
	if h.Response != nil {
		p := joinKey(path, "response")
		if err := checkHeaderOps(p, &h.Response.HeaderOps); err != nil {
			return err
		}
		if h.Response.Require != nil {
			return checkResponseMatcher(joinKey(p, "require"), h.Response.Require)
		}
	}
	return nil
}

func checkHeaderOps(path string, ops *HeaderOps) error {
	for field, reps := range ops.Replace {
		for i, r := range reps {
			if r.SearchRegexp != "" {
				p := joinKey(joinIndex(joinKey(joinKey(path, "replace"), field), i), "search_regexp")
				if err := checkRegexp(p, r.SearchRegexp); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func checkResponseMatcher(path string, rm *ResponseMatcher) error {
	for i, code := range rm.StatusCode {
		// 1–5 stand for a whole class (2 = 2xx), as in Caddy.
		if !(code >= 1 && code <= 5) && !(code >= 100 && code <= 999) {
			return &PathError{Path: joinIndex(joinKey(path, "status_code"), i), Msg: fmt.Sprintf("status code %d out of range", code)}
		}
	}
	return nil
}

func checkRewrite(path string, r *Rewrite) error {
	for i, pr := range r.PathRegexp {
		if err := checkRegexp(joinKey(joinIndex(joinKey(path, "path_regexp"), i), "find"), pr.Find); err != nil {
			return err
		}
	}
	if r.Query != nil {
		for i, qr := range r.Query.Replace {
			if qr.SearchRegexp != "" {
				p := joinKey(joinIndex(joinKey(joinKey(path, "query"), "replace"), i), "search_regexp")
				if err := checkRegexp(p, qr.SearchRegexp); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func checkReverseProxy(path string, rp *ReverseProxy) error {
	if len(rp.Upstreams) > 0 && rp.DynamicUpstreams != nil {
		return &PathError{Path: joinKey(path, "dynamic_upstreams"), Msg: "static and dynamic upstreams are mutually exclusive"}
	}
	for i, u := range rp.Upstreams {
		if u.Dial == "" {
			return &PathError{Path: joinKey(joinIndex(joinKey(path, "upstreams"), i), "dial"), Msg: "empty dial address"}
		}
	}
	for i, tp := range rp.TrustedProxies {
		if err := checkIPRange(joinIndex(joinKey(path, "trusted_proxies"), i), tp); err != nil {
			return err
		}
	}
	if rp.Headers != nil {
		if err := checkHeaders(joinKey(path, "headers"), rp.Headers); err != nil {
			return err
		}
	}
	if rp.Rewrite != nil {
		if err := checkRewrite(joinKey(path, "rewrite"), rp.Rewrite); err != nil {
			return err
		}
	}
	if lb := rp.LoadBalancing; lb != nil {
		if wrr, ok := selectionPolicy(lb).(*WeightedRoundRobin); ok && len(rp.Upstreams) > 0 && len(wrr.Weights) != len(rp.Upstreams) {
			return &PathError{Path: joinKey(joinKey(joinKey(path, "load_balancing"), "selection_policy"), "weights"),
				Msg: fmt.Sprintf("%d weights for %d upstreams", len(wrr.Weights), len(rp.Upstreams))}
		}
	}
	if hc := rp.HealthChecks; hc != nil && hc.Active != nil && hc.Active.ExpectBody != "" {
		if err := checkRegexp(joinKey(joinKey(joinKey(path, "health_checks"), "active"), "expect_body"), hc.Active.ExpectBody); err != nil {
			return err
		}
	}
	for i, rh := range rp.HandleResponse {
		p := joinIndex(joinKey(path, "handle_response"), i)
		if rh.Match != nil {
			if err := checkResponseMatcher(joinKey(p, "match"), rh.Match); err != nil {
				return err
			}
		}
		if err := checkStatus(joinKey(p, "status_code"), rh.StatusCode); err != nil {
			return err
		}
	}
	return nil
}

func selectionPolicy(lb *LoadBalancing) Module {
	if lb.SelectionPolicy == nil {
		return nil
	}
	return lb.SelectionPolicy.Value
}
