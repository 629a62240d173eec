package certs

import (
	"fmt"
	"net"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/caddyserver/certmagic"
	"go.uber.org/zap"

	"github.com/zeroserve/zeroserve/internal/caddyconf"
)

// RedirectServer is the name of the server AutoHTTPS adds for redirects
// no configured server listens for, as Caddy names it.
const RedirectServer = "remaining_auto_https_redirects"

// Ports returns the http app's HTTP and HTTPS ports (default 80, 443).
func Ports(cfg *caddyconf.Config) (httpPort, httpsPort int) {
	httpPort, httpsPort = 80, 443
	if cfg.Apps != nil && cfg.Apps.HTTP != nil {
		if p := cfg.Apps.HTTP.HTTPPort; p != 0 {
			httpPort = p
		}
		if p := cfg.Apps.HTTP.HTTPSPort; p != 0 {
			httpsPort = p
		}
	}
	return httpPort, httpsPort
}

// ListenerTLS reports whether a server's listener on port serves TLS, as
// Caddy decides: the server has TLS connection policies and the port is
// not the HTTP port.
func ListenerTLS(cfg *caddyconf.Config, srv *caddyconf.Server, port int) bool {
	httpPort, _ := Ports(cfg)
	return len(srv.TLSConnectionPolicies) > 0 && port != httpPort
}

// AutoHTTPS applies Caddy's automatic HTTPS to cfg's http app before it
// is lowered (caddyhttp's automaticHTTPSPhase1): servers that listen on a
// port other than the HTTP port and have host names in their top-level
// routes get TLS (an empty connection policy when they have none) and
// those names get certificates (Manage), unless a loaded certificate
// covers them; HTTP->HTTPS redirect routes (308, Caddy's) are added to
// the server listening on the HTTP port, or to a new server
// RedirectServer. The servers' automatic_https switches (disable,
// disable_redirects, disable_certificates, skip, skip_certificates,
// ignore_loaded_certificates) apply.
func (m *Manager) AutoHTTPS(cfg *caddyconf.Config) error {
	if cfg.Apps == nil || cfg.Apps.HTTP == nil {
		return nil
	}
	app := cfg.Apps.HTTP
	httpPort, httpsPort := Ports(cfg)
	names := make([]string, 0, len(app.Servers))
	for n := range app.Servers {
		names = append(names, n)
	}
	sort.Strings(names)
	certNames := map[string]bool{}
	redirs := map[string][]caddyconf.ListenAddr{} // domain ("" = catch-all) -> HTTPS addresses
	for _, name := range names {
		srv := app.Servers[name]
		path := "apps.http.servers." + name
		auto := srv.AutomaticHTTPS
		if auto == nil {
			auto = &caddyconf.AutoHTTPS{}
		}
		addrs, err := listenAddrs(srv, path)
		if err != nil {
			return err
		}
		if auto.Disable || !usesPortOtherThan(addrs, httpPort) {
			continue
		}
		if srv.TLSConnectionPolicies == nil && !usesPortOtherThan(addrs, httpsPort) {
			srv.TLSConnectionPolicies = []*caddyconf.ConnectionPolicy{{}}
		}
		domains := serverDomains(srv, auto.Skip)
		if len(domains) == 0 && len(srv.TLSConnectionPolicies) == 0 {
			continue
		}
		if !auto.DisableCertificates {
			for _, d := range domains {
				if strings.Contains(d, "{") || !certmagic.SubjectQualifiesForCert(d) || slices.Contains(auto.SkipCertificates, d) {
					continue
				}
				if !auto.IgnoreLoadedCertificates && m.HasCertificateFor(d) {
					m.logger.Info("skipping automatic certificate management: a loaded certificate covers the name", zap.String("domain", d), zap.String("server_name", name))
					continue
				}
				certNames[d] = true
			}
		}
		if srv.TLSConnectionPolicies == nil {
			srv.TLSConnectionPolicies = []*caddyconf.ConnectionPolicy{{}}
		}
		if auto.DisableRedirects {
			continue
		}
		for _, a := range addrs {
			if len(domains) == 0 {
				recordRedirect(redirs, "", a, httpsPort)
			}
			for _, d := range domains {
				recordRedirect(redirs, d, a, httpsPort)
			}
		}
	}
	m.addRedirects(app, names, redirs, len(certNames) > 0, httpPort, httpsPort)
	sorted := make([]string, 0, len(certNames))
	for d := range certNames {
		sorted = append(sorted, d)
	}
	sort.Strings(sorted)
	m.Manage(sorted...)
	return nil
}

