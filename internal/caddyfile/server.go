package caddyfile

import (
	"fmt"
	"net"
	"slices"
	"sort"
	"strings"
)

// server is one server of the http app, as caddyhttp.Server marshals (the
// fields the Caddyfile can set).
type server struct {
	Listen               []string          `json:"listen,omitempty"`
	ListenerWrappers     []Obj             `json:"listener_wrappers,omitempty"`
	ReadTimeout          int64             `json:"read_timeout,omitempty"`
	ReadHeaderTimeout    int64             `json:"read_header_timeout,omitempty"`
	ReadIdleTimeout      int64             `json:"read_idle_timeout,omitempty"`
	ReadMinRate          int64             `json:"read_min_rate,omitempty"`
	WriteTimeout         int64             `json:"write_timeout,omitempty"`
	WriteIdleTimeout     int64             `json:"write_idle_timeout,omitempty"`
	WriteMinRate         int64             `json:"write_min_rate,omitempty"`
	MaxWriteChunk        int               `json:"max_write_chunk,omitempty"`
	IdleTimeout          int64             `json:"idle_timeout,omitempty"`
	KeepAliveInterval    int64             `json:"keepalive_interval,omitempty"`
	KeepAliveIdle        int64             `json:"keepalive_idle,omitempty"`
	KeepAliveCount       int               `json:"keepalive_count,omitempty"`
	MaxHeaderBytes       int               `json:"max_header_bytes,omitempty"`
	EnableFullDuplex     bool              `json:"enable_full_duplex,omitempty"`
	ExpectedUnderscore   []string          `json:"expected_underscore_headers,omitempty"`
	ExpectedDot          []string          `json:"expected_dot_headers,omitempty"`
	Routes               []Route           `json:"routes,omitempty"`
	Errors               *errorRoutes      `json:"errors,omitempty"`
	NamedRoutes          map[string]*Route `json:"named_routes,omitempty"`
	TLSConnPolicies      []*connPolicy     `json:"tls_connection_policies,omitempty"`
	AutoHTTPS            *autoHTTPSConfig  `json:"automatic_https,omitempty"`
	StrictSNIHost        *bool             `json:"strict_sni_host,omitempty"`
	TrustedProxies       Obj               `json:"trusted_proxies,omitempty"`
	ClientIPHeaders      []string          `json:"client_ip_headers,omitempty"`
	TrustedProxiesStrict int               `json:"trusted_proxies_strict,omitempty"`
	TrustedProxiesUnix   bool              `json:"trusted_proxies_unix,omitempty"`
	Logs                 *serverLogs       `json:"logs,omitempty"`
	Protocols            []string          `json:"protocols,omitempty"`
	ListenProtocols      [][]string        `json:"listen_protocols,omitempty"`
	Allow0RTT            *bool             `json:"allow_0rtt,omitempty"`
}

// errorRoutes is caddyhttp.HTTPErrorConfig.
type errorRoutes struct {
	Routes []Route `json:"routes,omitempty"`
}

// autoHTTPSConfig is caddyhttp.AutoHTTPSConfig.
type autoHTTPSConfig struct {
	Disabled          bool     `json:"disable,omitempty"`
	DisableRedir      bool     `json:"disable_redirects,omitempty"`
	DisableCerts      bool     `json:"disable_certificates,omitempty"`
	Skip              []string `json:"skip,omitempty"`
	SkipCerts         []string `json:"skip_certificates,omitempty"`
	IgnoreLoadedCerts bool     `json:"ignore_loaded_certificates,omitempty"`
}

// serverLogs is caddyhttp.ServerLogConfig.
type serverLogs struct {
	DefaultLoggerName    string              `json:"default_logger_name,omitempty"`
	LoggerNames          map[string][]string `json:"logger_names,omitempty"`
	SkipHosts            []string            `json:"skip_hosts,omitempty"`
	SkipUnmappedHosts    bool                `json:"skip_unmapped_hosts,omitempty"`
	ShouldLogCredentials bool                `json:"should_log_credentials,omitempty"`
	Trace                bool                `json:"trace,omitempty"`
}

