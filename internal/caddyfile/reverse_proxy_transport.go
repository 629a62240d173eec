package caddyfile

import (
	"reflect"
	"strconv"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
)

// proxyHTTPTransport is reverse_proxy's "http" transport, as Caddy's
// reverseproxy.HTTPTransport marshals it inside {"protocol": "http", ...}
// (durations in nanoseconds, sizes in bytes).
type proxyHTTPTransport struct {
	Protocol              string            `json:"protocol"`
	Resolver              *proxyResolver    `json:"resolver,omitempty"`
	TLS                   *proxyTLS         `json:"tls,omitempty"`
	KeepAlive             *proxyKeepAlive   `json:"keep_alive,omitempty"`
	Compression           *bool             `json:"compression,omitempty"`
	MaxConnsPerHost       int               `json:"max_conns_per_host,omitempty"`
	ProxyProtocol         string            `json:"proxy_protocol,omitempty"`
	DialTimeout           int64             `json:"dial_timeout,omitempty"`
	FallbackDelay         int64             `json:"dial_fallback_delay,omitempty"`
	ResponseHeaderTimeout int64             `json:"response_header_timeout,omitempty"`
	ExpectContinueTimeout int64             `json:"expect_continue_timeout,omitempty"`
	MaxResponseHeaderSize int64             `json:"max_response_header_size,omitempty"`
	WriteBufferSize       int               `json:"write_buffer_size,omitempty"`
	ReadBufferSize        int               `json:"read_buffer_size,omitempty"`
	ReadTimeout           int64             `json:"read_timeout,omitempty"`
	WriteTimeout          int64             `json:"write_timeout,omitempty"`
	Versions              []string          `json:"versions,omitempty"`
	LocalAddress          string            `json:"local_address,omitempty"`
	NetworkProxy          map[string]string `json:"network_proxy,omitempty"`
}

// proxyResolver lists DNS resolvers, as Caddy's reverseproxy.UpstreamResolver.
type proxyResolver struct {
	Addresses []string `json:"addresses,omitempty"`
}

// proxyTLS is the transport's TLS client config, as Caddy's
// reverseproxy.TLSConfig. An empty one ({}) enables TLS with defaults.
type proxyTLS struct {
	CA                        Obj      `json:"ca,omitempty"`
	RootCAPEMFiles            []string `json:"root_ca_pem_files,omitempty"`
	ClientCertificateFile     string   `json:"client_certificate_file,omitempty"`
	ClientCertificateKeyFile  string   `json:"client_certificate_key_file,omitempty"`
	ClientCertificateAutomate string   `json:"client_certificate_automate,omitempty"`
	InsecureSkipVerify        bool     `json:"insecure_skip_verify,omitempty"`
	HandshakeTimeout          int64    `json:"handshake_timeout,omitempty"`
	ServerName                string   `json:"server_name,omitempty"`
	Renegotiation             string   `json:"renegotiation,omitempty"`
	ExceptPorts               []string `json:"except_ports,omitempty"`
	Curves                    []string `json:"curves,omitempty"`
}

// proxyKeepAlive configures upstream connection reuse, as Caddy's
// reverseproxy.KeepAlive.
type proxyKeepAlive struct {
	Enabled             *bool `json:"enabled,omitempty"`
	ProbeInterval       int64 `json:"probe_interval,omitempty"`
	MaxIdleConns        int   `json:"max_idle_conns,omitempty"`
	MaxIdleConnsPerHost int   `json:"max_idle_conns_per_host,omitempty"`
	IdleConnTimeout     int64 `json:"idle_timeout,omitempty"`
}

// isZero reports whether t is the default transport, which Caddy leaves
// out of the config.
func (t *proxyHTTPTransport) isZero() bool {
	return reflect.DeepEqual(*t, proxyHTTPTransport{})
}