// listenAddrs parses a server's listen addresses (Caddy's default is
// ":443" when there are none).
func listenAddrs(srv *caddyconf.Server, path string) ([]caddyconf.ListenAddr, error) {
	var out []caddyconf.ListenAddr
	for i, l := range srv.Listen {
		a, err := caddyconf.ParseListenAddr(l)
		if err != nil {
			return nil, &caddyconf.PathError{Path: fmt.Sprintf("%s.listen[%d]", path, i), Msg: err.Error()}
		}
		if a.Deferred {
			return nil, &caddyconf.PathError{Path: fmt.Sprintf("%s.listen[%d]", path, i), Msg: "{env.*} placeholders in listen addresses are not supported"}
		}
		out = append(out, a)
	}
	return out, nil
}

// usesPortOtherThan reports whether an address's port range leaves out
// port (unix sockets count), as Caddy's listenersUseAnyPortOtherThan.
func usesPortOtherThan(addrs []caddyconf.ListenAddr, port int) bool {
	for _, a := range addrs {
		if port < int(a.StartPort) || port > int(a.EndPort) {
			return true
		}
	}
	return false
}

// serverDomains lists the host names of a server's top-level routes
// (deduplicated, in order), leaving out skip.
func serverDomains(srv *caddyconf.Server, skip []string) []string {
	var out []string
	for _, r := range srv.Routes {
		for _, ms := range r.Match {
			for _, h := range ms.Host {
				if !slices.Contains(skip, h) && !slices.Contains(out, h) {
					out = append(out, h)
				}
			}
		}
	}
	return out
}

// recordRedirect keeps, per domain, the HTTPS addresses of one port,
// preferring the HTTPS port (Caddy's recordAutoHTTPSRedirectAddress).
func recordRedirect(redirs map[string][]caddyconf.ListenAddr, d string, a caddyconf.ListenAddr, httpsPort int) {
	ex := redirs[d]
	switch {
	case len(ex) == 0:
		redirs[d] = []caddyconf.ListenAddr{a}
	case a.StartPort != ex[0].StartPort:
		if int(a.StartPort) == httpsPort && int(ex[0].StartPort) != httpsPort {
			redirs[d] = []caddyconf.ListenAddr{a}
		}
	case !slices.Contains(ex, a):
		redirs[d] = append(ex, a)
	}
}

// addrString formats a listen address as Caddy's NetworkAddress.String.
func addrString(a caddyconf.ListenAddr, port int) string {
	return a.Network + "/" + net.JoinHostPort(a.Host, strconv.Itoa(port))
}

