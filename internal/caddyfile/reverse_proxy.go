package caddyfile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
)

func init() {
	RegisterHandlerDirective("reverse_proxy", parseReverseProxy)
	RegisterHandlerDirective("copy_response", parseCopyResponse)
	RegisterHandlerDirective("copy_response_headers", parseCopyResponseHeaders)
}

// reverseProxy is the reverse_proxy handler, as Caddy's
// reverseproxy.Handler marshals it (durations in nanoseconds, sizes in
// bytes, -1 for "unlimited").
type reverseProxy struct {
	Handler          string              `json:"handler"`
	Transport        *proxyHTTPTransport `json:"transport,omitempty"`
	LoadBalancing    *proxyLoadBalancing `json:"load_balancing,omitempty"`
	HealthChecks     *proxyHealthChecks  `json:"health_checks,omitempty"`
	Upstreams        []proxyUpstream     `json:"upstreams,omitempty"`
	FlushInterval    int64               `json:"flush_interval,omitempty"`
	TrustedProxies   []string            `json:"trusted_proxies,omitempty"`
	Headers          Obj                 `json:"headers,omitempty"`
	RequestBuffers   int64               `json:"request_buffers,omitempty"`
	ResponseBuffers  int64               `json:"response_buffers,omitempty"`
	ProxyStatusName  string              `json:"proxy_status_name,omitempty"`
	StreamTimeout    int64               `json:"stream_timeout,omitempty"`
	StreamBufferSize int                 `json:"stream_buffer_size,omitempty"`
	StreamCloseDelay int64               `json:"stream_close_delay,omitempty"`
	Rewrite          *proxyRewrite       `json:"rewrite,omitempty"`
	HandleResponse   []responseHandler   `json:"handle_response,omitempty"`
	VerboseLogs      bool                `json:"verbose_logs,omitempty"`

	// Parsing state: the scheme all upstreams share, the response
	// matchers defined with "@name", the handle_response segments parsed
	// last (they need the Helper).
	scheme                  string
	reqHeaders, respHeaders *headerOps
	responseMatchers        map[string]Obj
	handleResponse          []*caddyfile.Dispenser
}

// proxyHealthChecks holds active and passive health checking, as Caddy's
// reverseproxy.HealthChecks.
type proxyHealthChecks struct {
	Active  *proxyActiveHealth  `json:"active,omitempty"`
	Passive *proxyPassiveHealth `json:"passive,omitempty"`
}

// proxyActiveHealth is Caddy's reverseproxy.ActiveHealthChecks.
type proxyActiveHealth struct {
	Path            string              `json:"path,omitempty"`
	URI             string              `json:"uri,omitempty"`
	Upstream        string              `json:"upstream,omitempty"`
	Port            int                 `json:"port,omitempty"`
	Headers         map[string][]string `json:"headers,omitempty"`
	Method          string              `json:"method,omitempty"`
	Body            string              `json:"body,omitempty"`
	FollowRedirects bool                `json:"follow_redirects,omitempty"`
	Interval        int64               `json:"interval,omitempty"`
	Timeout         int64               `json:"timeout,omitempty"`
	Passes          int                 `json:"passes,omitempty"`
	Fails           int                 `json:"fails,omitempty"`
	ExpectStatus    int                 `json:"expect_status,omitempty"`
	ExpectBody      string              `json:"expect_body,omitempty"`
}

// proxyPassiveHealth is Caddy's reverseproxy.PassiveHealthChecks.
type proxyPassiveHealth struct {
	FailDuration          int64 `json:"fail_duration,omitempty"`
	MaxFails              int   `json:"max_fails,omitempty"`
	UnhealthyRequestCount int   `json:"unhealthy_request_count,omitempty"`
	UnhealthyStatus       []int `json:"unhealthy_status,omitempty"`
	UnhealthyLatency      int64 `json:"unhealthy_latency,omitempty"`
}

// proxyRewrite is the rewrite applied to the upstream request, as the
// fields of Caddy's rewrite.Rewrite that reverse_proxy sets.
type proxyRewrite struct {
	Method string `json:"method,omitempty"`
	URI    string `json:"uri,omitempty"`
}

