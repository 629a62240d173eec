package caddyconf

// TransportModule is a reverse-proxy transport named by "protocol"; only
// "http" is supported (fastcgi is not).
type TransportModule = Inline[transports]

type transports struct{}

func (transports) inlineKey() string { return "protocol" }
func (transports) kind() string      { return "transport" }
func (transports) newModule(name string) Module {
	if name == "http" {
		return new(HTTPTransport)
	}
	return nil
}

// HTTPTransport is the HTTP transport, as Caddy's reverseproxy.HTTPTransport.
type HTTPTransport struct {
	// Resolver overrides DNS servers for upstream names.
	Resolver *UpstreamResolver `json:"resolver,omitempty"`
	// TLS enables TLS to upstreams.
	TLS *TransportTLS `json:"tls,omitempty"`
	// KeepAlive tunes upstream connection reuse.
	KeepAlive *KeepAlive `json:"keep_alive,omitempty"`
	// Compression asks upstreams for gzip (default true).
	Compression *bool `json:"compression,omitempty"`
	// MaxConnsPerHost caps connections per upstream.
	MaxConnsPerHost int `json:"max_conns_per_host,omitempty"`
	// ProxyProtocol sends a PROXY protocol header ("v1", "v2").
	ProxyProtocol string `json:"proxy_protocol,omitempty"`
	// ForwardProxyURL is a deprecated forward proxy; not supported.
	ForwardProxyURL unsupportedField `json:"forward_proxy_url,omitempty"`
	// DialTimeout bounds connecting.
	DialTimeout Duration `json:"dial_timeout,omitempty"`
	// DialFallbackDelay is the Happy Eyeballs delay.
	DialFallbackDelay Duration `json:"dial_fallback_delay,omitempty"`
	// ResponseHeaderTimeout bounds waiting for the response header.
	ResponseHeaderTimeout Duration `json:"response_header_timeout,omitempty"`
	// ExpectContinueTimeout bounds waiting for 100 Continue.
	ExpectContinueTimeout Duration `json:"expect_continue_timeout,omitempty"`
	// MaxResponseHeaderSize caps the response header.
	MaxResponseHeaderSize int64 `json:"max_response_header_size,omitempty"`
	// WriteBufferSize is the connection's write buffer size.
	WriteBufferSize int `json:"write_buffer_size,omitempty"`
	// ReadBufferSize is the connection's read buffer size.
	ReadBufferSize int `json:"read_buffer_size,omitempty"`
	// ReadTimeout bounds each read from the upstream.
	ReadTimeout Duration `json:"read_timeout,omitempty"`
	// WriteTimeout bounds each write to the upstream.
	WriteTimeout Duration `json:"write_timeout,omitempty"`
	// Versions are the HTTP versions to use ("1.1", "2", "h2c", "3").
	Versions []string `json:"versions,omitempty"`
	// LocalAddress is the local address to dial from.
	LocalAddress string `json:"local_address,omitempty"`
	// NetworkProxy routes upstream connections through a proxy; not supported.
	NetworkProxy unsupportedField `json:"network_proxy,omitempty"`
}

// ModuleName returns "http".
func (*HTTPTransport) ModuleName() string { return "http" }

// UpstreamResolver lists DNS servers, as Caddy's reverseproxy.UpstreamResolver.
type UpstreamResolver struct {
	// Addresses are DNS server addresses.
	Addresses []string `json:"addresses,omitempty"`
}

// TransportTLS is TLS to upstreams, as Caddy's reverseproxy.TLSConfig.
type TransportTLS struct {
	// CA is the pool of trusted roots.
	CA *CAPoolModule `json:"ca,omitempty"`
	// RootCAPool are base64 DER roots (deprecated form of CA).
	RootCAPool []string `json:"root_ca_pool,omitempty"`
	// RootCAPEMFiles are PEM root files (deprecated form of CA).
	RootCAPEMFiles []string `json:"root_ca_pem_files,omitempty"`
	// ClientCertificateFile is a client certificate for mutual TLS.
	ClientCertificateFile string `json:"client_certificate_file,omitempty"`
	// ClientCertificateKeyFile is its key.
	ClientCertificateKeyFile string `json:"client_certificate_key_file,omitempty"`
	// ClientCertificateAutomate uses an automated certificate by name.
	ClientCertificateAutomate string `json:"client_certificate_automate,omitempty"`
	// InsecureSkipVerify disables certificate verification.
	InsecureSkipVerify bool `json:"insecure_skip_verify,omitempty"`
	// HandshakeTimeout bounds the handshake.
	HandshakeTimeout Duration `json:"handshake_timeout,omitempty"`
	// ServerName is the SNI and verified name (placeholders allowed).
	ServerName string `json:"server_name,omitempty"`
	// Renegotiation is "never", "once" or "freely".
	Renegotiation string `json:"renegotiation,omitempty"`
	// ExceptPorts are upstream ports that do not use TLS.
	ExceptPorts []string `json:"except_ports,omitempty"`
	// Curves are the allowed key-exchange groups.
	Curves []string `json:"curves,omitempty"`
}

// KeepAlive tunes upstream connection reuse, as Caddy's reverseproxy.KeepAlive.
type KeepAlive struct {
	// Enabled turns keep-alive on or off (default on).
	Enabled *bool `json:"enabled,omitempty"`
	// ProbeInterval is the TCP keep-alive probe interval.
	ProbeInterval Duration `json:"probe_interval,omitempty"`
	// MaxIdleConns caps idle connections in total.
	MaxIdleConns int `json:"max_idle_conns,omitempty"`
	// MaxIdleConnsPerHost caps idle connections per upstream.
	MaxIdleConnsPerHost int `json:"max_idle_conns_per_host,omitempty"`
	// IdleTimeout closes idle connections.
	IdleTimeout Duration `json:"idle_timeout,omitempty"`
}

