package caddyfile

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
)

// serverBlock is one site block (or the part of it that shares one
// listener), with the config values its directives produced, by class.
type serverBlock struct {
	block      caddyfile.ServerBlock
	pile       map[string][]ConfigValue
	parsedKeys []Address
}

// adaptation holds the state of one Caddyfile → JSON adaptation.
type adaptation struct {
	options  map[string]any
	warnings []Warning
	state    map[string]any
	groups   int

	namedRoutes       map[string]*Route
	namedRouteInvokes map[string][]string
}

// namedRouteKey is the State key and pile class of invoked named routes.
const namedRouteKey = "named_route"

// setup turns parsed server blocks into the Caddy config, as
// httpcaddyfile.ServerType.Setup.
func (a *adaptation) setup(input []caddyfile.ServerBlock) (Obj, error) {
	blocks := make([]serverBlock, 0, len(input))
	for _, sb := range input {
		for i, k := range sb.Keys {
			if i == 0 && strings.HasPrefix(k.Text, "@") {
				return nil, fmt.Errorf("%s:%d: cannot define a matcher outside of a site block: '%s'", k.File, k.Line, k.Text)
			}
			if isKnownDirective(k.Text) {
				return nil, fmt.Errorf("%s:%d: parsed '%s' as a site address, but it is a known directive; directives must appear in a site block", k.File, k.Line, k.Text)
			}
		}
		blocks = append(blocks, serverBlock{block: sb, pile: map[string][]ConfigValue{}})
	}

	blocks, err := a.evaluateGlobalOptions(blocks)
	if err != nil {
		return nil, err
	}
	blocks, err = a.extractNamedRoutes(blocks)
	if err != nil {
		return nil, err
	}
	for _, sb := range blocks {
		if err := a.evaluateSiteBlock(sb); err != nil {
			return nil, err
		}
	}

	byAddr, err := a.mapAddressesToServerBlocks(blocks)
	if err != nil {
		return nil, err
	}
	pairings := consolidateAddrMappings(byAddr)
	servers, err := a.serversFromPairings(pairings)
	if err != nil {
		return nil, err
	}
	return a.buildConfig(pairings, servers)
}

// isKnownDirective reports whether name is a directive of ours or of
// Caddy's standard distribution (which Caddy refuses as a site address even
// where zeroserve does not support the directive).
func isKnownDirective(name string) bool {
	_, ok := registeredDirectives[name]
	return ok || slices.Contains(defaultDirectiveOrder, name)
}

// evaluateSiteBlock runs the directives of one site block into its pile.
func (a *adaptation) evaluateSiteBlock(sb serverBlock) error {
	for i := range sb.block.Segments {
		expandShorthands(sb.block.Segments[i])
	}
	if len(sb.block.Keys) == 0 {
		return fmt.Errorf("server block without any key is global configuration, and if used, it must be first")
	}
	defs := map[string]Obj{}
	for _, seg := range sb.block.Segments {
		if strings.HasPrefix(seg.Directive(), "@") {
			if err := parseMatcherDefinition(caddyfile.NewDispenser(seg), defs); err != nil {
				return err
			}
		}
	}
	for _, seg := range sb.block.Segments {
		if strings.HasPrefix(seg.Directive(), "@") {
			continue
		}
		h := Helper{
			Dispenser:    caddyfile.NewDispenser(seg),
			State:        a.state,
			BlockState:   a.state,
			options:      a.options,
			matcherDefs:  defs,
			parentBlock:  sb.block,
			warnings:     &a.warnings,
			groupCounter: &a.groups,
		}
		vals, err := runDirective(h, seg)
		if err != nil {
			return err
		}
		for _, v := range vals {
			sb.pile[v.Class] = append(sb.pile[v.Class], v)
		}
		// Named routes invoked anywhere inside this directive.
		if names, ok := a.state[namedRouteKey].(map[string]struct{}); ok {
			for _, name := range sortedKeys(names) {
				sb.pile[namedRouteKey] = append(sb.pile[namedRouteKey], ConfigValue{Class: namedRouteKey, Value: name})
			}
			delete(a.state, namedRouteKey)
		}
	}
	return nil
}