// parseReverseProxy parses the reverse_proxy directive:
//
//	reverse_proxy [<matcher>] [<upstreams...>] {
//	    to <upstreams...>
//	    lb_policy <name> [<options...>]
//	    lb_retries <retries>;  lb_try_duration <d>;  lb_try_interval <d>
//	    lb_retry_match <request matchers>
//	    health_uri <uri>;  health_path <path>;  health_upstream <host:port>
//	    health_port <port>;  health_interval <d>;  health_passes <n>
//	    health_fails <n>;  health_timeout <d>;  health_status <status>
//	    health_body <regexp>;  health_method <method>;  health_request_body <body>
//	    health_follow_redirects;  health_headers { <field> [<values...>] }
//	    fail_duration <d>;  max_fails <n>;  unhealthy_status <status...>
//	    unhealthy_latency <d>;  unhealthy_request_count <n>
//	    flush_interval <d>;  request_buffers <size>;  response_buffers <size>
//	    stream_buffer_size <size>;  stream_timeout <d>;  stream_close_delay <d>
//	    verbose_logs;  proxy_status_name <name>
//	    trusted_proxies [private_ranges] <ranges...>
//	    header_up [+|-]<field> [<value|regexp> [<replacement>]]
//	    header_down [+|-]<field> [<value|regexp> [<replacement>]]
//	    method <method>;  rewrite <to>
//	    transport http { ... }
//	    @name { status <code...>; header <field> [<value>] }
//	    replace_status [<matcher>] <status_code>
//	    handle_response [<matcher>] { <directives...> }
//	}
//
// "dynamic" upstreams and non-http transports are rejected as unsupported.
func parseReverseProxy(h Helper) (Obj, error) {
	rp := &reverseProxy{}
	if err := rp.unmarshal(h.Dispenser); err != nil {
		return nil, err
	}
	if err := rp.finalize(h); err != nil {
		return nil, err
	}
	return rp.obj()
}

// obj returns rp as the handler object of the config.
func (rp *reverseProxy) obj() (Obj, error) {
	rp.Handler = "reverse_proxy"
	if rp.reqHeaders != nil || rp.respHeaders != nil {
		rp.Headers = Obj{}
		if rp.reqHeaders != nil {
			rp.Headers["request"] = rp.reqHeaders.obj()
		}
		if rp.respHeaders != nil {
			rp.Headers["response"] = rp.respHeaders.obj()
		}
	}
	return structToObj(rp)
}

// structToObj converts a struct with json tags into an Obj (numbers are
// kept exact as json.Number).
func structToObj(v any) (Obj, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var obj Obj
	if err := dec.Decode(&obj); err != nil {
		return nil, err
	}
	return obj, nil
}

