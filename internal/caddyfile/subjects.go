package caddyfile

import (
	"net"
	"slices"
	"strings"
)

// These predicates classify certificate subjects exactly as certmagic
// does, since they decide which automation policy and issuer a site gets.

// subjectQualifiesForCert reports whether a certificate can be obtained
// for subj at all: not empty, no leading or trailing dot, a wildcard only as
// the left-most label, none of the usual accidental special characters.
func subjectQualifiesForCert(subj string) bool {
	return strings.TrimSpace(subj) != "" &&
		!strings.HasPrefix(subj, ".") &&
		!strings.HasSuffix(subj, ".") &&
		(!strings.Contains(subj, "*") || strings.HasPrefix(subj, "*.") || subj == "*") &&
		!strings.ContainsAny(subj, "()[]{}<> \t\n\"\\!@#$%^&|;'+=")
}

// subjectQualifiesForPublicCert reports whether a public CA could issue a
// certificate for subj (not internal, at most one left-most wildcard).
func subjectQualifiesForPublicCert(subj string) bool {
	return subjectQualifiesForCert(subj) &&
		!subjectIsInternal(subj) &&
		(!strings.Contains(subj, "*") ||
			(strings.Count(subj, "*") == 1 && strings.Count(subj, ".") > 1 &&
				len(subj) > 2 && strings.HasPrefix(subj, "*.")))
}

// subjectIsIP reports whether subj is an IP address.
func subjectIsIP(subj string) bool {
	return net.ParseIP(subj) != nil
}

// subjectIsInternal reports whether subj is localhost, a local/internal
// name or a private, loopback or link-local IP address.
func subjectIsInternal(subj string) bool {
	subj = strings.ToLower(strings.TrimSuffix(hostOnly(subj), "."))
	return subj == "localhost" ||
		strings.HasSuffix(subj, ".localhost") ||
		strings.HasSuffix(subj, ".local") ||
		strings.HasSuffix(subj, ".internal") ||
		strings.HasSuffix(subj, ".home.arpa") ||
		isInternalIP(subj)
}

var privateNetworks = func() []*net.IPNet {
	var nets []*net.IPNet
	for _, cidr := range []string{
		"127.0.0.0/8", "0.0.0.0/16", "10.0.0.0/8", "172.16.0.0/12",
		"192.168.0.0/16", "169.254.0.0/16", "::1/7", "fe80::/10", "fc00::/7",
	} {
		_, n, _ := net.ParseCIDR(cidr)
		nets = append(nets, n)
	}
	return nets
}()

// isInternalIP reports whether addr is an IP in a private network.
func isInternalIP(addr string) bool {
	ip := net.ParseIP(hostOnly(addr))
	if ip == nil {
		return false
	}
	return slices.ContainsFunc(privateNetworks, func(n *net.IPNet) bool { return n.Contains(ip) })
}

// hostOnly strips a port (and IPv6 brackets) from hostport.
func hostOnly(hostport string) string {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		if len(hostport) > 1 && hostport[0] == '[' && hostport[len(hostport)-1] == ']' {
			return hostport[1 : len(hostport)-1]
		}
		return hostport
	}
	return host
}

// matchWildcard reports whether subject is wildcard or matched by it when
// one of its labels is replaced by "*".
func matchWildcard(subject, wildcard string) bool {
	subject, wildcard = strings.ToLower(hostOnly(subject)), strings.ToLower(wildcard)
	if subject == wildcard {
		return true
	}
	if !strings.Contains(wildcard, "*") {
		return false
	}
	labels := strings.Split(subject, ".")
	for i := range labels {
		if labels[i] == "" {
			continue
		}
		labels[i] = "*"
		if strings.Join(labels, ".") == wildcard {
			return true
		}
	}
	return false
}

// shieldClientAuthWildcards hoists, above each policy that requires client
// authentication for a wildcard name, a copy of it without client auth
// matching the specific hostnames (from emptyPolicies) that wildcard
// covers, so those sites do not inherit the requirement.
func shieldClientAuthWildcards(srv *server, emptyPolicies []*connPolicy) {
	wildcards := make([][]string, len(srv.TLSConnPolicies))
	for i, cp := range srv.TLSConnPolicies {
		if cp.ClientAuth == nil {
			continue
		}
		names, ok := cp.Match["sni"]
		if !ok {
			continue
		}
		wildcards[i] = slices.DeleteFunc(slices.Clone(names), func(n string) bool { return !strings.Contains(n, "*") })
	}
	shielded := make([][]string, len(srv.TLSConnPolicies))
	for _, ecp := range emptyPolicies {
		hosts, ok := ecp.Match["sni"]
		if !ok {
			continue
		}
		for _, host := range hosts {
			for i, ws := range wildcards {
				if slices.ContainsFunc(ws, func(w string) bool { return matchWildcard(host, w) }) {
					shielded[i] = append(shielded[i], host)
					break
				}
			}
		}
	}
	for i := len(shielded) - 1; i >= 0; i-- {
		hosts := shielded[i]
		if len(hosts) == 0 {
			continue
		}
		slices.Sort(hosts)
		shield := srv.TLSConnPolicies[i].clone()
		shield.ClientAuth = nil
		shield.Match = map[string][]string{"sni": slices.Compact(hosts)}
		srv.TLSConnPolicies = slices.Insert(srv.TLSConnPolicies, i, shield)
	}
}