// serversFromPairings builds one server per pairing, named srv0, srv1, ...
func (a *adaptation) serversFromPairings(pairings []pairing) (map[string]*server, error) {
	servers := map[string]*server{}
	defaultSNI, _ := a.options["default_sni"].(string)
	fallbackSNI, _ := a.options["fallback_sni"].(string)
	httpPort, httpsPort := a.httpPorts()

	for i, p := range pairings {
		if err := checkAmbiguousSites(p); err != nil {
			return nil, err
		}
		srv := &server{}
		var protocols [][]string
		for _, ap := range p.addresses {
			srv.Listen = append(srv.Listen, ap.address)
			protocols = append(protocols, ap.protocols)
		}
		// Keep listen_protocols only if some address has non-default ones.
		for j, prots := range protocols {
			if !slices.ContainsFunc(prots, func(s string) bool { return s != "" }) {
				protocols[j] = nil
			}
		}
		if slices.ContainsFunc(protocols, func(p []string) bool { return p != nil }) {
			srv.ListenProtocols = protocols
		}

		for _, v := range a.autoHTTPSOption() {
			if srv.AutoHTTPS == nil && (v == "off" || v == "disable_redirects" || v == "disable_certs" || v == "ignore_loaded_certs") {
				srv.AutoHTTPS = &autoHTTPSConfig{}
			}
			switch v {
			case "off":
				srv.AutoHTTPS.Disabled = true
			case "disable_redirects":
				srv.AutoHTTPS.DisableRedir = true
			case "disable_certs":
				srv.AutoHTTPS.DisableCerts = true
			case "ignore_loaded_certs":
				srv.AutoHTTPS.IgnoreLoadedCerts = true
			}
		}

		sortServerBlocks(p.serverBlocks)

		var hasCatchAllPolicy, qualifiesForTLS bool
		var emptyPolicies []*connPolicy
		autoHTTPSAddsPolicy := srv.AutoHTTPS == nil || !srv.AutoHTTPS.Disabled

		for _, sb := range p.serverBlocks {
			if len(sb.pile["custom_log"]) != 0 {
				srv.Logs = &serverLogs{}
				break
			}
		}
		if err := a.addNamedRoutes(srv, p); err != nil {
			return nil, err
		}

		for _, sb := range p.serverBlocks {
			matcherSets := siteMatcherSets(sb)
			hosts := sb.hostsFromKeys(false)

			forced := map[string]bool{}
			if _, ok := sb.pile["tls.force_automate"]; ok {
				for _, h := range hosts {
					forced[h] = true
				}
			}

			if cpVals, ok := sb.pile["tls.connection_policy"]; ok {
				for _, v := range cpVals {
					cp := v.Value.(*connPolicy).clone()
					for _, h := range hosts {
						if h == defaultSNI {
							hosts = append(hosts, "")
							cp.DefaultSNI = defaultSNI
							break
						}
						if h == fallbackSNI {
							hosts = append(hosts, "")
							cp.FallbackSNI = fallbackSNI
							break
						}
					}
					if len(hosts) > 0 {
						slices.Sort(hosts)
						cp.Match = map[string][]string{"sni": slices.Clone(hosts)}
					} else {
						cp.DefaultSNI = defaultSNI
						cp.FallbackSNI = fallbackSNI
					}
					anyForced := slices.ContainsFunc(hosts, func(h string) bool { return forced[h] })
					if !cp.settingsEmpty() || anyForced {
						srv.TLSConnPolicies = append(srv.TLSConnPolicies, cp)
						hasCatchAllPolicy = len(hosts) == 0
					} else if len(hosts) > 0 {
						emptyPolicies = append(emptyPolicies, cp)
					}
				}
			} else if specific := slices.DeleteFunc(slices.Clone(hosts), func(h string) bool {
				return h == "" || strings.Contains(h, "*")
			}); len(specific) > 0 {
				slices.Sort(specific)
				emptyPolicies = append(emptyPolicies, &connPolicy{Match: map[string][]string{"sni": specific}})
			}

			for _, addr := range sb.parsedKeys {
				if listenersUseAnyPortOtherThan(srv.Listen, httpPort) && addr.Scheme == "http" && addr.Host != "" {
					if srv.AutoHTTPS == nil {
						srv.AutoHTTPS = &autoHTTPSConfig{}
					}
					if !slices.Contains(srv.AutoHTTPS.Skip, addr.Host) {
						srv.AutoHTTPS.Skip = append(srv.AutoHTTPS.Skip, addr.Host)
					}
				}
				hasTLS := len(sb.pile["tls.connection_policy"]) > 0 ||
					(addr.Host != "" && (srv.AutoHTTPS == nil || !slices.Contains(srv.AutoHTTPS.Skip, addr.Host)))
				if addr.Scheme == "https" || (addr.Scheme != "http" && addr.Port != httpPort && hasTLS) {
					qualifiesForTLS = true
				}
				autoHTTPSAddsPolicy = autoHTTPSAddsPolicy &&
					(addr.Port == httpsPort || (addr.Port != httpPort && addr.Host != ""))
			}

			routes, err := buildSubroute(sb.pile["route"], &a.groups, directiveOrderFor(a.options))
			if err != nil {
				return nil, err
			}
			srv.Routes = appendSubroute(srv.Routes, routes, nil, matcherSets, p)

			if errVals, ok := sb.pile["error_route"]; ok {
				if srv.Errors == nil {
					srv.Errors = &errorRoutes{}
				}
				sort.SliceStable(errVals, func(i, j int) bool {
					ri, rj := errVals[i].Value.([]Route), errVals[j].Value.([]Route)
					return len(ri[0].MatcherSets) != 0 && len(rj[0].MatcherSets) == 0
				})
				var errRoutes []Route
				for _, v := range errVals {
					errRoutes = append(errRoutes, v.Value.([]Route)...)
				}
				srv.Errors.Routes = appendSubroute(srv.Errors.Routes, errRoutes, nil, matcherSets, p)
			}

			a.addLogAssociations(srv, sb, hosts)
		}
		if srv.Logs != nil {
			slices.Sort(srv.Logs.SkipHosts)
		}

		if err := a.detectConflictingSchemes(srv, p.serverBlocks); err != nil {
			return nil, err
		}

		shieldClientAuthWildcards(srv, emptyPolicies)

		if qualifiesForTLS && !hasCatchAllPolicy &&
			(len(srv.TLSConnPolicies) > 0 || !autoHTTPSAddsPolicy || defaultSNI != "" || fallbackSNI != "") {
			srv.TLSConnPolicies = append(srv.TLSConnPolicies, &connPolicy{DefaultSNI: defaultSNI, FallbackSNI: fallbackSNI})
		}

		var err error
		srv.TLSConnPolicies, err = consolidateConnPolicies(srv.TLSConnPolicies)
		if err != nil {
			return nil, fmt.Errorf("consolidating TLS connection policies for server %d: %v", i, err)
		}
		srv.Routes = consolidateRoutes(srv.Routes)
		servers[fmt.Sprintf("srv%d", i)] = srv
	}
	if err := a.applyServerOptions(servers); err != nil {
		return nil, fmt.Errorf("applying global server options: %w", err)
	}
	return servers, nil
}