// unmarshal reads the directive from d, which must be positioned before
// the directive name, as Caddy's Handler.UnmarshalCaddyfile. It leaves the
// handle_response blocks for finalize.
func (rp *reverseProxy) unmarshal(d *caddyfile.Dispenser) error {
	rp.responseMatchers = map[string]Obj{}
	var transport *proxyHTTPTransport

	d.Next()
	for _, up := range d.RemainingArgs() {
		if err := rp.addUpstream(d, up); err != nil {
			return err
		}
	}
	for d.NextBlock(0) {
		if strings.HasPrefix(d.Val(), "@") {
			if err := parseNamedResponseMatcher(d.NewFromNextSegment(), rp.responseMatchers); err != nil {
				return err
			}
			continue
		}
		var err error
		switch sub := d.Val(); sub {
		case "to":
			args := d.RemainingArgs()
			if len(args) == 0 {
				return d.ArgErr()
			}
			for _, up := range args {
				if err := rp.addUpstream(d, up); err != nil {
					return err
				}
			}
		case "dynamic":
			return unsupported(d, "reverse_proxy subdirective")
		case "lb_policy", "lb_retries", "lb_try_duration", "lb_try_interval", "lb_retry_match":
			err = rp.parseLoadBalancing(d, sub)
		case "health_uri", "health_path", "health_upstream", "health_port", "health_headers",
			"health_method", "health_request_body", "health_interval", "health_timeout",
			"health_status", "health_body", "health_follow_redirects", "health_passes", "health_fails":
			err = rp.parseActiveHealth(d, sub)
		case "max_fails", "fail_duration", "unhealthy_request_count", "unhealthy_status", "unhealthy_latency":
			err = rp.parsePassiveHealth(d, sub)
		case "flush_interval", "stream_timeout", "stream_close_delay":
			err = rp.parseStreamDuration(d, sub)
		case "request_buffers", "response_buffers", "stream_buffer_size":
			err = rp.parseBufferSize(d, sub)
		case "proxy_status_name":
			if !d.NextArg() {
				return d.ArgErr()
			}
			rp.ProxyStatusName = d.Val()
			if d.NextArg() {
				return d.ArgErr()
			}
		case "trusted_proxies":
			for d.NextArg() {
				if d.Val() == "private_ranges" {
					rp.TrustedProxies = append(rp.TrustedProxies, privateRanges...)
					continue
				}
				rp.TrustedProxies = append(rp.TrustedProxies, d.Val())
			}
		case "header_up", "header_down":
			err = rp.parseHeaderOp(d, sub)
		case "method", "rewrite":
			if !d.NextArg() {
				return d.ArgErr()
			}
			if rp.Rewrite == nil {
				rp.Rewrite = &proxyRewrite{}
			}
			if sub == "method" {
				rp.Rewrite.Method = d.Val()
			} else {
				rp.Rewrite.URI = d.Val()
			}
			if d.NextArg() {
				return d.ArgErr()
			}
		case "transport":
			if !d.NextArg() {
				return d.ArgErr()
			}
			if transport != nil {
				return d.Err("transport already specified")
			}
			switch d.Val() {
			case "http":
				transport, err = parseHTTPTransport(d)
			case "fastcgi":
				return unsupported(d, "reverse_proxy transport")
			default:
				return d.Errf("getting module named 'http.reverse_proxy.transport.%s': unknown transport", d.Val())
			}
		case "handle_response":
			rp.handleResponse = append(rp.handleResponse, d.NewFromNextSegment())
		case "replace_status":
			err = rp.parseReplaceStatus(d)
		case "verbose_logs":
			if rp.VerboseLogs {
				return d.Err("verbose_logs already specified")
			}
			rp.VerboseLogs = true
		default:
			return d.Errf("unrecognized subdirective %s", sub)
		}
		if err != nil {
			return err
		}
	}
	return rp.setTransport(d, transport)
}

// addUpstream adds the upstreams of one address (several for a port
// range); all upstreams must share one scheme, as Caddy requires.
func (rp *reverseProxy) addUpstream(d *caddyfile.Dispenser, addr string) error {
	wrap := func(err error) error {
		return fmt.Errorf("parsing upstream '%s': %w", addr, err)
	}
	a, err := parseUpstreamAddr(addr)
	if err != nil {
		return wrap(d.WrapErr(err))
	}
	switch a.scheme {
	case "wss":
		return wrap(d.Errf("the scheme wss:// is only supported in browsers; use https:// instead"))
	case "ws":
		return wrap(d.Errf("the scheme ws:// is only supported in browsers; use http:// instead"))
	case "https", "http", "h2c", "":
	default:
		return wrap(d.Errf("unsupported URL scheme %s://", a.scheme))
	}
	if rp.scheme != "" && a.scheme != rp.scheme {
		return wrap(d.Errf("for now, all proxy upstreams must use the same scheme (transport protocol); expecting '%s://' but got '%s://'", rp.scheme, a.scheme))
	}
	rp.scheme = a.scheme
	ups, err := a.expand()
	if err != nil {
		return wrap(d.WrapErr(err))
	}
	rp.Upstreams = append(rp.Upstreams, ups...)
	return nil
}