// parseHTTPTransport parses "transport http { ... }" with d on the
// transport name, as Caddy's HTTPTransport.UnmarshalCaddyfile:
//
//	transport http {
//	    read_buffer <size>;  write_buffer <size>;  max_response_header <size>
//	    read_timeout <d>;  write_timeout <d>;  dial_timeout <d>;  dial_fallback_delay <d>
//	    response_header_timeout <d>;  expect_continue_timeout <d>
//	    proxy_protocol v1|v2
//	    forward_proxy_url <url>;  network_proxy none | url <url>
//	    resolvers <addresses...>
//	    tls;  tls_client_auth <automate_name> | <cert_file> <key_file>
//	    tls_insecure_skip_verify;  tls_curves <curves...>;  tls_timeout <d>
//	    tls_trusted_ca_certs <pem_files...>;  tls_server_name <sni>
//	    tls_renegotiation never|once|freely;  tls_except_ports <ports...>
//	    keepalive off|<d>;  keepalive_interval <d>
//	    keepalive_idle_conns <n>;  keepalive_idle_conns_per_host <n>
//	    versions <versions...>;  compression off;  max_conns_per_host <n>
//	    local_address <address>
//	}
//
// It consumes the transport's segment from d.
func parseHTTPTransport(d *caddyfile.Dispenser) (*proxyHTTPTransport, error) {
	d = d.NewFromNextSegment()
	d.Next()
	t := &proxyHTTPTransport{}
	tls := func() *proxyTLS {
		if t.TLS == nil {
			t.TLS = &proxyTLS{}
		}
		return t.TLS
	}
	keepAlive := func() *proxyKeepAlive {
		if t.KeepAlive == nil {
			t.KeepAlive = &proxyKeepAlive{}
		}
		return t.KeepAlive
	}
	for d.NextBlock(0) {
		var err error
		switch opt := d.Val(); opt {
		case "read_buffer", "write_buffer", "max_response_header":
			if !d.NextArg() {
				return nil, d.ArgErr()
			}
			size, perr := parseByteSize(d.Val())
			if perr != nil {
				what := map[string]string{"read_buffer": "read buffer", "write_buffer": "write buffer", "max_response_header": "max response header"}[opt]
				return nil, d.Errf("invalid %s size '%s': %v", what, d.Val(), perr)
			}
			switch opt {
			case "read_buffer":
				t.ReadBufferSize = int(size)
			case "write_buffer":
				t.WriteBufferSize = int(size)
			default:
				t.MaxResponseHeaderSize = int64(size)
			}
		case "read_timeout":
			err = transportDuration(d, &t.ReadTimeout, "invalid read timeout duration '%s': %v")
		case "write_timeout":
			err = transportDuration(d, &t.WriteTimeout, "invalid write timeout duration '%s': %v")
		case "dial_timeout":
			err = transportDuration(d, &t.DialTimeout, "bad timeout value '%s': %v")
		case "dial_fallback_delay":
			err = transportDuration(d, &t.FallbackDelay, "bad fallback delay value '%s': %v")
		case "response_header_timeout":
			err = transportDuration(d, &t.ResponseHeaderTimeout, "bad timeout value '%s': %v")
		case "expect_continue_timeout":
			err = transportDuration(d, &t.ExpectContinueTimeout, "bad timeout value '%s': %v")
		case "proxy_protocol":
			if !d.NextArg() {
				return nil, d.ArgErr()
			}
			if v := d.Val(); v != "v1" && v != "v2" {
				return nil, d.Errf("invalid proxy protocol version '%s'", v)
			}
			t.ProxyProtocol = d.Val()
		case "forward_proxy_url":
			if !d.NextArg() {
				return nil, d.ArgErr()
			}
			t.NetworkProxy = map[string]string{"from": "url", "url": d.Val()}
		case "network_proxy":
			err = parseNetworkProxy(d, t)
		case "resolvers":
			t.Resolver = &proxyResolver{Addresses: d.RemainingArgs()}
			if len(t.Resolver.Addresses) == 0 {
				return nil, d.Errf("must specify at least one resolver address")
			}
		case "tls":
			tls()
		case "tls_client_auth":
			c := tls()
			switch args := d.RemainingArgs(); len(args) {
			case 1:
				c.ClientCertificateAutomate = args[0]
			case 2:
				c.ClientCertificateFile, c.ClientCertificateKeyFile = args[0], args[1]
			default:
				return nil, d.ArgErr()
			}
		case "tls_insecure_skip_verify":
			if d.NextArg() {
				return nil, d.ArgErr()
			}
			tls().InsecureSkipVerify = true
		case "tls_curves":
			args := d.RemainingArgs()
			if len(args) == 0 {
				return nil, d.ArgErr()
			}
			tls().Curves = args
		case "tls_timeout":
			var dur int64
			if err = transportDuration(d, &dur, "bad timeout value '%s': %v"); err == nil {
				tls().HandshakeTimeout = dur
			}
		case "tls_trusted_ca_certs":
			args := d.RemainingArgs()
			if len(args) == 0 {
				return nil, d.ArgErr()
			}
			if tls().CA != nil {
				return nil, d.Err("cannot specify both 'tls_trust_pool' and 'tls_trusted_ca_certs")
			}
			tls().RootCAPEMFiles = args
		case "tls_server_name":
			if !d.NextArg() {
				return nil, d.ArgErr()
			}
			tls().ServerName = d.Val()
		case "tls_renegotiation":
			c := tls()
			if !d.NextArg() {
				return nil, d.ArgErr()
			}
			switch v := d.Val(); v {
			case "never", "once", "freely":
				c.Renegotiation = v
			default:
				return nil, d.ArgErr()
			}
		case "tls_except_ports":
			c := tls()
			c.ExceptPorts = d.RemainingArgs()
			if len(c.ExceptPorts) == 0 {
				return nil, d.ArgErr()
			}
		case "tls_trust_pool":
			if !d.NextArg() {
				return nil, d.ArgErr()
			}
			pool := d.NewFromNextSegment()
			pool.Next()
			ca, perr := parseCAPool(pool)
			if perr != nil {
				return nil, perr
			}
			c := tls()
			if len(c.RootCAPEMFiles) != 0 {
				return nil, d.Err("cannot specify both 'tls_trust_pool' and 'tls_trusted_ca_certs'")
			}
			if c.CA != nil {
				return nil, d.Err("cannot specify \"tls_trust_pool\" twice in caddyfile")
			}
			c.CA = ca
		case "keepalive":
			if !d.NextArg() {
				return nil, d.ArgErr()
			}
			k := keepAlive()
			if d.Val() == "off" {
				off := false
				k.Enabled = &off
				break
			}
			dur, perr := parseDuration(d.Val())
			if perr != nil {
				return nil, d.Errf("bad duration value '%s': %v", d.Val(), perr)
			}
			k.IdleConnTimeout = dur
		case "keepalive_interval":
			var dur int64
			if err = transportDuration(d, &dur, "bad interval value '%s': %v"); err == nil {
				keepAlive().ProbeInterval = dur
			}
		case "keepalive_idle_conns", "keepalive_idle_conns_per_host", "max_conns_per_host":
			if !d.NextArg() {
				return nil, d.ArgErr()
			}
			n, perr := strconv.Atoi(d.Val())
			if perr != nil {
				return nil, d.Errf("bad integer value '%s': %v", d.Val(), perr)
			}
			switch opt {
			case "keepalive_idle_conns":
				keepAlive().MaxIdleConns = n
			case "keepalive_idle_conns_per_host":
				keepAlive().MaxIdleConnsPerHost = n
			default:
				t.MaxConnsPerHost = n
			}
		case "versions":
			t.Versions = d.RemainingArgs()
			if len(t.Versions) == 0 {
				return nil, d.ArgErr()
			}
		case "compression":
			if d.NextArg() {
				if d.Val() != "off" {
					return nil, d.Errf("compression: expecting 'off', got '%s'", d.Val())
				}
				off := false
				t.Compression = &off
			}
		case "local_address":
			if !d.NextArg() {
				return nil, d.ArgErr()
			}
			t.LocalAddress = d.Val()
		default:
			return nil, d.Errf("unrecognized subdirective %s", opt)
		}
		if err != nil {
			return nil, err
		}
	}
	return t, nil
}

// transportDuration parses the duration argument of the current option
// into dst; errFmt gets the value and the parse error.
func transportDuration(d *caddyfile.Dispenser, dst *int64, errFmt string) error {
	if !d.NextArg() {
		return d.ArgErr()
	}
	dur, err := parseDuration(d.Val())
	if err != nil {
		return d.Errf(errFmt, d.Val(), err)
	}
	*dst = dur
	return nil
}

// parseNetworkProxy parses "network_proxy none" or "network_proxy url <url>",
// the two network proxy modules Caddy ships.
func parseNetworkProxy(d *caddyfile.Dispenser, t *proxyHTTPTransport) error {
	if !d.NextArg() {
		return d.ArgErr()
	}
	switch d.Val() {
	case "none":
		if d.NextArg() {
			return d.ArgErr()
		}
		t.NetworkProxy = map[string]string{"from": "none"}
	case "url":
		if !d.NextArg() {
			return d.ArgErr()
		}
		t.NetworkProxy = map[string]string{"from": "url", "url": d.Val()}
		if d.NextArg() {
			return d.ArgErr()
		}
	default:
		return d.Errf("getting module named 'caddy.network_proxy.%s': unknown network proxy module", d.Val())
	}
	return nil
}