// extractNamedRoutes removes the named route blocks &(name) from blocks and
// parses each into one route, kept for servers that invoke it.
func (a *adaptation) extractNamedRoutes(blocks []serverBlock) ([]serverBlock, error) {
	a.namedRoutes = map[string]*Route{}
	a.namedRouteInvokes = map[string][]string{}
	groups := 0
	state := map[string]any{}
	var sites []serverBlock
	for _, sb := range blocks {
		if !sb.block.IsNamedRoute {
			sites = append(sites, sb)
			continue
		}
		if len(sb.block.Segments) == 0 {
			continue
		}
		var whole caddyfile.Segment
		for _, seg := range sb.block.Segments {
			expandShorthands(seg)
			whole = append(whole, seg...)
		}
		h := Helper{
			Dispenser:    caddyfile.NewDispenser(whole),
			State:        state,
			BlockState:   state,
			options:      a.options,
			parentBlock:  sb.block,
			warnings:     &a.warnings,
			groupCounter: &groups,
		}
		handler, err := ParseSegmentAsSubroute(h)
		if err != nil {
			return nil, err
		}
		routes, _ := handler["routes"].([]Route)
		route := &Route{}
		if len(routes) == 1 && len(routes[0].MatcherSets) == 0 {
			route.Handle = []Obj{routes[0].Handle[0]}
		} else {
			route.Handle = []Obj{handler}
		}
		key := sb.block.GetKeysText()[0]
		if _, dup := a.namedRoutes[key]; dup {
			return nil, fmt.Errorf("cannot have duplicate named_routes: %s", key)
		}
		a.namedRoutes[key] = route
		if names, ok := state[namedRouteKey].(map[string]struct{}); ok {
			a.namedRouteInvokes[key] = append(a.namedRouteInvokes[key], sortedKeys(names)...)
			delete(state, namedRouteKey)
		}
	}
	return sites, nil
}

// hostsFromKeys returns the sorted hosts of the block's keys. Without
// loggerMode a catch-all key makes it empty; in loggerMode catch-all keys
// are skipped and hosts on non-standard ports carry their port.
func (sb serverBlock) hostsFromKeys(loggerMode bool) []string {
	set := map[string]struct{}{}
	for _, addr := range sb.parsedKeys {
		if addr.Host == "" {
			if !loggerMode {
				return []string{}
			}
			continue
		}
		if loggerMode && addr.Port != "" &&
			addr.Port != strconv.Itoa(defaultHTTPPort) && addr.Port != strconv.Itoa(defaultHTTPSPort) {
			set[joinHostPort(addr.Host, addr.Port)] = struct{}{}
		} else {
			set[addr.Host] = struct{}{}
		}
	}
	return sortedKeys(set)
}

// hostsFromKeysNotHTTP returns the sorted hosts of keys that are not
// plain HTTP (scheme http or the HTTP port).
func (sb serverBlock) hostsFromKeysNotHTTP(httpPort string) []string {
	set := map[string]struct{}{}
	for _, addr := range sb.parsedKeys {
		if addr.Host != "" && addr.Scheme != "http" && addr.Port != httpPort {
			set[addr.Host] = struct{}{}
		}
	}
	return sortedKeys(set)
}

// hasHostCatchAllKey reports whether a key of the block has no host.
func (sb serverBlock) hasHostCatchAllKey() bool {
	return slices.ContainsFunc(sb.parsedKeys, func(a Address) bool { return a.Host == "" })
}

// isAllHTTP reports whether every key of the block has scheme http.
func (sb serverBlock) isAllHTTP() bool {
	return !slices.ContainsFunc(sb.parsedKeys, func(a Address) bool { return a.Scheme != "http" })
}

// httpPorts returns the configured HTTP and HTTPS ports as strings.
func (a *adaptation) httpPorts() (httpPort, httpsPort string) {
	httpPort, httpsPort = strconv.Itoa(defaultHTTPPort), strconv.Itoa(defaultHTTPSPort)
	if p, ok := a.options["http_port"].(int); ok {
		httpPort = strconv.Itoa(p)
	}
	if p, ok := a.options["https_port"].(int); ok {
		httpsPort = strconv.Itoa(p)
	}
	return httpPort, httpsPort
}

// autoHTTPSOption returns the values of the auto_https global option.
func (a *adaptation) autoHTTPSOption() []string {
	v, _ := a.options["auto_https"].([]string)
	return v
}

// specificity returns len(s) minus wildcards and {placeholders}.
func specificity(s string) int {
	l := len(s) - strings.Count(s, "*")
	for len(s) > 0 {
		start := strings.Index(s, "{")
		if start < 0 {
			return l
		}
		end := strings.Index(s[start:], "}") + start + 1
		if end <= start {
			return l
		}
		l -= end - start
		s = s[end:]
	}
	return l
}