// UpstreamSourceModule is a dynamic upstream source named by "source".
type UpstreamSourceModule = Inline[upstreamSources]

type upstreamSources struct{}

func (upstreamSources) inlineKey() string { return "source" }
func (upstreamSources) kind() string      { return "upstream source" }
func (upstreamSources) newModule(name string) Module {
	switch name {
	case "a":
		return new(AUpstreams)
	case "srv":
		return new(SRVUpstreams)
	case "multi":
		return new(MultiUpstreams)
	}
	return nil
}

// AUpstreams looks upstreams up by A/AAAA records, as Caddy's
// reverseproxy.AUpstreams.
type AUpstreams struct {
	// Name is the domain name to look up.
	Name string `json:"name,omitempty"`
	// Port is the port for each address.
	Port string `json:"port,omitempty"`
	// Refresh is the cache time of the results.
	Refresh Duration `json:"refresh,omitempty"`
	// Resolver overrides the DNS servers.
	Resolver *UpstreamResolver `json:"resolver,omitempty"`
	// DialTimeout bounds DNS connections.
	DialTimeout Duration `json:"dial_timeout,omitempty"`
	// DialFallbackDelay is the Happy Eyeballs delay for DNS.
	DialFallbackDelay Duration `json:"dial_fallback_delay,omitempty"`
	// Versions picks IPv4 and/or IPv6.
	Versions *IPVersions `json:"versions,omitempty"`
}

// ModuleName returns "a".
func (*AUpstreams) ModuleName() string { return "a" }

// IPVersions picks address families, as Caddy's reverseproxy.IPVersions.
type IPVersions struct {
	// IPv4 includes A records.
	IPv4 *bool `json:"ipv4,omitempty"`
	// IPv6 includes AAAA records.
	IPv6 *bool `json:"ipv6,omitempty"`
}

// SRVUpstreams looks upstreams up by SRV records, as Caddy's
// reverseproxy.SRVUpstreams.
type SRVUpstreams struct {
	// Service is the service label.
	Service string `json:"service,omitempty"`
	// Proto is the protocol label.
	Proto string `json:"proto,omitempty"`
	// Name is the domain name.
	Name string `json:"name,omitempty"`
	// Refresh is the cache time of the results.
	Refresh Duration `json:"refresh,omitempty"`
	// GracePeriod keeps stale results when lookups fail.
	GracePeriod Duration `json:"grace_period,omitempty"`
	// Resolver overrides the DNS servers.
	Resolver *UpstreamResolver `json:"resolver,omitempty"`
	// DialTimeout bounds DNS connections.
	DialTimeout Duration `json:"dial_timeout,omitempty"`
	// DialFallbackDelay is the Happy Eyeballs delay for DNS.
	DialFallbackDelay Duration `json:"dial_fallback_delay,omitempty"`
	// DialNetwork is the network of the upstreams ("tcp", "unix").
	DialNetwork string `json:"dial_network,omitempty"`
}

// ModuleName returns "srv".
func (*SRVUpstreams) ModuleName() string { return "srv" }

// MultiUpstreams combines sources, as Caddy's reverseproxy.MultiUpstreams.
type MultiUpstreams struct {
	// Sources are queried in order.
	Sources []UpstreamSourceModule `json:"sources,omitempty"`
}

// ModuleName returns "multi".
func (*MultiUpstreams) ModuleName() string { return "multi" }

// IPSourceModule is a source of trusted proxy ranges named by "source";
// only "static" is supported.
type IPSourceModule = Inline[ipSources]

type ipSources struct{}

func (ipSources) inlineKey() string { return "source" }
func (ipSources) kind() string      { return "IP range source" }
func (ipSources) newModule(name string) Module {
	if name == "static" {
		return new(StaticIPRanges)
	}
	return nil
}

// StaticIPRanges is a fixed list, as Caddy's caddyhttp.StaticIPRange.
type StaticIPRanges struct {
	// Ranges are IPs or CIDR ranges ("private_ranges" is expanded by the
	// adapter).
	Ranges []string `json:"ranges,omitempty"`
}

// ModuleName returns "static".
func (*StaticIPRanges) ModuleName() string { return "static" }

// ListenerWrapperModule wraps a listener, named by "wrapper"; "tls" and
// "http_redirect" are supported.
type ListenerWrapperModule = Inline[listenerWrappers]

type listenerWrappers struct{}

func (listenerWrappers) inlineKey() string { return "wrapper" }
func (listenerWrappers) kind() string      { return "listener wrapper" }
func (listenerWrappers) newModule(name string) Module {
	switch name {
	case "tls":
		return new(TLSWrapper)
	case "http_redirect":
		return new(HTTPRedirectWrapper)
	}
	return nil
}

// TLSWrapper marks where TLS sits in the wrapper chain, as Caddy's
// caddytls.tlsPlaceholderWrapper.
type TLSWrapper struct{}

// ModuleName returns "tls".
func (*TLSWrapper) ModuleName() string { return "tls" }

// HTTPRedirectWrapper answers plain HTTP on a TLS port with a redirect to
// HTTPS, as Caddy's caddyhttp.HTTPRedirectListenerWrapper.
type HTTPRedirectWrapper struct {
	// MaxHeaderBytes caps the header read to detect plain HTTP.
	MaxHeaderBytes int `json:"max_header_bytes,omitempty"`
}

// ModuleName returns "http_redirect".
func (*HTTPRedirectWrapper) ModuleName() string { return "http_redirect" }