// addRedirects adds the redirect routes for redirs: grouped by the HTTP
// address they are served on, into the server already listening there
// (after its last route with a host matcher, plus a catch-all) or into a
// new RedirectServer.
func (m *Manager) addRedirects(app *caddyconf.HTTPApp, names []string, redirs map[string][]caddyconf.ListenAddr, haveCerts bool, httpPort, httpsPort int) {
	type group struct {
		to      int
		domains []string
	}
	byAddr := map[string]*group{} // HTTPS address -> domains
	var order []string
	for d, addrs := range redirs {
		for _, a := range addrs {
			k := addrString(a, int(a.StartPort))
			g := byAddr[k]
			if g == nil {
				g = &group{to: int(a.StartPort)}
				byAddr[k] = g
				order = append(order, k)
			}
			g.domains = append(g.domains, d)
		}
	}
	sort.Strings(order)
	routesAt := map[string][]caddyconf.Route{} // HTTP address -> routes
	var httpAddrs []string
	for _, k := range order {
		g := byAddr[k]
		sort.Strings(g.domains)
		ms := caddyconf.MatcherSet{Protocol: "http"}
		if len(g.domains) != 1 || g.domains[0] != "" {
			ms.Host = g.domains
		}
		a, _ := caddyconf.ParseListenAddr(k)
		ha := addrString(a, httpPort)
		if routesAt[ha] == nil {
			httpAddrs = append(httpAddrs, ha)
		}
		routesAt[ha] = append(routesAt[ha], redirRoute(g.to, ms, httpPort, httpsPort))
	}
	sort.Strings(httpAddrs)
	catchAll := redirRoute(httpsPort, caddyconf.MatcherSet{Protocol: "http"}, httpPort, httpsPort)
	var rest []string
	var restRoutes []caddyconf.Route
next:
	for _, ha := range httpAddrs {
		routes := routesAt[ha]
		sortRedirects(routes)
		for _, name := range names {
			srv := app.Servers[name]
			if !hasListener(srv, ha) {
				continue
			}
			if haveCerts {
				i := lastHostRoute(srv)
				srv.Routes = slices.Insert(srv.Routes, i, routes...)
			}
			srv.Routes = append(srv.Routes, catchAll)
			continue next
		}
		rest = append(rest, ha)
		restRoutes = append(restRoutes, routes...)
	}
	if len(rest) > 0 {
		app.Servers[RedirectServer] = &caddyconf.Server{Listen: rest, Routes: append(restRoutes, catchAll)}
	}
}

// redirRoute is Caddy's redirect route: 308 to https://{host}[:port]{uri},
// the port written only when it is not a standard or configured one.
func redirRoute(to int, ms caddyconf.MatcherSet, httpPort, httpsPort int) caddyconf.Route {
	loc := "https://{http.request.host}"
	if to != httpPort && to != httpsPort && to != 80 && to != 443 {
		loc += ":" + strconv.Itoa(to)
	}
	loc += "{http.request.uri}"
	return caddyconf.Route{
		Match: []caddyconf.MatcherSet{ms},
		Handle: []caddyconf.HandlerModule{{Value: &caddyconf.StaticResponse{
			StatusCode: "308",
			Headers:    map[string][]string{"Location": {loc}},
			Close:      true,
		}}},
	}
}

// sortRedirects orders redirect routes exact hosts first, then wildcards,
// longer first, the catch-all last (Caddy's order).
func sortRedirects(routes []caddyconf.Route) {
	first := func(r caddyconf.Route) string {
		if len(r.Match) > 0 && len(r.Match[0].Host) > 0 {
			return r.Match[0].Host[0]
		}
		return ""
	}
	slices.SortStableFunc(routes, func(a, b caddyconf.Route) int {
		ha, hb := first(a), first(b)
		switch {
		case ha == "" && hb != "":
			return 1
		case hb == "" && ha != "":
			return -1
		}
		wa, wb := strings.Contains(ha, "*"), strings.Contains(hb, "*")
		switch {
		case !wa && wb:
			return -1
		case wa && !wb:
			return 1
		case len(ha) != len(hb):
			return len(hb) - len(ha)
		}
		return strings.Compare(ha, hb)
	})
}

// hasListener reports whether srv listens on the address addr.
func hasListener(srv *caddyconf.Server, addr string) bool {
	want, err := caddyconf.ParseListenAddr(addr)
	if err != nil {
		return false
	}
	for _, l := range srv.Listen {
		if a, err := caddyconf.ParseListenAddr(l); err == nil && a.Network == want.Network && a.Host == want.Host && a.StartPort == want.StartPort && a.EndPort == want.EndPort {
			return true
		}
	}
	return false
}

// lastHostRoute is the index after the last top-level route with a host
// matcher.
func lastHostRoute(srv *caddyconf.Server) int {
	i := 0
	for j, r := range srv.Routes {
		for _, ms := range r.Match {
			if len(ms.Host) > 0 {
				i = j + 1
			}
		}
	}
	return i
}
