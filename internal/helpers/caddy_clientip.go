package helpers

import (
	"encoding/json"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"

	"github.com/zeroserve/zeroserve/internal/vm"
)

// CaddyClientIP is the configuration of zs_caddy_client_ip: a server's
// trusted proxies (static ranges), the fields that carry the client IP
// and whether they are read strictly (Caddy's trusted_proxies,
// client_ip_headers and trusted_proxies_strict).
type CaddyClientIP struct {
	// Ranges are the trusted proxies' IPs or CIDR ranges.
	Ranges []string `json:"ranges"`
	// Headers are read in order; Caddy's default is X-Forwarded-For.
	Headers []string `json:"headers"`
	// Strict reads each field right to left and takes the first address
	// that is not a trusted proxy.
	Strict bool `json:"strict,omitempty"`
}

// clientIPConfig is a parsed CaddyClientIP.
type clientIPConfig struct {
	trusted []netip.Prefix
	headers []string
	strict  bool
}

// The variables Caddy's server sets for every request (caddyhttp's
// ClientIPVarKey and TrustedProxyVarKey).
const (
	clientIPVar     = "client_ip"
	trustedProxyVar = "trusted_proxy"
)

func init() {
	table = append(table, struct {
		name string
		fn   vm.HelperFunc
	}{"zs_caddy_client_ip", zsCaddyClientIP})
}

// zsCaddyClientIP is zs_caddy_client_ip(cfg, len) -> 0: the compiled
// server calls it first on every request when it has trusted proxies; it
// sets the variables client_ip and trusted_proxy as Caddy's server does
// (determineTrustedProxy). Without the call the client IP is the peer's.
func zsCaddyClientIP(c *vm.Context, p, n, _, _, _ uint64) (uint64, error) {
	k, err := current(c)
	if err != nil {
		return 0, err
	}
	cfg, err := cachedConfig(c, "zs_caddy_client_ip", p, n, parseClientIP)
	if err != nil {
		return 0, err
	}
	ip, trusted := cfg.clientIP(&k.Ex.Req)
	k.Ex.caddy.setVar(clientIPVar, ip)
	k.Ex.caddy.setVar(trustedProxyVar, trusted)
	return 0, nil
}

// CheckCaddyClientIP checks zs_caddy_client_ip's JSON as the helper will
// parse it.
func CheckCaddyClientIP(b []byte) error {
	_, err := parseClientIP(b)
	return err
}

func parseClientIP(b []byte) (*clientIPConfig, error) {
	var raw CaddyClientIP
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, err
	}
	cfg := &clientIPConfig{headers: raw.Headers, strict: raw.Strict}
	if len(cfg.headers) == 0 {
		cfg.headers = []string{"X-Forwarded-For"}
	}
	for _, s := range raw.Ranges {
		p, err := parseCIDR(s)
		if err != nil {
			return nil, fmt.Errorf("trusted_proxies: %v", err)
		}
		cfg.trusted = append(cfg.trusted, p)
	}
	return cfg, nil
}

// parseCIDR is Caddy's CIDRExpressionToPrefix: "a.b.c.d/n" or one address.
func parseCIDR(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		return netip.ParsePrefix(s)
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// peerIP is the peer's address without port and zone as Caddy's server
// prints it, or "" when it is not an IP address.
func peerIP(peer string) (netip.Addr, bool) {
	host, _, err := net.SplitHostPort(peer)
	if err != nil {
		return netip.Addr{}, false
	}
	host, _, _ = strings.Cut(host, "%")
	a, err := netip.ParseAddr(host)
	return a, err == nil
}

// clientIP is Caddy's determineTrustedProxy: the client IP and whether
// the peer is a trusted proxy.
func (cfg *clientIPConfig) clientIP(req *Request) (string, bool) {
	a, ok := peerIP(req.Peer)
	if !ok {
		return "", false
	}
	if !cfg.isTrusted(a) {
		return a.String(), false
	}
	if cfg.strict {
		return cfg.strictClientIP(req, a.String()), true
	}
	return cfg.leftmostClientIP(req, a.String()), true
}

func (cfg *clientIPConfig) isTrusted(a netip.Addr) bool {
	return slices.ContainsFunc(cfg.trusted, func(p netip.Prefix) bool { return p.Contains(a) })
}

// headerIP parses one element of a client-IP field: an address with an
// optional port and zone, spaces around it ignored.
func headerIP(part string) (netip.Addr, bool) {
	host, _, err := net.SplitHostPort(part)
	if err != nil {
		host = part
	}
	host, _, _ = strings.Cut(strings.TrimSpace(host), "%")
	a, err := netip.ParseAddr(host)
	return a, err == nil
}

// leftmostClientIP is Caddy's trustedRealClientIP: the first valid address
// of all the fields' values joined by ",", else the peer's.
func (cfg *clientIPConfig) leftmostClientIP(req *Request, peer string) string {
	var vals []string
	for _, h := range cfg.headers {
		vals = append(vals, headerValues(req.Header, h)...)
	}
	if len(vals) == 0 {
		return peer
	}
	for part := range strings.SplitSeq(strings.Join(vals, ","), ",") {
		if a, ok := headerIP(part); ok {
			return a.String()
		}
	}
	return peer
}

// strictClientIP is Caddy's strictUntrustedClientIp: for each field in
// order, its values right to left, the first valid address that is not
// trusted, else the peer's.
func (cfg *clientIPConfig) strictClientIP(req *Request, peer string) string {
	for _, h := range cfg.headers {
		parts := strings.Split(strings.Join(headerValues(req.Header, h), ","), ",")
		for _, part := range slices.Backward(parts) {
			if a, ok := headerIP(part); ok && !cfg.isTrusted(a) {
				return a.String()
			}
		}
	}
	return peer
}

// varAny is a variable's value as Caddy's request has it: client_ip and
// trusted_proxy default to the peer's address and false (the server sets
// them for every request; zs_caddy_client_ip does when the server has
// trusted proxies).
func varAny(ex *Exchange, name string) any {
	if v, ok := ex.caddy.vars[name]; ok {
		return v
	}
	switch name {
	case clientIPVar:
		if a, ok := peerIP(ex.Req.Peer); ok {
			return a.String()
		}
		return ""
	case trustedProxyVar:
		return false
	}
	return nil
}

// varString is {http.vars.<name>}.
func varString(ex *Exchange, name string) string {
	return placeholderString(varAny(ex, name))
}
