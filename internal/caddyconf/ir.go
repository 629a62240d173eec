package caddyconf

import (
	"errors"
	"net"
	"strings"
)

// Program is the http app lowered for the compiler (see Lower). It
// guarantees:
//
//   - Servers are sorted by name; each listen address is parsed into a
//     ListenAddr (or Deferred when it holds {env.*} placeholders). A
//     server may have none (Caddy then does not listen for it).
//   - Every route list keeps the source order; Route.Index is the
//     position in its source list and Route.Path its JSON path, so
//     generated code and error messages can point back at the config.
//   - Matchers are an OR of ANDs: a route matches when Match is empty or
//     any of its sets matches. Every regular expression in matchers and
//     handlers compiles with Go's regexp (RE2, as Caddy), every IP range
//     parses, every status code is an integer in 100–999 or a placeholder,
//     and host matchers are lower-cased and free of duplicates.
//   - Subroutes stay nested: a subroute handler carries its own RouteList
//     (and error RouteList). Named routes are lowered once per server and
//     shared; an invoke handler points at its target, the invoke graph is
//     acyclic and every name resolves. reverse_proxy handle_response
//     routes are RouteLists too.
//   - Each RouteList has a HostIndex: for a request's Host header,
//     Candidates returns, in order, the only routes of that list that can
//     match, in O(1) (one map lookup), so the last of 256 sites costs what
//     the first does. Routes left out are exactly those whose every
//     matcher set has a host matcher of plain ASCII names, none equal to
//     the host; the compiler still evaluates every matcher of the routes
//     returned.
//   - Handler configs stay the typed structs of the model (*StaticResponse,
//     *ReverseProxy, ...): the compiler serializes what each helper needs.
type Program struct {
	// Servers are the http app's servers, sorted by name.
	Servers []*ServerProgram
	// Config is the parsed config the program was lowered from.
	Config *Config
}

// ServerProgram is one lowered server.
type ServerProgram struct {
	// Name is the server's key in apps.http.servers.
	Name string
	// Listen are the parsed listen addresses.
	Listen []ListenAddr
	// Routes is the primary route list.
	Routes *RouteList
	// Errors is the error route list, or nil.
	Errors *RouteList
	// Named are the named routes by name, each lowered once.
	Named map[string]*RouteList
	// Server is the source config (timeouts, TLS policies, logs, ...).
	Server *Server
}

// ListenAddr is a parsed listen address, as Caddy's caddy.NetworkAddress.
type ListenAddr struct {
	// Raw is the address as written.
	Raw string
	// Deferred is set when Raw holds {env.*} placeholders: the other
	// fields are empty until Raw is expanded and parsed again.
	Deferred bool
	// Network is "tcp", "tcp4", "tcp6", "udp", "udp4", "udp6", "unix",
	// "unixgram", "unixpacket", "fd" or "fdgram".
	Network string
	// Host is the host or IP (empty for all interfaces), or the socket
	// path for unix networks, or the descriptor number for fd networks.
	Host string
	// StartPort and EndPort are the inclusive port range (0 for unix/fd).
	StartPort, EndPort uint16
}

// RouteList is an ordered list of routes with its host index.
type RouteList struct {
	// Path is the JSON path of the list.
	Path string
	// Routes are the routes in source order.
	Routes []*LoweredRoute
	// Hosts dispatches on the request host.
	Hosts *HostIndex
	// Groups is the number of distinct route groups (GroupIDs 0..Groups-1).
	Groups int
}

// LoweredRoute is one route of a RouteList.
type LoweredRoute struct {
	// Index is the route's position in its source list.
	Index int
	// Path is the route's JSON path.
	Path string
	// GroupID is the route's group (-1 when it has none); of the routes of
	// one list sharing a group, only the first that matches runs.
	GroupID int
	// Group is the group's name as written ("" when none).
	Group string
	// Source is the parsed route this was lowered from.
	Source *Route
	// Match is the OR of ANDs; empty matches every request.
	Match []*MatcherSet
	// Handlers is the handler chain.
	Handlers []*LoweredHandler
	// Terminal stops the list after this route.
	Terminal bool
}

// LoweredHandler is one handler of a chain.
type LoweredHandler struct {
	// Path is the handler's JSON path.
	Path string
	// Module is the typed config (*StaticResponse, *Subroute, ...).
	Module Module
	// Routes is the nested list of a subroute.
	Routes *RouteList
	// Errors is the error list of a subroute, or nil.
	Errors *RouteList
	// Invoke is the target of an invoke handler (shared with
	// ServerProgram.Named).
	Invoke *RouteList
	// RetryMatch are the checked retry_match sets of a reverse_proxy's
	// load_balancing (hosts lower-cased like route matchers).
	RetryMatch []*MatcherSet
	// ResponseRoutes are the lowered handle_response routes of a
	// reverse_proxy, parallel to ReverseProxy.HandleResponse (nil where
	// that entry has no routes).
	ResponseRoutes []*RouteList
}

// HostIndex maps request hosts to the routes that can match them.
type HostIndex struct {
	// Exact maps a lower-case host (no port) to the candidate route
	// indexes, ascending: the routes restricted to that host merged with
	// Any.
	Exact map[string][]int
	// Any are the indexes of routes not restricted to exact hosts (no
	// host matcher in some set, or a wildcard, placeholder or non-ASCII
	// host).
	Any []int
	// All are the indexes of every route (for non-ASCII request hosts).
	All []int
}

// Candidates returns the indexes of the routes that can match a request
// whose Host header is host, in order. It normalises host as Caddy's host
// matcher does (port and IPv6 brackets removed, ASCII case folded); a
// non-ASCII host, which Caddy compares with Unicode case folding, gets
// every route. The slice is shared: do not modify it.
func (hi *HostIndex) Candidates(host string) []int {
	// Without a colon SplitHostPort would fail; skipping it saves
	// allocating its error in the common case.
	if h, _, err := splitHostPort(host); err == nil {
		host = h
	} else {
		host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	}
	for i := 0; i < len(host); i++ {
		if host[i] >= 0x80 {
			return hi.All
		}
	}
	if c, ok := hi.Exact[asciiLower(host)]; ok {
		return c
	}
	return hi.Any
}

func splitHostPort(host string) (string, string, error) {
	if strings.IndexByte(host, ':') < 0 {
		return "", "", errNoPort
	}
	return net.SplitHostPort(host)
}

var errNoPort = errors.New("no port")

// asciiLower lower-cases ASCII letters only; it allocates only when host
// has an upper-case letter.
func asciiLower(host string) string {
	for i := 0; i < len(host); i++ {
		if c := host[i]; 'A' <= c && c <= 'Z' {
			b := []byte(host)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return host
}
