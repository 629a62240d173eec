package caddyfile

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// proxyUpstream is one static upstream of reverse_proxy, as Caddy's
// reverseproxy.Upstream marshals it.
type proxyUpstream struct {
	Dial string `json:"dial,omitempty"`
}

// upstreamAddr is an upstream address taken apart, as Caddy's
// reverseproxy.parsedAddr: a network address (host:port, unix/path) or a
// URL with only a scheme, host and port.
type upstreamAddr struct {
	network, scheme, host, port string
}

// proxyMaxPortSpan is the largest port range caddy.ParseNetworkAddress
// accepts.
const proxyMaxPortSpan = 65535

// parseUpstreamAddr parses one upstream address with the rules of Caddy's
// parseUpstreamDialAddress: URLs get their default port from the scheme,
// bare hosts default to port 80, placeholders defer resolution.
func parseUpstreamAddr(addr string) (upstreamAddr, error) {
	var a upstreamAddr
	if strings.Contains(addr, "://") {
		if strings.Contains(addr, "{") {
			return a, errors.New("due to parsing difficulties, placeholders are not allowed when an upstream address contains a scheme")
		}
		u, err := url.Parse(addr)
		if err != nil {
			if !strings.Contains(err.Error(), "invalid port") || !strings.Contains(err.Error(), "-") {
				return a, fmt.Errorf("parsing upstream URL: %v", err)
			}
			i := strings.LastIndex(addr, ":")
			portRange := addr[i+1:]
			if strings.Count(portRange, "-") != 1 {
				return a, fmt.Errorf("parsing upstream URL: parse %q: port range invalid: %v", addr, portRange)
			}
			u, err = url.Parse(strings.ReplaceAll(addr, portRange, "0"))
			if err != nil {
				return a, fmt.Errorf("parsing upstream URL: %v", err)
			}
			a.port = portRange
		}
		if a.port == "" {
			a.port = u.Port()
		}
		if u.Path != "" || u.RawQuery != "" || u.Fragment != "" {
			return a, errors.New("for now, URLs for proxy upstreams only support scheme, host, and port components")
		}
		switch {
		case u.Scheme == "http" && a.port == "443":
			return a, errors.New("upstream address has conflicting scheme (http://) and port (:443, the HTTPS port)")
		case u.Scheme == "https" && a.port == "80":
			return a, errors.New("upstream address has conflicting scheme (https://) and port (:80, the HTTP port)")
		case u.Scheme == "h2c" && a.port == "443":
			return a, errors.New("upstream address has conflicting scheme (h2c://) and port (:443, the HTTPS port)")
		}
		if a.port == "" {
			switch u.Scheme {
			case "", "http", "h2c":
				a.port = "80"
			case "https":
				a.port = "443"
			}
		}
		a.scheme, a.host = u.Scheme, u.Hostname()
	} else {
		var err error
		a.network, a.host, a.port, err = splitNetworkAddress(addr)
		if err != nil {
			a.host = addr
		}
		if a.port == "" && !strings.Contains(a.host, "{") && !isUnixNetwork(a.network) && !isFdNetwork(a.network) {
			a.port = "80"
		}
	}
	if a.network == "unix+h2c" {
		a.network, a.scheme = "unix", "h2c"
	}
	return a, nil
}

// dial returns the address to dial, as Caddy's parsedAddr.dialAddr.
func (a upstreamAddr) dial() string {
	if a.network != "" {
		return joinNetworkAddress(a.network, a.host, a.port)
	}
	if a.port == "" && strings.Contains(a.host, "{") {
		return a.host
	}
	return net.JoinHostPort(a.host, a.port)
}

// expand returns the upstreams for a: one per port of a port range, one
// for anything else. It validates a as caddy.ParseNetworkAddress does.
func (a upstreamAddr) expand() ([]proxyUpstream, error) {
	if strings.Contains(a.port, "{") && strings.Contains(a.port, "}") {
		return []proxyUpstream{{Dial: a.dial()}}, nil
	}
	na, err := parseNetworkAddress(a.dial())
	if err != nil {
		return nil, err
	}
	if isUnixNetwork(na.network) {
		if _, perm, ok := strings.Cut(na.host, "|"); ok {
			mode, err := strconv.ParseUint(perm, 8, 32)
			if err != nil {
				return nil, fmt.Errorf("could not parse octal permission bits in %s: %v", na.host, err)
			}
			if mode&0o200 == 0 {
				return nil, fmt.Errorf("owner of the socket requires '-w-' (write, octal: '2') permissions at least in %s", na.host)
			}
		}
	}
	if isUnixNetwork(na.network) || isFdNetwork(na.network) || !strings.Contains(a.port, "-") {
		return []proxyUpstream{{Dial: a.dial()}}, nil
	}
	if na.endPort-na.startPort+1 > proxyMaxPortSpan {
		return nil, fmt.Errorf("port range exceeds %d ports", proxyMaxPortSpan)
	}
	ups := make([]proxyUpstream, 0, na.endPort-na.startPort+1)
	for p := na.startPort; p <= na.endPort; p++ {
		ups = append(ups, proxyUpstream{Dial: joinNetworkAddress("", na.host, strconv.FormatUint(p, 10))})
	}
	return ups, nil
}
