package http1

// validHost reports whether v is uri-host [ ":" port ] as a Host field or an
// absolute-form authority allows (RFC 9110 §7.2, RFC 3986 §3.2.2): an IPv6
// literal in brackets, or reg-name / IPv4 characters with well-formed
// percent-encoding, and an optional port of at most five digits. The empty
// value is valid. IPvFuture literals and userinfo are not.
func validHost(v []byte) bool {
	i := 0
	if len(v) > 0 && v[0] == '[' {
		i = 1
		for i < len(v) && v[i] != ']' {
			if c := v[i]; charClass[c]&classHex == 0 && c != ':' && c != '.' {
				return false
			}
			i++
		}
		if i == len(v) || i == 1 {
			return false
		}
		i++
	} else {
		for i < len(v) && charClass[v[i]]&classRegName != 0 {
			if v[i] == '%' && (i+2 >= len(v) || charClass[v[i+1]]&classHex == 0 || charClass[v[i+2]]&classHex == 0) {
				return false
			}
			i++
		}
	}
	if i == len(v) {
		return true
	}
	if v[i] != ':' || len(v)-i-1 > 5 {
		return false
	}
	for _, c := range v[i+1:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// SplitHostPort splits a Host value into its host name and port. The
// brackets of an IPv6 literal are removed; port is empty when absent. The
// results are subslices of host. It expects a value the parser accepted.
func SplitHostPort(host []byte) (name, port []byte) {
	if len(host) > 0 && host[0] == '[' {
		for i := 1; i < len(host); i++ {
			if host[i] == ']' {
				name = host[1:i]
				if i+1 < len(host) && host[i+1] == ':' {
					port = host[i+2:]
				} else {
					port = host[i+1 : i+1]
				}
				return name, port
			}
		}
		return host, host[len(host):]
	}
	for i := len(host) - 1; i >= 0; i-- {
		if host[i] == ':' {
			return host[:i], host[i+1:]
		}
	}
	return host, host[len(host):]
}

// MatchHost reports whether the host name of a Host value (or absolute-form
// authority) equals name, as the original's --validate-hostnames compares
// them before answering 421: ASCII case-insensitive, the port ignored, and
// IPv6 brackets optional in name ("::1" and "[::1]" both match "[::1]:443").
func MatchHost(host []byte, name string) bool {
	if len(name) > 1 && name[0] == '[' && name[len(name)-1] == ']' {
		name = name[1 : len(name)-1]
	}
	h, _ := SplitHostPort(host)
	return equalFold(h, name)
}