// setTransport checks the transport against the upstreams' scheme and
// stores it unless it is the default: https upstreams turn TLS on, h2c
// upstreams set the versions to h2c and 2.
func (rp *reverseProxy) setTransport(d *caddyfile.Dispenser, t *proxyHTTPTransport) error {
	if t == nil && (rp.scheme == "https" || rp.scheme == "h2c") {
		t = &proxyHTTPTransport{}
	}
	if t == nil {
		return nil
	}
	if rp.scheme == "https" && t.TLS == nil {
		t.TLS = &proxyTLS{}
	}
	if rp.scheme == "http" && t.TLS != nil {
		return d.Errf("upstream address scheme is HTTP but transport is configured for HTTP+TLS (HTTPS)")
	}
	if rp.scheme == "h2c" {
		t.Versions = []string{"h2c", "2"}
	}
	if !t.isZero() {
		t.Protocol = "http"
		rp.Transport = t
	}
	return nil
}

// loadBalancing returns rp's load balancing config, creating it.
func (rp *reverseProxy) loadBalancing() *proxyLoadBalancing {
	if rp.LoadBalancing == nil {
		rp.LoadBalancing = &proxyLoadBalancing{}
	}
	return rp.LoadBalancing
}

// parseLoadBalancing parses one lb_* subdirective.
func (rp *reverseProxy) parseLoadBalancing(d *caddyfile.Dispenser, sub string) error {
	if sub == "lb_retry_match" {
		set, err := parseMatcherSet(d, "")
		if err != nil {
			return d.Errf("failed to parse lb_retry_match: %v", err)
		}
		lb := rp.loadBalancing()
		lb.RetryMatch = append(lb.RetryMatch, set)
		return nil
	}
	if !d.NextArg() {
		return d.ArgErr()
	}
	switch sub {
	case "lb_policy":
		if rp.LoadBalancing != nil && rp.LoadBalancing.SelectionPolicy != nil {
			return d.Err("load balancing selection policy already specified")
		}
		pol, err := parseSelectionPolicy(d)
		if err != nil {
			return err
		}
		rp.loadBalancing().SelectionPolicy = pol
	case "lb_retries":
		n, err := strconv.Atoi(d.Val())
		if err != nil {
			return d.Errf("bad lb_retries number '%s': %v", d.Val(), err)
		}
		rp.loadBalancing().Retries = n
	case "lb_try_duration":
		lb := rp.loadBalancing()
		dur, err := parseDuration(d.Val())
		if err != nil {
			return d.Errf("bad duration value %s: %v", d.Val(), err)
		}
		lb.TryDuration = dur
	case "lb_try_interval":
		lb := rp.loadBalancing()
		dur, err := parseDuration(d.Val())
		if err != nil {
			return d.Errf("bad interval value '%s': %v", d.Val(), err)
		}
		lb.TryInterval = dur
	}
	return nil
}

// parseActiveHealth parses one active health check subdirective.
func (rp *reverseProxy) parseActiveHealth(d *caddyfile.Dispenser, sub string) error {
	if rp.HealthChecks == nil {
		rp.HealthChecks = &proxyHealthChecks{}
	}
	switch sub {
	case "health_headers":
		headers := map[string][]string{}
		for nesting := d.Nesting(); d.NextBlock(nesting); {
			key := d.Val()
			values := d.RemainingArgs()
			if len(values) == 0 {
				values = []string{""}
			}
			headers[key] = append(headers[key], values...)
		}
		if rp.HealthChecks.Active == nil {
			rp.HealthChecks.Active = &proxyActiveHealth{}
		}
		rp.HealthChecks.Active.Headers = headers
		return nil
	case "health_follow_redirects":
		if d.NextArg() {
			return d.ArgErr()
		}
		if rp.HealthChecks.Active == nil {
			rp.HealthChecks.Active = &proxyActiveHealth{}
		}
		rp.HealthChecks.Active.FollowRedirects = true
		return nil
	}
	if !d.NextArg() {
		return d.ArgErr()
	}
	if rp.HealthChecks.Active == nil {
		rp.HealthChecks.Active = &proxyActiveHealth{}
	}
	a, val := rp.HealthChecks.Active, d.Val()
	var err error
	switch sub {
	case "health_uri":
		a.URI = val
	case "health_path":
		a.Path = val
	case "health_upstream":
		_, port, serr := net.SplitHostPort(val)
		if serr != nil {
			return d.Errf("health_upstream is malformed '%s': %v", val, serr)
		}
		if _, perr := strconv.Atoi(port); perr != nil {
			return d.Errf("bad port number '%s': %v", val, perr)
		}
		a.Upstream = val
	case "health_port":
		if a.Upstream != "" {
			return d.Errf("the 'health_port' subdirective is ignored if 'health_upstream' is used!")
		}
		a.Port, err = strconv.Atoi(val)
		if err != nil {
			return d.Errf("bad port number '%s': %v", val, err)
		}
	case "health_method":
		a.Method = val
	case "health_request_body":
		a.Body = val
	case "health_interval":
		a.Interval, err = parseDuration(val)
		if err != nil {
			return d.Errf("bad interval value %s: %v", val, err)
		}
	case "health_timeout":
		a.Timeout, err = parseDuration(val)
		if err != nil {
			return d.Errf("bad timeout value %s: %v", val, err)
		}
	case "health_status":
		a.ExpectStatus, err = parseStatusClass(val)
		if err != nil {
			return d.Errf("bad status value '%s': %v", val, err)
		}
	case "health_body":
		a.ExpectBody = val
	case "health_passes":
		a.Passes, err = strconv.Atoi(val)
		if err != nil {
			return d.Errf("invalid passes count '%s': %v", val, err)
		}
	case "health_fails":
		a.Fails, err = strconv.Atoi(val)
		if err != nil {
			return d.Errf("invalid fails count '%s': %v", val, err)
		}
	}
	return nil
}

