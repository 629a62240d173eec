package caddyfile

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
)

// serverOptions is one "servers [listener] { ... }" global option: settings
// applied to the servers listening on listenerAddress (all if empty).
type serverOptions struct {
	listenerAddress string
	name            string

	listenerWrappers     []Obj
	readTimeout          int64
	readHeaderTimeout    int64
	readIdleTimeout      int64
	readMinRate          int64
	writeTimeout         int64
	writeIdleTimeout     int64
	writeMinRate         int64
	maxWriteChunk        int
	expectedUnderscore   []string
	expectedDot          []string
	allow0RTT            *bool
	trace                bool
	idleTimeout          int64
	keepAliveInterval    int64
	keepAliveIdle        int64
	keepAliveCount       int
	maxHeaderBytes       int
	enableFullDuplex     bool
	protocols            []string
	strictSNIHost        *bool
	trustedProxies       Obj
	trustedProxiesStrict int
	trustedProxiesUnix   bool
	clientIPHeaders      []string
	logCredentials       bool
}

func parseOptServers(d *caddyfile.Dispenser, _ any) (any, error) {
	d.Next()
	var o serverOptions
	if d.NextArg() {
		o.listenerAddress = d.Val()
		if d.NextArg() {
			return nil, d.ArgErr()
		}
	}
	for d.NextBlock(0) {
		var err error
		switch d.Val() {
		case "name":
			if o.listenerAddress == "" {
				return nil, d.Errf("cannot set a name for a server without a listener address")
			}
			if !d.NextArg() {
				return nil, d.ArgErr()
			}
			o.name = d.Val()
		case "listener_wrappers":
			for nesting := d.Nesting(); d.NextBlock(nesting); {
				w, err := parseListenerWrapper(moduleDispenser(d))
				if err != nil {
					return nil, err
				}
				o.listenerWrappers = append(o.listenerWrappers, w)
			}
		case "timeouts":
			for nesting := d.Nesting(); d.NextBlock(nesting); {
				var target *int64
				switch d.Val() {
				case "read_body_idle", "write_idle":
					if err := parseIdleTimeout(d, &o); err != nil {
						return nil, err
					}
					continue
				case "write_max_chunk":
					var s string
					if !d.AllArgs(&s) {
						return nil, d.ArgErr()
					}
					size, err := parseByteSize(s)
					if err != nil {
						return nil, d.Errf("parsing write_max_chunk: %v", err)
					}
					o.maxWriteChunk = int(size)
					continue
				case "read_body":
					target = &o.readTimeout
				case "read_header":
					target = &o.readHeaderTimeout
				case "write":
					target = &o.writeTimeout
				case "idle":
					target = &o.idleTimeout
				default:
					return nil, unsupported(d, "timeouts option")
				}
				if *target, err = durationArg(d); err != nil {
					return nil, err
				}
			}
		case "keepalive_interval":
			if o.keepAliveInterval, err = durationArg(d); err != nil {
				return nil, err
			}
		case "keepalive_idle":
			if o.keepAliveIdle, err = durationArg(d); err != nil {
				return nil, err
			}
		case "keepalive_count":
			if !d.NextArg() {
				return nil, d.ArgErr()
			}
			n, err := strconv.ParseInt(d.Val(), 10, 32)
			if err != nil {
				return nil, d.Errf("parsing keepalive count int: %v", err)
			}
			o.keepAliveCount = int(n)
		case "max_header_size":
			var s string
			if !d.AllArgs(&s) {
				return nil, d.ArgErr()
			}
			size, err := parseByteSize(s)
			if err != nil {
				return nil, d.Errf("parsing max_header_size: %v", err)
			}
			o.maxHeaderBytes = int(size)
		case "enable_full_duplex":
			if d.NextArg() {
				return nil, d.ArgErr()
			}
			o.enableFullDuplex = true
		case "expected_underscore_headers", "expected_dot_headers":
			sub := d.Val()
			args := d.RemainingArgs()
			if len(args) == 0 {
				return nil, d.ArgErr()
			}
			if sub == "expected_dot_headers" {
				o.expectedDot = args
			} else {
				o.expectedUnderscore = args
			}
		case "0rtt":
			if !d.NextArg() {
				return nil, d.ArgErr()
			}
			if d.Val() != "off" {
				return nil, d.Errf("unsupported 0rtt argument '%s' (only 'off' is supported)", d.Val())
			}
			off := false
			o.allow0RTT = &off
		case "trace":
			if d.NextArg() {
				return nil, d.ArgErr()
			}
			o.trace = true
		case "log_credentials":
			if d.NextArg() {
				return nil, d.ArgErr()
			}
			o.logCredentials = true
		case "protocols":
			for _, p := range d.RemainingArgs() {
				if p != "h1" && p != "h2" && p != "h2c" && p != "h3" {
					return nil, d.Errf("unknown protocol '%s': expected h1, h2, h2c, or h3", p)
				}
				if slices.Contains(o.protocols, p) {
					return nil, d.Errf("protocol %s specified more than once", p)
				}
				o.protocols = append(o.protocols, p)
			}
			if d.NextBlock(d.Nesting()) {
				return nil, d.ArgErr()
			}
		case "strict_sni_host":
			if d.NextArg() && d.Val() != "insecure_off" && d.Val() != "on" {
				return nil, d.Errf("strict_sni_host only supports 'on' or 'insecure_off', got '%s'", d.Val())
			}
			on := d.Val() != "insecure_off"
			o.strictSNIHost = &on
		case "trusted_proxies":
			if !d.NextArg() {
				return nil, d.Err("trusted_proxies expects an IP range source module name as its first argument")
			}
			src := moduleDispenser(d)
			if src.Val() != "static" {
				return nil, unsupported(src, "trusted_proxies source")
			}
			var ranges []string
			for src.NextArg() {
				if src.Val() == "private_ranges" {
					ranges = append(ranges, privateRanges...)
					continue
				}
				ranges = append(ranges, src.Val())
			}
			o.trustedProxies = Obj{"source": "static"}
			if len(ranges) > 0 {
				o.trustedProxies["ranges"] = ranges
			}
		case "trusted_proxies_strict":
			if d.NextArg() {
				return nil, d.ArgErr()
			}
			o.trustedProxiesStrict = 1
		case "trusted_proxies_unix":
			if d.NextArg() {
				return nil, d.ArgErr()
			}
			o.trustedProxiesUnix = true
		case "client_ip_headers":
			for _, h := range d.RemainingArgs() {
				if slices.Contains(o.clientIPHeaders, h) {
					return nil, d.Errf("client IP header %s specified more than once", h)
				}
				o.clientIPHeaders = append(o.clientIPHeaders, h)
			}
			if d.NextBlock(d.Nesting()) {
				return nil, d.ArgErr()
			}
		default:
			return nil, unsupported(d, "servers option")
		}
	}
	return o, nil
}

