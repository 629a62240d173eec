package caddyconf

// HTTPApp is the http app, as Caddy's caddyhttp.App.
type HTTPApp struct {
	// HTTPPort is the port for plain HTTP (default 80).
	HTTPPort int `json:"http_port,omitempty"`
	// HTTPSPort is the port for HTTPS (default 443).
	HTTPSPort int `json:"https_port,omitempty"`
	// GracePeriod bounds a graceful shutdown.
	GracePeriod Duration `json:"grace_period,omitempty"`
	// ShutdownDelay delays the start of a graceful shutdown.
	ShutdownDelay Duration `json:"shutdown_delay,omitempty"`
	// Servers are the servers by name.
	Servers map[string]*Server `json:"servers,omitempty"`
	// Metrics enables Prometheus metrics; zeroserve ignores it (warning).
	Metrics *Metrics `json:"metrics,omitempty" zs:"warn"`
}

// Metrics is Caddy's caddyhttp.Metrics.
type Metrics struct {
	// ObserveCatchallHosts labels requests for hosts without a route.
	ObserveCatchallHosts bool `json:"observe_catchall_hosts,omitempty"`
	// PerHost adds a host label.
	PerHost bool `json:"per_host,omitempty"`
	// OTLP exports over OpenTelemetry.
	OTLP bool `json:"otlp,omitempty"`
}

// Server is one HTTP server, as Caddy's caddyhttp.Server.
type Server struct {
	// Listen are network addresses ("tcp/:443", ":80", "unix//x.sock").
	Listen []string `json:"listen,omitempty"`
	// ListenerWrappers wrap each listener (tls, http_redirect).
	ListenerWrappers []ListenerWrapperModule `json:"listener_wrappers,omitempty"`
	// PacketConnWrappers (HTTP/3) are not supported.
	PacketConnWrappers unsupportedField `json:"packet_conn_wrappers,omitempty"`

	// ReadTimeout bounds reading a whole request.
	ReadTimeout Duration `json:"read_timeout,omitempty"`
	// ReadHeaderTimeout bounds reading the request header.
	ReadHeaderTimeout Duration `json:"read_header_timeout,omitempty"`
	// ReadIdleTimeout bounds waiting for body bytes.
	ReadIdleTimeout Duration `json:"read_idle_timeout,omitempty"`
	// ReadMinRate is the minimum body read rate in bytes per second.
	ReadMinRate int64 `json:"read_min_rate,omitempty"`
	// WriteTimeout bounds writing a response.
	WriteTimeout Duration `json:"write_timeout,omitempty"`
	// WriteIdleTimeout bounds a stalled response write.
	WriteIdleTimeout Duration `json:"write_idle_timeout,omitempty"`
	// WriteMinRate is the minimum write rate in bytes per second.
	WriteMinRate int64 `json:"write_min_rate,omitempty"`
	// MaxWriteChunk caps one write.
	MaxWriteChunk int `json:"max_write_chunk,omitempty"`
	// IdleTimeout closes idle keep-alive connections.
	IdleTimeout Duration `json:"idle_timeout,omitempty"`
	// KeepAliveInterval is the TCP keep-alive probe interval.
	KeepAliveInterval Duration `json:"keepalive_interval,omitempty"`
	// KeepAliveIdle is the TCP keep-alive idle time.
	KeepAliveIdle Duration `json:"keepalive_idle,omitempty"`
	// KeepAliveCount is the number of TCP keep-alive probes.
	KeepAliveCount int `json:"keepalive_count,omitempty"`
	// MaxHeaderBytes caps the request header size.
	MaxHeaderBytes int `json:"max_header_bytes,omitempty"`
	// EnableFullDuplex lets HTTP/1 handlers read the body while writing.
	EnableFullDuplex bool `json:"enable_full_duplex,omitempty"`
	// ExpectedUnderscoreHeaders are header names with "_" that are kept.
	ExpectedUnderscoreHeaders []string `json:"expected_underscore_headers,omitempty"`
	// ExpectedDotHeaders are header names with "." that are kept.
	ExpectedDotHeaders []string `json:"expected_dot_headers,omitempty"`

	// Routes handle each request in order.
	Routes []Route `json:"routes,omitempty"`
	// Errors are the routes run when a handler returns an error.
	Errors *ErrorConfig `json:"errors,omitempty"`
	// NamedRoutes are routes reached only through the invoke handler.
	NamedRoutes map[string]*Route `json:"named_routes,omitempty"`
	// TLSConnectionPolicies enable TLS and pick per-handshake settings.
	TLSConnectionPolicies []*ConnectionPolicy `json:"tls_connection_policies,omitempty"`
	// AutomaticHTTPS tunes automatic HTTPS.
	AutomaticHTTPS *AutoHTTPS `json:"automatic_https,omitempty"`
	// StrictSNIHost requires the Host header to equal the TLS SNI.
	StrictSNIHost *bool `json:"strict_sni_host,omitempty"`
	// TrustedProxies are the proxies whose client-IP headers are believed.
	TrustedProxies *IPSourceModule `json:"trusted_proxies,omitempty"`
	// ClientIPHeaders are read, in order, for the client IP.
	ClientIPHeaders []string `json:"client_ip_headers,omitempty"`
	// TrustedProxiesStrict parses client-IP headers right to left.
	TrustedProxiesStrict int `json:"trusted_proxies_strict,omitempty"`
	// TrustedProxiesUnix trusts connections over unix sockets.
	TrustedProxiesUnix bool `json:"trusted_proxies_unix,omitempty"`
	// Logs enables access logs.
	Logs *ServerLogs `json:"logs,omitempty"`
	// Protocols are the enabled HTTP versions ("h1", "h2", "h2c", "h3").
	Protocols []string `json:"protocols,omitempty"`
	// ListenProtocols overrides Protocols per listen address.
	ListenProtocols [][]string `json:"listen_protocols,omitempty"`
	// Allow0RTT enables TLS 1.3 early data.
	Allow0RTT *bool `json:"allow_0rtt,omitempty"`
	// Metrics enables per-server metrics; zeroserve ignores it (warning).
	Metrics *Metrics `json:"metrics,omitempty" zs:"warn"`
}