// parsePassiveHealth parses one passive health check subdirective.
func (rp *reverseProxy) parsePassiveHealth(d *caddyfile.Dispenser, sub string) error {
	var args []string
	if sub == "unhealthy_status" {
		args = d.RemainingArgs()
	} else if d.NextArg() {
		args = []string{d.Val()}
	}
	if len(args) == 0 {
		return d.ArgErr()
	}
	if rp.HealthChecks == nil {
		rp.HealthChecks = &proxyHealthChecks{}
	}
	if rp.HealthChecks.Passive == nil {
		rp.HealthChecks.Passive = &proxyPassiveHealth{}
	}
	p, val := rp.HealthChecks.Passive, args[0]
	var err error
	switch sub {
	case "max_fails":
		p.MaxFails, err = strconv.Atoi(val)
		if err != nil {
			return d.Errf("invalid maximum fail count '%s': %v", val, err)
		}
	case "fail_duration":
		p.FailDuration, err = parseDuration(val)
		if err != nil {
			return d.Errf("bad duration value '%s': %v", val, err)
		}
	case "unhealthy_request_count":
		p.UnhealthyRequestCount, err = strconv.Atoi(val)
		if err != nil {
			return d.Errf("invalid maximum connection count '%s': %v", val, err)
		}
	case "unhealthy_status":
		for _, arg := range args {
			code, err := parseStatusClass(arg)
			if err != nil {
				return d.Errf("bad status value '%s': %v", d.Val(), err)
			}
			p.UnhealthyStatus = append(p.UnhealthyStatus, code)
		}
	case "unhealthy_latency":
		p.UnhealthyLatency, err = parseDuration(val)
		if err != nil {
			return d.Errf("bad duration value '%s': %v", val, err)
		}
	}
	return nil
}

// parseStreamDuration parses flush_interval, stream_timeout or
// stream_close_delay: a plain integer is taken as nanoseconds (so -1
// means "flush immediately"), anything else as a duration.
func (rp *reverseProxy) parseStreamDuration(d *caddyfile.Dispenser, sub string) error {
	if !d.NextArg() {
		return d.ArgErr()
	}
	var dur int64
	if n, err := strconv.Atoi(d.Val()); err == nil {
		dur = int64(n)
	} else {
		dur, err = parseDuration(d.Val())
		if err != nil {
			return d.Errf("bad duration value '%s': %v", d.Val(), err)
		}
	}
	switch sub {
	case "flush_interval":
		rp.FlushInterval = dur
	case "stream_timeout":
		rp.StreamTimeout = dur
	default:
		rp.StreamCloseDelay = dur
	}
	return nil
}

