package caddyfile

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"unicode"
)

// Default ports of the http app, as caddyhttp.DefaultHTTPPort/HTTPSPort.
const (
	defaultHTTPPort  = 80
	defaultHTTPSPort = 443
)

// Address is one site address (a server block key) split into parts, as
// httpcaddyfile.Address: [scheme://]host[:port][/path].
type Address struct {
	Original, Scheme, Host, Port, Path string
}

// ParseAddress splits a site address into its parts. It accepts anything
// Caddy accepts (hosts may hold wildcards and placeholders; IPv6 hosts are
// bracketed); only an invalid or out-of-range port is an error.
func ParseAddress(str string) (Address, error) {
	const maxLen = 4096
	if len(str) > maxLen {
		str = str[:maxLen]
	}
	remaining := strings.TrimSpace(str)
	a := Address{Original: remaining}

	if scheme, rest, ok := strings.Cut(remaining, "://"); ok {
		a.Scheme = scheme
		remaining = rest
	}
	hostPort, path, hasPath := strings.Cut(remaining, "/")
	host, port, err := net.SplitHostPort(hostPort)
	if err != nil {
		host, port, err = net.SplitHostPort(hostPort + ":")
		if err != nil {
			host = hostPort
		}
	}
	a.Host, a.Port = host, port
	if hasPath {
		a.Path = "/" + path
	}
	if a.Port != "" {
		n, err := strconv.Atoi(a.Port)
		if err != nil {
			return Address{}, fmt.Errorf("invalid port '%s': %v", a.Port, err)
		}
		if n < 0 || n > 65535 {
			return Address{}, fmt.Errorf("port %d is out of range", n)
		}
	}
	return a, nil
}

// String returns the address in URL form, omitting the scheme's default
// port, as Caddy does.
func (a Address) String() string {
	if a.Host == "" && a.Port == "" {
		return ""
	}
	scheme := a.Scheme
	if scheme == "" {
		if a.Port == strconv.Itoa(defaultHTTPSPort) {
			scheme = "https"
		} else {
			scheme = "http"
		}
	}
	s := scheme + "://"
	if a.Port != "" &&
		((scheme == "https" && a.Port != strconv.Itoa(defaultHTTPSPort)) ||
			(scheme == "http" && a.Port != strconv.Itoa(defaultHTTPPort))) {
		s += net.JoinHostPort(a.Host, a.Port)
	} else {
		s += a.Host
	}
	return s + a.Path
}

// Normalize lower-cases the scheme and host (except inside placeholders)
// and writes IPv6 hosts in canonical form.
func (a Address) Normalize() Address {
	host := strings.TrimSpace(a.Host)
	if ip, err := netip.ParseAddr(host); err == nil && ip.Is6() && !ip.Is4In6() {
		host = ip.String()
	}
	return Address{
		Original: a.Original,
		Scheme:   lowerOutsidePlaceholders(a.Scheme),
		Host:     lowerOutsidePlaceholders(host),
		Port:     a.Port,
		Path:     a.Path,
	}
}

// lowerOutsidePlaceholders lower-cases s except inside {placeholders};
// a backslash escapes the next brace.
func lowerOutsidePlaceholders(s string) string {
	var b strings.Builder
	escaped, inPlaceholder := false, false
	for _, ch := range s {
		if ch == '\\' && !escaped {
			escaped = true
			b.WriteRune(ch)
			continue
		}
		if ch == '{' && !escaped {
			inPlaceholder = true
		}
		if ch == '}' && inPlaceholder && !escaped {
			inPlaceholder = false
		}
		if inPlaceholder {
			b.WriteRune(ch)
		} else {
			b.WriteRune(unicode.ToLower(ch))
		}
		escaped = false
	}
	return b.String()
}

// networkAddress is a listener address: network, host and port range, as
// caddy.NetworkAddress.
type networkAddress struct {
	network            string
	host               string
	startPort, endPort uint64
}

// isUnixNetwork and isFdNetwork tell socket-file and file-descriptor
// networks, which have no port.
func isUnixNetwork(n string) bool { return strings.HasPrefix(n, "unix") }
func isFdNetwork(n string) bool   { return strings.HasPrefix(n, "fd") }

// splitNetworkAddress splits "network/host:port" as caddy.SplitNetworkAddress.
func splitNetworkAddress(a string) (network, host, port string, err error) {
	before, after, found := strings.Cut(a, "/")
	if found {
		network = strings.ToLower(strings.TrimSpace(before))
		a = after
		if isUnixNetwork(network) || isFdNetwork(network) {
			return network, a, "", nil
		}
	}
	host, port, err = net.SplitHostPort(a)
	firstErr := err
	if err != nil {
		host, _, err = net.SplitHostPort(net.JoinHostPort(strings.Trim(a, "[]"), "0"))
		port = ""
	}
	if err != nil {
		err = errors.Join(firstErr, err)
	}
	return network, host, port, err
}

// joinNetworkAddress is the inverse of splitNetworkAddress.
func joinNetworkAddress(network, host, port string) string {
	var a string
	if network != "" {
		a = network + "/"
	}
	if (host != "" && port == "") || isUnixNetwork(network) || isFdNetwork(network) {
		a += host
	} else if port != "" {
		a += net.JoinHostPort(host, port)
	}
	return a
}

// parseNetworkAddress parses a listener address with network default
// "tcp", as caddy.ParseNetworkAddress.
func parseNetworkAddress(addr string) (networkAddress, error) {
	network, host, port, err := splitNetworkAddress(addr)
	if err != nil {
		return networkAddress{}, err
	}
	if network == "" {
		network = "tcp"
	}
	if isUnixNetwork(network) || isFdNetwork(network) {
		return networkAddress{network: network, host: host}, nil
	}
	var start, end uint64
	if port != "" {
		if len(port) > 11 {
			return networkAddress{}, fmt.Errorf("invalid port: longer than 11 characters")
		}
		before, after, found := strings.Cut(port, "-")
		if !found {
			after = before
		}
		if start, err = strconv.ParseUint(before, 10, 16); err != nil {
			return networkAddress{}, fmt.Errorf("invalid start port: %v", err)
		}
		if end, err = strconv.ParseUint(after, 10, 16); err != nil {
			return networkAddress{}, fmt.Errorf("invalid end port: %v", err)
		}
		if end < start {
			return networkAddress{}, fmt.Errorf("end port must not be less than start port")
		}
	}
	return networkAddress{network: network, host: host, startPort: start, endPort: end}, nil
}

// String formats the address as Caddy's listen addresses, omitting "tcp".
func (na networkAddress) String() string {
	network := na.network
	port := strconv.FormatUint(na.startPort, 10)
	if na.startPort != na.endPort {
		port = fmt.Sprintf("%d-%d", na.startPort, na.endPort)
	}
	if network == "tcp" && (na.host != "" || port != "") {
		network = ""
	}
	return joinNetworkAddress(network, na.host, port)
}

// listenersUseAnyPortOtherThan reports whether any of the listener
// addresses can listen on a port other than port.
func listenersUseAnyPortOtherThan(addresses []string, port string) bool {
	p, err := strconv.ParseUint(port, 10, 64)
	if err != nil {
		return false
	}
	for _, a := range addresses {
		na, err := parseNetworkAddress(a)
		if err != nil {
			continue
		}
		if p > na.endPort || p < na.startPort {
			return true
		}
	}
	return false
}
