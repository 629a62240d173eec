package helpers

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"net/url"
	"regexp"
	"strings"

	"github.com/zeroserve/zeroserve/internal/caddyconf"
	"github.com/zeroserve/zeroserve/internal/http1"
	"github.com/zeroserve/zeroserve/internal/vm"
)

// The request helpers that take Caddy-shaped JSON operations or match
// the request: zs_req_replace_header, zs_res_replace_header,
// zs_req_rewrite_uri, zs_req_rewrite_query, zs_req_normalized_path,
// zs_req_query_param_matches, zs_req_remote_ip_matches and
// zs_req_tls_handshake_complete. A malformed operation (invalid JSON, an
// unknown field, a bad regular expression) traps: it is a bug of the
// script, not of the request.

func init() {
	table = append(table, []struct {
		name string
		fn   vm.HelperFunc
	}{
		{"zs_req_replace_header", zsReqReplaceHeader},
		{"zs_res_replace_header", zsResReplaceHeader},
		{"zs_req_rewrite_uri", rewriteOp("zs_req_rewrite_uri", decodeURIOps)},
		{"zs_req_rewrite_query", rewriteOp("zs_req_rewrite_query", decodeQueryOps)},
		{"zs_req_normalized_path", reqString(normalizedPath)},
		{"zs_req_query_param_matches", zsReqQueryParamMatches},
		{"zs_req_remote_ip_matches", zsReqRemoteIPMatches},
		// Requests reach scripts only after the handshake (no early data).
		{"zs_req_tls_handshake_complete", reqValue(func(r *Request) uint64 { return boolResult(r.TLS) })},
	}...)
}

// replaceOp is the JSON of zs_req_replace_header and zs_res_replace_header:
// one Caddy header replacement applied to every value of the named header
// ("*": every header).
type replaceOp struct {
	Name         string `json:"name"`
	Search       string `json:"search"`
	SearchRegexp string `json:"search_regexp"`
	Replace      string `json:"replace"`
}

// parseReplaceOp reads and checks the operation at (p, n).
func parseReplaceOp(c *vm.Context, helper string, p, n uint64) (*replaceOp, *regexp.Regexp, error) {
	b, err := guestBytes(c, p, n)
	if err != nil {
		return nil, nil, err
	}
	var op replaceOp
	if err := decodeStrict(b, &op); err != nil {
		return nil, nil, fmt.Errorf("%s: %v", helper, err)
	}
	if op.Name = strings.TrimSpace(op.Name); op.Name != "*" && !isToken(op.Name) {
		return nil, nil, fmt.Errorf("%s: invalid header name %q", helper, op.Name)
	}
	if (op.Search == "") == (op.SearchRegexp == "") {
		return nil, nil, fmt.Errorf("%s: exactly one of search and search_regexp is required", helper)
	}
	var re *regexp.Regexp
	if op.SearchRegexp != "" {
		if re, err = regexp.Compile(op.SearchRegexp); err != nil {
			return nil, nil, fmt.Errorf("%s: %v", helper, err)
		}
	}
	return &op, re, nil
}

// replaceIn applies op to every matching value of h; a result that is not
// a valid field value traps, leaving h unchanged.
func replaceIn(helper string, h []Field, op *replaceOp, re *regexp.Regexp, mem *MemBudget) error {
	out := make([]string, len(h))
	for i, f := range h {
		out[i] = f.Value
		if op.Name != "*" && !strings.EqualFold(f.Name, op.Name) {
			continue
		}
		if re != nil {
			out[i] = re.ReplaceAllString(f.Value, op.Replace)
		} else {
			out[i] = strings.ReplaceAll(f.Value, op.Search, op.Replace)
		}
		if !validFieldValue(out[i]) {
			return fmt.Errorf("%s: the new value of %q is not a valid field value", helper, f.Name)
		}
		if err := mem.Take(int64(len(out[i]))); err != nil {
			return err
		}
	}
	for i := range h {
		h[i].Value = out[i]
	}
	return nil
}

// zsReqReplaceHeader is zs_req_replace_header(op_json, len) -> 0.
func zsReqReplaceHeader(c *vm.Context, p, n, _, _, _ uint64) (uint64, error) {
	k, err := current(c)
	if err != nil {
		return 0, err
	}
	op, re, err := parseReplaceOp(c, "zs_req_replace_header", p, n)
	if err != nil {
		return 0, err
	}
	return 0, replaceIn("zs_req_replace_header", k.Ex.Req.Header, op, re, k.Ex.budget())
}

// zsResReplaceHeader is zs_res_replace_header(op_json, len) -> 0, in a
// response hook only (elsewhere it traps).
func zsResReplaceHeader(c *vm.Context, p, n, _, _, _ uint64) (uint64, error) {
	res, err := hookResponse(c)
	if err != nil {
		return 0, err
	}
	k, err := current(c)
	if err != nil {
		return 0, err
	}
	op, re, err := parseReplaceOp(c, "zs_res_replace_header", p, n)
	if err != nil {
		return 0, err
	}
	return 0, replaceIn("zs_res_replace_header", res.Header, op, re, k.Ex.budget())
}