// parseBufferSize parses request_buffers, response_buffers or
// stream_buffer_size: a byte size or "unlimited" (-1).
func (rp *reverseProxy) parseBufferSize(d *caddyfile.Dispenser, sub string) error {
	if !d.NextArg() {
		return d.ArgErr()
	}
	size := int64(-1)
	if val := d.Val(); val != "unlimited" {
		n, err := parseByteSize(val)
		if err != nil {
			return d.Errf("invalid byte size '%s': %v", val, err)
		}
		size = int64(n)
	}
	if d.NextArg() {
		return d.ArgErr()
	}
	switch sub {
	case "request_buffers":
		rp.RequestBuffers = size
	case "response_buffers":
		rp.ResponseBuffers = size
	default:
		rp.StreamBufferSize = int(size)
	}
	return nil
}

// parseHeaderOp parses header_up or header_down:
// "[+|-]<field> [<value|regexp> [<replacement>]]". Both use request header
// semantics, as in Caddy (no "?" defaults, no deferring).
func (rp *reverseProxy) parseHeaderOp(d *caddyfile.Dispenser, sub string) error {
	ops := &rp.reqHeaders
	if sub == "header_down" {
		ops = &rp.respHeaders
	}
	if *ops == nil {
		*ops = &headerOps{}
	}
	args := d.RemainingArgs()
	h := Helper{Dispenser: d}
	switch len(args) {
	case 1:
		return applyHeaderOp(h, *ops, nil, args[0], "", nil, 1)
	case 2:
		return applyHeaderOp(h, *ops, nil, args[0], args[1], nil, 2)
	case 3:
		return applyHeaderOp(h, *ops, nil, args[0], args[1], &args[2], 3)
	}
	return d.ArgErr()
}

// parseReplaceStatus parses "replace_status [<@matcher>] <status>".
func (rp *reverseProxy) parseReplaceStatus(d *caddyfile.Dispenser) error {
	args := d.RemainingArgs()
	if len(args) != 1 && len(args) != 2 {
		return d.Errf("must have one or two arguments: an optional response matcher, and a status code")
	}
	var rh responseHandler
	if status := args[len(args)-1]; status != "" {
		rh.StatusCode = weakString(status)
	}
	if len(args) == 2 {
		m, err := rp.responseMatcher(d, args[0])
		if err != nil {
			return err
		}
		rh.Match = m
	}
	if nesting := d.Nesting(); d.NextBlock(nesting) {
		return d.Errf("cannot define routes for 'replace_status', use 'handle_response' instead.")
	}
	rp.HandleResponse = append(rp.HandleResponse, rh)
	return nil
}

// responseMatcher returns the response matcher named by the token name
// ("@name").
func (rp *reverseProxy) responseMatcher(d *caddyfile.Dispenser, name string) (Obj, error) {
	if !strings.HasPrefix(name, "@") {
		return nil, d.Errf("must use a named response matcher, starting with '@'")
	}
	m, ok := rp.responseMatchers[name]
	if !ok {
		return nil, d.Errf("no named response matcher defined with name '%s'", name[1:])
	}
	return m, nil
}

// finalize parses the handle_response blocks as subroutes and moves the
// response handlers without a matcher after those with one, as Caddy's
// FinalizeUnmarshalCaddyfile.
func (rp *reverseProxy) finalize(h Helper) error {
	for _, d := range rp.handleResponse {
		d.Next()
		args := d.RemainingArgs()
		if len(args) > 1 {
			return d.Errf("too many arguments for 'handle_response': only a single response matcher name is allowed, but got: %s", args)
		}
		var rh responseHandler
		if len(args) == 1 {
			m, err := rp.responseMatcher(d, args[0])
			if err != nil {
				return err
			}
			rh.Match = m
		}
		sub, err := ParseSegmentAsSubroute(h.WithDispenser(d.NewFromNextSegment()))
		if err != nil {
			return err
		}
		rh.Routes = sub["routes"]
		rp.HandleResponse = append(rp.HandleResponse, rh)
	}
	var with, without []responseHandler
	for _, rh := range rp.HandleResponse {
		if rh.Match == nil {
			without = append(without, rh)
		} else {
			with = append(with, rh)
		}
	}
	if rp.HandleResponse != nil {
		rp.HandleResponse = append(with, without...)
	}
	rp.handleResponse, rp.responseMatchers = nil, nil
	return nil
}
