package caddyfile

import (
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
)

// bindValue is the value of a "bind" config value: listener addresses and
// the protocols to serve on them.
type bindValue struct {
	addresses []string
	protocols []string
}

// addrProtocols is one listener address and its protocols.
type addrProtocols struct {
	address   string
	protocols []string
}

// pairing associates listener addresses with the server blocks served on
// them: one pairing becomes one server.
type pairing struct {
	addresses    []addrProtocols
	serverBlocks []serverBlock
}

// mapAddressesToServerBlocks maps each listener address and protocol to the
// server blocks (restricted to the keys served there) listening on it.
func (a *adaptation) mapAddressesToServerBlocks(blocks []serverBlock) (map[string]map[string][]serverBlock, error) {
	out := map[string]map[string][]serverBlock{}
	type keyAddr struct {
		key    caddyfile.Token
		parsed Address
	}
	for i, sb := range blocks {
		byAddr := map[string]map[string][]keyAddr{}
		for j, key := range sb.block.Keys {
			parsed, err := ParseAddress(key.Text)
			if err != nil {
				return nil, fmt.Errorf("parsing key: %v", err)
			}
			parsed = parsed.Normalize()
			listeners, err := a.listenersForAddress(sb, parsed)
			if err != nil {
				return nil, fmt.Errorf("server block %d, key %d (%s): determining listener address: %v", i, j, key.Text, err)
			}
			for addr, protocols := range listeners {
				m, ok := byAddr[addr]
				if !ok {
					m = map[string][]keyAddr{}
					byAddr[addr] = m
				}
				if len(protocols) == 0 {
					protocols[""] = struct{}{}
				}
				for p := range protocols {
					m[p] = append(m[p], keyAddr{key, parsed})
				}
			}
		}
		for _, addr := range sortedKeys(byAddr) {
			protoMap := byAddr[addr]
			target, ok := out[addr]
			if !ok {
				target = map[string][]serverBlock{}
				out[addr] = target
			}
			for _, p := range sortedKeys(protoMap) {
				kas := protoMap[p]
				nb := serverBlock{pile: sb.pile}
				nb.block = sb.block
				nb.block.Keys = make([]caddyfile.Token, len(kas))
				nb.parsedKeys = make([]Address, len(kas))
				for k, ka := range kas {
					nb.block.Keys[k] = ka.key
					nb.parsedKeys[k] = ka.parsed
				}
				target[p] = append(target[p], nb)
			}
		}
	}
	return out, nil
}

// listenersForAddress returns the listener addresses (with protocols) on
// which a site address of sb is served.
func (a *adaptation) listenersForAddress(sb serverBlock, addr Address) (map[string]map[string]struct{}, error) {
	switch addr.Scheme {
	case "wss":
		return nil, fmt.Errorf("the scheme wss:// is only supported in browsers; use https:// instead")
	case "ws":
		return nil, fmt.Errorf("the scheme ws:// is only supported in browsers; use http:// instead")
	case "https", "http", "":
	default:
		return nil, fmt.Errorf("unsupported URL scheme %s://", addr.Scheme)
	}
	httpPort, httpsPort := a.httpPorts()
	lnPort := httpsPort
	if addr.Port != "" {
		lnPort = addr.Port
	} else if addr.Scheme == "http" {
		lnPort = httpPort
	}
	if (addr.Scheme == "http" && lnPort == httpsPort) || (addr.Scheme == "https" && lnPort == httpPort) {
		return nil, fmt.Errorf("[%s] scheme and port violate convention", addr.String())
	}

	var binds []bindValue
	for _, v := range sb.pile["bind"] {
		if b, ok := v.Value.(bindValue); ok {
			binds = append(binds, b)
		}
	}
	if len(binds) == 0 {
		if defaults, ok := a.options["default_bind"].([]ConfigValue); ok {
			for _, v := range defaults {
				binds = append(binds, v.Value.(bindValue))
			}
		} else {
			binds = []bindValue{{addresses: []string{""}}}
		}
	}
	listeners := map[string]map[string]struct{}{}
	for _, b := range binds {
		for _, lnAddr := range b.addresses {
			network, host, _, err := splitNetworkAddress(lnAddr)
			if err != nil {
				return nil, fmt.Errorf("splitting listener address: %v", err)
			}
			na, err := parseNetworkAddress(joinNetworkAddress(network, host, lnPort))
			if err != nil {
				return nil, fmt.Errorf("parsing network address: %v", err)
			}
			key := na.String()
			// Caddy looks up the site address here, not the listener, so a
			// listener named twice keeps only the last protocols; so do we.
			if _, ok := listeners[addr.String()]; !ok {
				listeners[key] = map[string]struct{}{}
			}
			for _, p := range b.protocols {
				listeners[key][p] = struct{}{}
			}
		}
	}
	return listeners, nil
}

