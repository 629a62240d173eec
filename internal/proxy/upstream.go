package proxy

import (
	"context"
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// Upstream is a parsed upstream URL: where to connect and the base path
// and query every forwarded request starts from.
type Upstream struct {
	// Host is the upstream's host as written (a name or an IP literal,
	// without brackets).
	Host string
	// Port is the TCP port (80, or 443 for https, when the URL names
	// none).
	Port uint16
	// TLS is set for https upstreams.
	TLS bool
	// BasePath is the URL's path without trailing slashes, "" when it has
	// none; request paths are appended to it.
	BasePath string
	// Query is the URL's query without '?', merged with each request's.
	Query string
	// Addr is the address connected to: set by ParseUpstream when Host is
	// an IP literal or "localhost" (127.0.0.1), by New after resolving
	// other names; the zero value means not resolved yet.
	Addr netip.AddrPort
	// Unix is the path of a Unix stream socket to connect to instead of
	// Addr ("unix//path.sock"); Host is then "localhost", the Host field
	// sent when the client's request has none.
	Unix string
}

// URLError is an upstream URL the proxy cannot use: Offset is the byte of
// URL where the problem was found.
type URLError struct {
	URL    string
	Offset int
	Reason string
}

// Error formats the URL, the offset and the reason.
func (e *URLError) Error() string {
	return "proxy: upstream " + strconv.Quote(e.URL) + " at byte " + strconv.Itoa(e.Offset) + ": " + e.Reason
}

// ParseUpstream parses an upstream URL of the form
// "http[s]://host[:port][/base/path][?query]", or a Unix socket spelled
// as Caddy and the original zeroserve spell it, "unix/" and the path
// ("unix//run/app.sock" is /run/app.sock, "unix/@name" an abstract
// socket), spoken to in plain HTTP. User info, fragments and anything else
// are URLErrors.
func ParseUpstream(raw string) (*Upstream, error) {
	bad := func(off int, reason string) (*Upstream, error) {
		return nil, &URLError{URL: raw, Offset: off, Reason: reason}
	}
	u := &Upstream{Port: 80}
	start := len("http://")
	switch {
	case strings.HasPrefix(raw, "http://"):
	case strings.HasPrefix(raw, "https://"):
		u.TLS, u.Port, start = true, 443, len("https://")
	case strings.HasPrefix(raw, "unix/"):
		return parseUnix(raw)
	case strings.HasPrefix(raw, "unix:") || strings.HasPrefix(raw, "unix+"):
		return bad(0, `a Unix socket upstream is spelled "unix//path/to.sock" (plain HTTP only)`)
	default:
		return bad(0, `want "http://" or "https://host[:port][/path]"`)
	}
	for i := 0; i < len(raw); i++ {
		if c := raw[i]; c <= ' ' || c >= 0x7f {
			return bad(i, "control, space or non-ASCII byte")
		}
	}
	if i := strings.IndexByte(raw, '#'); i >= 0 {
		return bad(i, "fragment in upstream URL")
	}
	rest := raw[start:]
	end := len(rest)
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		end = i
	}
	authority := rest[:end]
	if strings.IndexByte(authority, '@') >= 0 {
		return bad(start+strings.IndexByte(authority, '@'), "user info in upstream URL")
	}
	if authority == "" {
		return bad(start, "empty host")
	}
	host := authority
	if strings.HasPrefix(authority, "[") {
		j := strings.IndexByte(authority, ']')
		if j < 0 {
			return bad(start, "unterminated IPv6 literal")
		}
		host = authority[1:j]
		if _, err := netip.ParseAddr(host); err != nil || !strings.Contains(host, ":") {
			return bad(start+1, "invalid IPv6 literal")
		}
		after := authority[j+1:]
		if after != "" && after[0] != ':' {
			return bad(start+j+1, "junk after IPv6 literal")
		}
		if after != "" {
			p, ok := parsePort(after[1:])
			if !ok {
				return bad(start+j+2, "invalid port")
			}
			u.Port = p
		}
	} else {
		if i := strings.LastIndexByte(authority, ':'); i >= 0 {
			p, ok := parsePort(authority[i+1:])
			if !ok {
				return bad(start+i+1, "invalid port")
			}
			u.Port = p
			host = authority[:i]
		}
		if host == "" {
			return bad(start, "empty host")
		}
		for i := 0; i < len(host); i++ {
			c := host[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
				return bad(start+i, "invalid host name byte")
			}
		}
	}
	u.Host = host
	if a, err := netip.ParseAddr(host); err == nil {
		u.Addr = netip.AddrPortFrom(a.Unmap(), u.Port)
	} else if strings.EqualFold(host, "localhost") {
		u.Addr = netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, 0, 1}), u.Port)
	}
	rest = rest[end:]
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		u.Query = rest[i+1:]
		rest = rest[:i]
	}
	u.BasePath = strings.TrimRight(rest, "/")
	return u, nil
}

// parseUnix parses "unix/PATH" (the path is everything after "unix/").
func parseUnix(raw string) (*Upstream, error) {
	path := raw[len("unix/"):]
	for i := 0; i < len(path); i++ {
		if c := path[i]; c < ' ' || c == 0x7f {
			return nil, &URLError{URL: raw, Offset: len("unix/") + i, Reason: "control byte in unix socket path"}
		}
	}
	// sockaddr_un holds 108 bytes with the terminating NUL.
	if path == "" || path == "@" || len(path) > 107 {
		return nil, &URLError{URL: raw, Offset: len("unix/"), Reason: "unix socket path empty or longer than 107 bytes"}
	}
	return &Upstream{Host: "localhost", Port: 80, Unix: path}, nil
}

// parsePort parses a decimal port 1–65535.
func parsePort(s string) (uint16, bool) {
	if s == "" || len(s) > 5 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	if n < 1 || n > 65535 {
		return 0, false
	}
	return uint16(n), true
}

// HostPort returns "host:port" (brackets around an IPv6 host), the Host
// field sent when the client's request has none; "localhost" for a Unix
// socket.
func (u *Upstream) HostPort() string {
	if u.Unix != "" {
		return u.Host
	}
	return net.JoinHostPort(u.Host, strconv.Itoa(int(u.Port)))
}

// resolve sets Addr, unless already set, to the first address the
// resolver gives for Host. It blocks: call it when a proxy is built, never
// on the event loop.
func (u *Upstream) resolve(ctx context.Context) error {
	if u.Addr.IsValid() || u.Unix != "" {
		return nil
	}
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", u.Host)
	if err != nil {
		return err
	}
	if len(addrs) == 0 {
		return &net.DNSError{Err: "no addresses", Name: u.Host}
	}
	u.Addr = netip.AddrPortFrom(addrs[0].Unmap(), u.Port)
	return nil
}