// checkAmbiguousSites rejects two blocks of one server with the same key.
func checkAmbiguousSites(p pairing) error {
	keys := make([][]string, len(p.serverBlocks))
	blocks := map[string]int{} // key -> number of blocks naming it
	for j, sb := range p.serverBlocks {
		keys[j] = sb.block.GetKeysText()
		for i, key := range keys[j] {
			if !slices.Contains(keys[j][:i], key) {
				blocks[key]++
			}
		}
	}
	for _, ks := range keys {
		for _, key := range ks {
			if blocks[key] > 1 {
				return fmt.Errorf("ambiguous site definition: %s", key)
			}
		}
	}
	return nil
}

// addNamedRoutes adds to srv the named routes its blocks invoke, with the
// ones those invoke in turn.
func (a *adaptation) addNamedRoutes(srv *server, p pairing) error {
	for _, sb := range p.serverBlocks {
		for _, v := range sb.pile[namedRouteKey] {
			if srv.NamedRoutes == nil {
				srv.NamedRoutes = map[string]*Route{}
			}
			names := []string{v.Value.(string)}
			for len(names) > 0 {
				name := names[0]
				names = names[1:]
				if _, ok := srv.NamedRoutes[name]; ok {
					continue
				}
				if a.namedRoutes[name] == nil {
					return fmt.Errorf("cannot invoke named route '%s', which was not defined", name)
				}
				srv.NamedRoutes[name] = a.namedRoutes[name]
				names = append(names, a.namedRouteInvokes[name]...)
			}
		}
	}
	return nil
}