// uriOps is the JSON of zs_req_rewrite_uri: the path steps of Caddy's
// rewrite handler.
type uriOps struct {
	StripPathPrefix string                        `json:"strip_path_prefix"`
	StripPathSuffix string                        `json:"strip_path_suffix"`
	URISubstring    []caddyconf.SubstringReplacer `json:"uri_substring"`
	PathRegexp      []caddyconf.RegexReplacer     `json:"path_regexp"`
}

func decodeURIOps(b []byte) (*caddyconf.Rewrite, error) {
	var ops uriOps
	if err := decodeStrict(b, &ops); err != nil {
		return nil, err
	}
	return &caddyconf.Rewrite{StripPathPrefix: ops.StripPathPrefix, StripPathSuffix: ops.StripPathSuffix,
		URISubstring: ops.URISubstring, PathRegexp: ops.PathRegexp}, nil
}

func decodeQueryOps(b []byte) (*caddyconf.Rewrite, error) {
	var q caddyconf.QueryOps
	if err := decodeStrict(b, &q); err != nil {
		return nil, err
	}
	return &caddyconf.Rewrite{Query: &q}, nil
}

// rewriteOp returns a helper (ops_json, len) -> 0 that runs the Caddy
// rewrite steps decode reads from the JSON on the request, with Caddy's
// semantics (caddy_rewrite.go), placeholders in the values expanded as
// Caddy's rewrite handler expands them.
func rewriteOp(helper string, decode func([]byte) (*caddyconf.Rewrite, error)) vm.HelperFunc {
	return func(c *vm.Context, p, n, _, _, _ uint64) (uint64, error) {
		k, err := current(c)
		if err != nil {
			return 0, err
		}
		b, err := guestBytes(c, p, n)
		if err != nil {
			return 0, err
		}
		if err := k.Ex.budget().Take(int64(len(b))); err != nil {
			return 0, err
		}
		cfg, err := decode(b)
		if err != nil {
			return 0, fmt.Errorf("%s: %v", helper, err)
		}
		h, err := newRewriteHandler(cfg)
		if err != nil {
			return 0, fmt.Errorf("%s: %v", helper, err)
		}
		if err := h.rewrite(k.Ex, replacer{k.Ex}); err != nil {
			return 0, fmt.Errorf("%s: %v", helper, err)
		}
		return 0, nil
	}
}

// normalizedPath is the decoded, cleaned path used for file lookups
// ("/" + the relative path); the request's path as it is when it cannot be
// decoded ("*" of OPTIONS *).
func normalizedPath(r *Request) string {
	p, err := http1.NormalizePath(nil, []byte(r.Path))
	if err != nil {
		return r.Path
	}
	return string(p)
}

// zsReqQueryParamMatches is zs_req_query_param_matches(name, len, val,
// len) -> 1 when a value of the (trimmed) query parameter equals val, or
// val is "*" and the parameter is present; else 0.
func zsReqQueryParamMatches(c *vm.Context, name, nameLen, val, valLen, _ uint64) (uint64, error) {
	k, err := current(c)
	if err != nil {
		return 0, err
	}
	n, err := guestText(c, name, nameLen)
	if err != nil {
		return 0, err
	}
	v, err := guestText(c, val, valLen)
	if err != nil {
		return 0, err
	}
	q, _ := url.ParseQuery(k.Ex.Req.RawQuery)
	vals, ok := q[strings.TrimSpace(n)]
	if !ok {
		return 0, nil
	}
	if v == "*" {
		return 1, nil
	}
	for _, x := range vals {
		if x == v {
			return 1, nil
		}
	}
	return 0, nil
}

// zsReqRemoteIPMatches is zs_req_remote_ip_matches(ranges_json, len) ->
// 0/1: whether the direct peer's address is one of a JSON array of IPs and
// CIDR prefixes. Invalid JSON or an entry that is neither traps.
func zsReqRemoteIPMatches(c *vm.Context, p, n, _, _, _ uint64) (uint64, error) {
	k, err := current(c)
	if err != nil {
		return 0, err
	}
	b, err := guestBytes(c, p, n)
	if err != nil {
		return 0, err
	}
	if err := c.Charge(n); err != nil {
		return 0, err
	}
	var ranges []string
	if err := json.Unmarshal(b, &ranges); err != nil {
		return 0, fmt.Errorf("zs_req_remote_ip_matches: %v", err)
	}
	peer, perr := netip.ParseAddrPort(k.Ex.Req.Peer)
	addr := peer.Addr().Unmap()
	matched := false
	for _, r := range ranges {
		var pfx netip.Prefix
		if strings.Contains(r, "/") {
			pfx, err = netip.ParsePrefix(r)
		} else {
			var a netip.Addr
			a, err = netip.ParseAddr(r)
			pfx = netip.PrefixFrom(a, a.BitLen())
		}
		if err != nil {
			return 0, fmt.Errorf("zs_req_remote_ip_matches: %q is not an IP or CIDR", r)
		}
		if perr == nil && (pfx.Contains(addr) || pfx.Contains(peer.Addr())) {
			matched = true
		}
	}
	return boolResult(matched), nil
}