// consolidateAddrMappings groups listener addresses that serve exactly the
// same server blocks into one pairing each, in a deterministic order.
func consolidateAddrMappings(byAddr map[string]map[string][]serverBlock) []pairing {
	var out []pairing
	for _, addr := range sortedKeys(byAddr) {
		protoMap := byAddr[addr]
		for _, p := range sortedKeys(protoMap) {
			// A protocol merged into an earlier pairing yields an empty
			// pairing (and so an empty server), exactly as Caddy does.
			blocks := protoMap[p]
			listeners := map[string]map[string]struct{}{}
			for _, otherAddr := range sortedKeys(byAddr) {
				otherProtos := byAddr[otherAddr]
				for _, otherP := range sortedKeys(otherProtos) {
					otherBlocks := otherProtos[otherP]
					if (addr == otherAddr && p == otherP) || reflect.DeepEqual(blocks, otherBlocks) {
						if listeners[otherAddr] == nil {
							listeners[otherAddr] = map[string]struct{}{}
						}
						listeners[otherAddr][otherP] = struct{}{}
						delete(otherProtos, otherP)
					}
				}
			}
			var aps []addrProtocols
			for _, ln := range sortedKeys(listeners) {
				aps = append(aps, addrProtocols{address: ln, protocols: sortedKeys(listeners[ln])})
			}
			out = append(out, pairing{addresses: aps, serverBlocks: blocks})
		}
	}
	return out
}

// sortServerBlocks orders the blocks of one server most specific first:
// longer hosts before shorter, wildcard hosts after exact ones, catch-all
// blocks last, then longer paths first.
func sortServerBlocks(blocks []serverBlock) {
	type spec struct {
		host, path string
		wildcard   bool
	}
	summarize := func(sb serverBlock) spec {
		var s spec
		for _, addr := range sb.parsedKeys {
			if strings.Contains(addr.Host, "*") || addr.Host == "" {
				s.wildcard = true
			}
			if specificity(addr.Host) > specificity(s.host) {
				s.host = addr.Host
			}
			if specificity(addr.Path) > specificity(s.path) {
				s.path = addr.Path
			}
		}
		return s
	}
	sort.SliceStable(blocks, func(i, j int) bool {
		si, sj := summarize(blocks[i]), summarize(blocks[j])
		if specificity(si.host) == 0 {
			return false
		}
		if specificity(sj.host) == 0 {
			return true
		}
		if si.wildcard != sj.wildcard {
			return sj.wildcard && !si.wildcard
		}
		if specificity(si.host) == specificity(sj.host) {
			return len(si.path) > len(sj.path)
		}
		return specificity(si.host) > specificity(sj.host)
	})
}

// siteMatcherSets returns the host/path matcher sets of a block's keys:
// one set per distinct path, none for a catch-all without path.
func siteMatcherSets(sb serverBlock) []Obj {
	type hostPath struct {
		hosts []string
		path  []string
	}
	var pairs []*hostPath
	catchAll := false
	for _, addr := range sb.parsedKeys {
		var chosen *hostPath
		for _, p := range pairs {
			if (len(p.path) == 0 && addr.Path == "") || (len(p.path) == 1 && p.path[0] == addr.Path) {
				chosen = p
				break
			}
		}
		if chosen == nil {
			chosen = &hostPath{}
			if addr.Path != "" {
				chosen.path = []string{addr.Path}
			}
			pairs = append(pairs, chosen)
		}
		if addr.Host == "" && !catchAll {
			chosen.hosts = nil
			catchAll = true
		}
		if catchAll {
			continue
		}
		if addr.Host != "" && !slices.Contains(chosen.hosts, addr.Host) {
			chosen.hosts = append(chosen.hosts, addr.Host)
		}
	}
	var sets []Obj
	for _, p := range pairs {
		set := Obj{}
		if len(p.hosts) > 0 {
			set["host"] = p.hosts
		}
		if len(p.path) > 0 {
			set["path"] = p.path
		}
		if len(set) > 0 {
			sets = append(sets, set)
		}
	}
	return sets
}

// appendSubroute appends a site's routes (and error routes) to list:
// wrapped in one terminal subroute route with the site's matchers, or
// inlined when the server has only this site, it has no matchers and no
// route of it matches on host.
func appendSubroute(list []Route, routes []Route, errs []Route, matcherSets []Obj, p pairing) []Route {
	if len(matcherSets) == 0 && len(routes) == 0 && errs == nil {
		return list
	}
	wrap := true
	if len(matcherSets) == 0 && len(p.serverBlocks) == 1 {
		hasHost := false
		for _, r := range routes {
			for _, ms := range r.MatcherSets {
				if _, ok := ms["host"]; ok {
					hasHost = true
				}
			}
		}
		wrap = hasHost
	}
	if !wrap {
		return append(list, routes...)
	}
	r := Route{Terminal: true}
	if len(matcherSets) > 0 {
		r.MatcherSets = matcherSets
	}
	if len(routes) > 0 || errs != nil {
		sr := Obj{"handler": "subroute"}
		if len(routes) > 0 {
			sr["routes"] = routes
		}
		if errs != nil {
			sr["errors"] = Obj{"routes": errs}
		}
		r.Handle = []Obj{sr}
	}
	if len(r.MatcherSets) > 0 || len(r.Handle) > 0 {
		list = append(list, r)
	}
	return list
}