// addLogAssociations maps the hosts of sb to its access loggers in
// srv.Logs, or lists them as skipped when sb has no log directive.
func (a *adaptation) addLogAssociations(srv *server, sb serverBlock, hosts []string) {
	logHosts := sb.hostsFromKeys(true)
	for _, v := range sb.pile["custom_log"] {
		ncl := v.Value.(namedCustomLog)
		if ncl.noHostname {
			continue
		}
		switch {
		case sb.hasHostCatchAllKey() && len(ncl.hostnames) == 0:
			srv.Logs.DefaultLoggerName = ncl.name
		case len(ncl.hostnames) > 0:
			for _, h := range ncl.hostnames {
				srv.Logs.addLoggerName(h, ncl.name)
			}
		default:
			for _, h := range logHosts {
				host, _, err := net.SplitHostPort(h)
				if err != nil {
					host = h
				}
				srv.Logs.addLoggerName(host, ncl.name)
			}
		}
	}
	if srv.Logs != nil && len(sb.pile["custom_log"]) == 0 {
		if len(hosts) == 0 {
			srv.Logs.SkipUnmappedHosts = true
		}
		srv.Logs.SkipHosts = append(srv.Logs.SkipHosts, logHosts...)
	}
}

// addLoggerName maps host to one more logger name.
func (l *serverLogs) addLoggerName(host, name string) {
	if l.LoggerNames == nil {
		l.LoggerNames = map[string][]string{}
	}
	l.LoggerNames[host] = append(l.LoggerNames[host], name)
}

// detectConflictingSchemes rejects a server that would have to serve both
// HTTP and HTTPS on one listener.
func (a *adaptation) detectConflictingSchemes(srv *server, blocks []serverBlock) error {
	httpPort, httpsPort := a.httpPorts()
	var scheme string
	setHTTP := func(addr Address) error {
		if scheme == "HTTPS" {
			err := fmt.Errorf("server listening on %v is configured for HTTPS and cannot natively multiplex HTTP and HTTPS: %s", srv.Listen, addr.Original)
			if addr.Scheme == "" && addr.Host == "" {
				err = fmt.Errorf("%s (try specifying https:// in the address)", err)
			}
			return err
		}
		if len(srv.TLSConnPolicies) > 0 {
			return fmt.Errorf("server listening on %v is HTTP, but attempts to configure TLS connection policies", srv.Listen)
		}
		scheme = "HTTP"
		return nil
	}
	setHTTPS := func(addr Address) error {
		if scheme == "HTTP" {
			return fmt.Errorf("server listening on %v is configured for HTTP and cannot natively multiplex HTTP and HTTPS: %s", srv.Listen, addr.Original)
		}
		scheme = "HTTPS"
		return nil
	}
	for _, sb := range blocks {
		for _, addr := range sb.parsedKeys {
			var err error
			switch {
			case addr.Scheme == "http" || addr.Port == httpPort:
				err = setHTTP(addr)
			case addr.Scheme == "https" || addr.Port == httpsPort || len(srv.TLSConnPolicies) > 0:
				err = setHTTPS(addr)
			case addr.Host == "":
				err = setHTTP(addr)
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}
