package caddyconf

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// ParseListenAddr parses a listen address as Caddy's
// caddy.ParseNetworkAddress: "[network/]host:port[-port]", with
// "unix/path" and "fd/N" forms. An address holding {env.*} placeholders,
// which Caddy expands when it starts listening, is returned with Deferred
// set and only Raw filled in: expand it, then parse it again. Other
// placeholders are rejected.
func ParseListenAddr(s string) (ListenAddr, error) {
	if strings.ContainsAny(s, "{}") {
		for rest := s; rest != ""; {
			i := strings.IndexByte(rest, '{')
			if i < 0 {
				break
			}
			j := strings.IndexByte(rest[i:], '}')
			if j < 0 || !strings.HasPrefix(rest[i:], "{env.") || j <= len("{env.") {
				return ListenAddr{}, fmt.Errorf("only {env.*} placeholders are allowed in listen address %q", s)
			}
			rest = rest[i+j+1:]
		}
		if strings.Count(s, "{") != strings.Count(s, "}") {
			return ListenAddr{}, fmt.Errorf("unbalanced braces in listen address %q", s)
		}
		return ListenAddr{Raw: s, Deferred: true}, nil
	}
	network, rest := "tcp", s
	if i := strings.IndexByte(s, '/'); i >= 0 {
		network, rest = strings.ToLower(s[:i]), s[i+1:]
	}
	switch network {
	case "unix", "unixgram", "unixpacket":
		if rest == "" {
			return ListenAddr{}, fmt.Errorf("empty socket path in %q", s)
		}
		return ListenAddr{Raw: s, Network: network, Host: rest}, nil
	case "fd", "fdgram":
		if _, err := strconv.ParseUint(rest, 10, 31); err != nil {
			return ListenAddr{}, fmt.Errorf("invalid file descriptor in %q", s)
		}
		return ListenAddr{Raw: s, Network: network, Host: rest}, nil
	case "tcp", "tcp4", "tcp6", "udp", "udp4", "udp6":
	default:
		return ListenAddr{}, fmt.Errorf("unknown network %q in %q", network, s)
	}
	host, port, err := net.SplitHostPort(rest)
	if err != nil {
		return ListenAddr{}, fmt.Errorf("invalid listen address %q: %v", s, err)
	}
	lo, hi, found := strings.Cut(port, "-")
	if !found {
		hi = lo
	}
	start, err1 := strconv.ParseUint(lo, 10, 16)
	end, err2 := strconv.ParseUint(hi, 10, 16)
	if err1 != nil || err2 != nil || start > end {
		return ListenAddr{}, fmt.Errorf("invalid port range %q in %q", port, s)
	}
	return ListenAddr{Raw: s, Network: network, Host: host, StartPort: uint16(start), EndPort: uint16(end)}, nil
}