// parseIdleTimeout parses "read_body_idle|write_idle <duration>
// [<min_bytes_per_second>]".
func parseIdleTimeout(d *caddyfile.Dispenser, o *serverOptions) error {
	sub := d.Val()
	args := d.RemainingArgs()
	if len(args) < 1 || len(args) > 2 {
		return d.ArgErr()
	}
	dur, err := parseDuration(args[0])
	if err != nil {
		return d.Errf("parsing %s timeout duration: %v", sub, err)
	}
	var rate int64
	if len(args) == 2 {
		if rate, err = strconv.ParseInt(args[1], 10, 64); err != nil {
			return d.Errf("parsing %s min_rate bytes/second: %v", sub, err)
		}
	}
	if sub == "read_body_idle" {
		o.readIdleTimeout, o.readMinRate = dur, rate
	} else {
		o.writeIdleTimeout, o.writeMinRate = dur, rate
	}
	return nil
}

// durationArg parses the next argument as a duration.
func durationArg(d *caddyfile.Dispenser) (int64, error) {
	if !d.NextArg() {
		return 0, d.ArgErr()
	}
	dur, err := parseDuration(d.Val())
	if err != nil {
		return 0, d.Errf("parsing %s duration: %v", d.Val(), err)
	}
	return dur, nil
}

// parseListenerWrapper parses one listener wrapper of listener_wrappers:
// "tls" (where TLS happens in the chain) and "http_redirect".
func parseListenerWrapper(d *caddyfile.Dispenser) (Obj, error) {
	name := d.Val()
	switch name {
	case "tls", "http_redirect":
	default:
		return nil, unsupported(d, "listener wrapper")
	}
	if d.NextArg() {
		return nil, d.ArgErr()
	}
	if d.NextBlock(d.Nesting()) {
		return nil, d.ArgErr()
	}
	return Obj{"wrapper": name}, nil
}

// applyServerOptions applies the "servers" global options to the servers
// they select (by listener address, the most specific first) and renames
// servers that were given a name.
func (a *adaptation) applyServerOptions(servers map[string]*server) error {
	opts, ok := a.options["servers"].([]serverOptions)
	if !ok {
		return nil
	}
	names := map[string]bool{}
	for _, o := range opts {
		if o.name == "" {
			continue
		}
		if names[o.name] {
			return fmt.Errorf("cannot use duplicate server name '%s'", o.name)
		}
		names[o.name] = true
	}
	renames := map[string]string{}
	for key, srv := range servers {
		i := slices.IndexFunc(opts, func(o serverOptions) bool {
			return o.listenerAddress == "" || slices.Contains(srv.Listen, o.listenerAddress)
		})
		if i < 0 {
			continue
		}
		o := opts[i]
		srv.ListenerWrappers = o.listenerWrappers
		srv.ReadTimeout = o.readTimeout
		srv.ReadHeaderTimeout = o.readHeaderTimeout
		srv.ReadIdleTimeout = o.readIdleTimeout
		srv.ReadMinRate = o.readMinRate
		srv.WriteTimeout = o.writeTimeout
		srv.WriteIdleTimeout = o.writeIdleTimeout
		srv.WriteMinRate = o.writeMinRate
		srv.MaxWriteChunk = o.maxWriteChunk
		srv.ExpectedUnderscore = o.expectedUnderscore
		srv.ExpectedDot = o.expectedDot
		srv.Allow0RTT = o.allow0RTT
		srv.IdleTimeout = o.idleTimeout
		srv.KeepAliveInterval = o.keepAliveInterval
		srv.KeepAliveIdle = o.keepAliveIdle
		srv.KeepAliveCount = o.keepAliveCount
		srv.MaxHeaderBytes = o.maxHeaderBytes
		srv.EnableFullDuplex = o.enableFullDuplex
		srv.Protocols = o.protocols
		srv.StrictSNIHost = o.strictSNIHost
		srv.TrustedProxies = o.trustedProxies
		srv.ClientIPHeaders = o.clientIPHeaders
		srv.TrustedProxiesStrict = o.trustedProxiesStrict
		srv.TrustedProxiesUnix = o.trustedProxiesUnix
		if o.logCredentials {
			if srv.Logs == nil {
				srv.Logs = &serverLogs{}
			}
			srv.Logs.ShouldLogCredentials = true
		}
		if o.trace {
			if srv.Logs == nil {
				srv.Logs = &serverLogs{}
			}
			srv.Logs.Trace = true
		}
		if o.name != "" {
			renames[key] = o.name
		}
	}
	for old, name := range renames {
		servers[name] = servers[old]
		delete(servers, old)
	}
	return nil
}