// ErrorConfig holds error routes, as Caddy's caddyhttp.HTTPErrorConfig.
type ErrorConfig struct {
	// Routes run when the primary routes return an error.
	Routes []Route `json:"routes,omitempty"`
}

// AutoHTTPS tunes automatic HTTPS, as Caddy's caddyhttp.AutoHTTPSConfig.
type AutoHTTPS struct {
	// Disable turns automatic HTTPS off entirely.
	Disable bool `json:"disable,omitempty"`
	// DisableRedirects turns off the HTTP->HTTPS redirects.
	DisableRedirects bool `json:"disable_redirects,omitempty"`
	// DisableCertificates turns off certificate automation.
	DisableCertificates bool `json:"disable_certificates,omitempty"`
	// Skip are hosts left out of automatic HTTPS.
	Skip []string `json:"skip,omitempty"`
	// SkipCertificates are hosts that get redirects but no certificates.
	SkipCertificates []string `json:"skip_certificates,omitempty"`
	// IgnoreLoadedCertificates manages hosts even with loaded certificates.
	IgnoreLoadedCertificates bool `json:"ignore_loaded_certificates,omitempty"`
}

// ServerLogs enables and routes access logs, as Caddy's
// caddyhttp.ServerLogConfig.
type ServerLogs struct {
	// DefaultLoggerName is the logger for hosts not in LoggerNames.
	DefaultLoggerName string `json:"default_logger_name,omitempty"`
	// LoggerNames maps a host to the loggers it writes to.
	LoggerNames map[string]StringArray `json:"logger_names,omitempty"`
	// SkipHosts are hosts not logged.
	SkipHosts []string `json:"skip_hosts,omitempty"`
	// SkipUnmappedHosts logs only hosts in LoggerNames.
	SkipUnmappedHosts bool `json:"skip_unmapped_hosts,omitempty"`
	// ShouldLogCredentials keeps credentials (cookies, auth) in logs.
	ShouldLogCredentials bool `json:"should_log_credentials,omitempty"`
	// Trace enables trace-level handler logs.
	Trace bool `json:"trace,omitempty"`
}
