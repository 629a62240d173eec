package compile

import (
	"encoding/json"
	"fmt"
	"maps"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/zeroserve/zeroserve/internal/caddyconf"
	"github.com/zeroserve/zeroserve/internal/helpers"
)

func init() {
	handlerConfigs["reverse_proxy"] = func(h *caddyconf.LoweredHandler) (any, error) {
		return reverseProxyConfig(h.Path, h.Module.(*caddyconf.ReverseProxy))
	}
}

// reverseProxyConfig converts the reverse_proxy zeroserve runs: static
// "host:port" and "unix//path" upstreams (max_requests), load_balancing (every selection
// policy, retries, retry_match), active and passive health checks, headers
// (request: header_up; response: header_down with require),
// trusted_proxies, flush_interval -1 (the engine always streams at once)
// and the http transport's dial_timeout, response_header_timeout,
// read_timeout, keep_alive (enabled, idle_timeout, max_idle_conns_per_host), tls
// (insecure_skip_verify, server_name, root CA files) and versions ["1.1"].
// Any other field is an unsupported error naming it and its JSON path.
func reverseProxyConfig(path string, m *caddyconf.ReverseProxy) (*helpers.CaddyReverseProxy, error) {
	if err := onlyFields(path, "reverse_proxy field", m, "upstreams", "load_balancing", "health_checks", "headers", "trusted_proxies", "transport", "flush_interval"); err != nil {
		return nil, err
	}
	if m.FlushInterval != 0 && m.FlushInterval != -1 {
		return nil, &caddyconf.UnsupportedError{Kind: "reverse_proxy field", Name: "flush_interval", Path: path + ".flush_interval"}
	}
	rp := &helpers.CaddyReverseProxy{TrustedProxies: m.TrustedProxies}
	if len(m.Upstreams) == 0 {
		return nil, &Error{Path: path + ".upstreams", Msg: "no upstreams (dynamic upstreams are not supported)"}
	}
	for i, up := range m.Upstreams {
		_, port, err := net.SplitHostPort(up.Dial)
		if !helpers.UnixDial(up.Dial) && (err != nil || strings.ContainsAny(up.Dial, "{}/") || port == "") {
			return nil, &caddyconf.UnsupportedError{Kind: "upstream", Name: up.Dial, Path: fmt.Sprintf("%s.upstreams[%d]", path, i)}
		}
		rp.Upstreams = append(rp.Upstreams, helpers.CaddyUpstream{Dial: up.Dial, MaxRequests: up.MaxRequests})
	}
	if lb := m.LoadBalancing; lb != nil {
		p := path + ".load_balancing"
		if err := onlyFields(p, "load_balancing field", lb, "selection_policy", "retries", "try_duration", "try_interval", "retry_match"); err != nil {
			return nil, err
		}
		for i := range lb.RetryMatch {
			js, err := matcherConfig(fmt.Sprintf("%s.retry_match[%d]", p, i), &lb.RetryMatch[i])
			if err != nil {
				return nil, err
			}
			rp.RetryMatch = append(rp.RetryMatch, json.RawMessage(js))
		}
		rp.Retries, rp.TryDuration, rp.TryInterval = lb.Retries, time.Duration(lb.TryDuration), time.Duration(lb.TryInterval)
		if lb.SelectionPolicy != nil {
			pol, err := lbPolicy(p+".selection_policy", lb.SelectionPolicy)
			if err != nil {
				return nil, err
			}
			rp.Policy = pol
		}
	}
	if hc := m.HealthChecks; hc != nil {
		rp.Passive = hc.Passive
		if a := hc.Active; a != nil {
			ah := &helpers.CaddyActiveHealth{
				URI: a.URI, Port: a.Port, Upstream: a.Upstream, Method: a.Method, Body: a.Body,
				Headers: a.Headers, FollowRedirects: a.FollowRedirects, Interval: time.Duration(a.Interval),
				Timeout: time.Duration(a.Timeout), Passes: a.Passes, Fails: a.Fails, MaxSize: a.MaxSize,
				ExpectStatus: a.ExpectStatus, ExpectBody: a.ExpectBody,
			}
			if ah.URI == "" {
				ah.URI = a.Path
			}
			for i, up := range rp.Upstreams {
				if helpers.UnixDial(up.Dial) && ah.Upstream == "" && ah.Port == 0 {
					// The checker's HTTP client dials TCP only.
					return nil, &caddyconf.UnsupportedError{Kind: "upstream", Name: up.Dial + " with active health checks", Path: fmt.Sprintf("%s.upstreams[%d]", path, i)}
				}
			}
			rp.Active = ah
		}
	}
	if h := m.Headers; h != nil {
		rp.HeaderUp = h.Request
		if h.Response != nil {
			if h.Response.Deferred {
				return nil, &caddyconf.UnsupportedError{Kind: "reverse_proxy field", Name: "deferred", Path: path + ".headers.response.deferred"}
			}
			rp.HeaderDown = h.Response
		}
	}
	if m.Transport != nil {
		t, err := transportConfig(path+".transport", m.Transport.Value.(*caddyconf.HTTPTransport))
		if err != nil {
			return nil, err
		}
		rp.Transport = t
	}
	return rp, nil
}

// transportConfig converts the http transport's supported fields.
func transportConfig(path string, t *caddyconf.HTTPTransport) (*helpers.CaddyProxyTransport, error) {
	if err := onlyFields(path, "http transport field", t, "dial_timeout", "response_header_timeout", "read_timeout", "keep_alive", "tls", "versions"); err != nil {
		return nil, err
	}
	for i, v := range t.Versions {
		if v != "1.1" {
			return nil, &Error{Path: fmt.Sprintf("%s.versions[%d]", path, i), Msg: fmt.Sprintf("HTTP version %q to upstreams is not supported (only 1.1)", v)}
		}
	}
	c := &helpers.CaddyProxyTransport{
		DialTimeout:           time.Duration(t.DialTimeout),
		ResponseHeaderTimeout: time.Duration(t.ResponseHeaderTimeout),
		ReadTimeout:           time.Duration(t.ReadTimeout),
	}
	if c.DialTimeout == 0 {
		c.DialTimeout = 3 * time.Second // Caddy's default
	}
	if ka := t.KeepAlive; ka != nil {
		if err := onlyFields(path+".keep_alive", "keep_alive field", ka, "enabled", "idle_timeout", "max_idle_conns_per_host"); err != nil {
			return nil, err
		}
		c.KeepAliveOff = ka.Enabled != nil && !*ka.Enabled
		c.IdleTimeout, c.MaxIdleConnsPerHost = time.Duration(ka.IdleTimeout), ka.MaxIdleConnsPerHost
	}
	if tt := t.TLS; tt != nil {
		p := path + ".tls"
		if err := onlyFields(p, "tls field", tt, "insecure_skip_verify", "server_name", "root_ca_pem_files", "ca"); err != nil {
			return nil, err
		}
		if len(helpers.Placeholders(tt.ServerName)) > 0 {
			return nil, &Error{Path: p + ".server_name", Msg: "placeholders in server_name are not supported"}
		}
		c.TLS = &helpers.CaddyProxyTLS{InsecureSkipVerify: tt.InsecureSkipVerify, ServerName: tt.ServerName, RootCAPEMFiles: tt.RootCAPEMFiles}
		if tt.CA != nil {
			fc, ok := tt.CA.Value.(*caddyconf.FileCAPool)
			if !ok {
				return nil, &caddyconf.UnsupportedError{Kind: "CA pool", Name: tt.CA.Value.ModuleName(), Path: p + ".ca"}
			}
			c.TLS.RootCAPEMFiles = append(c.TLS.RootCAPEMFiles, fc.PEMFiles...)
		}
	}
	return c, nil
}

// lbPolicy converts a selection policy module.
func lbPolicy(path string, m *caddyconf.SelectionPolicyModule) (*helpers.CaddyLBPolicy, error) {
	p := &helpers.CaddyLBPolicy{Name: m.Value.ModuleName()}
	var fallback *caddyconf.SelectionPolicyModule
	switch v := m.Value.(type) {
	case *caddyconf.SimplePolicy:
	case *caddyconf.WeightedRoundRobin:
		p.Weights = v.Weights
		total := 0
		for _, w := range v.Weights {
			if w < 0 {
				return nil, &Error{Path: path + ".weights", Msg: "negative weight"}
			}
			total += w
		}
		if total <= 0 {
			return nil, &Error{Path: path + ".weights", Msg: "weighted_round_robin needs a positive weight"}
		}
	case *caddyconf.RandomChoose:
		p.Choose = v.Choose
		if p.Choose == 0 {
			p.Choose = 2
		}
		if p.Choose < 2 {
			return nil, &Error{Path: path + ".choose", Msg: "choose must be at least 2"}
		}
	case *caddyconf.QueryPolicy:
		if v.Key == "" {
			return nil, &Error{Path: path + ".key", Msg: "query key is required"}
		}
		p.Key, fallback = v.Key, v.Fallback
	case *caddyconf.HeaderPolicy:
		if v.Field == "" {
			return nil, &Error{Path: path + ".field", Msg: "header field is required"}
		}
		p.Field, fallback = v.Field, v.Fallback
	case *caddyconf.CookiePolicy:
		p.Cookie, p.Secret, p.MaxAge, fallback = v.Name, v.Secret, time.Duration(v.MaxAge), v.Fallback
	default:
		return nil, &caddyconf.UnsupportedError{Kind: "selection policy", Name: p.Name, Path: path}
	}
	if fallback != nil && fallback.Value != nil {
		fb, err := lbPolicy(path+".fallback", fallback)
		if err != nil {
			return nil, err
		}
		p.Fallback = fb
	}
	return p, nil
}

// onlyFields rejects, as unsupported, every field of v's JSON not in
// allowed.
func onlyFields(path, kind string, v any, allowed ...string) error {
	js, err := json.Marshal(v)
	if err != nil {
		return &Error{Path: path, Msg: err.Error()}
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(js, &fields); err != nil {
		return &Error{Path: path, Msg: err.Error()}
	}
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		if !slices.Contains(allowed, k) {
			return &caddyconf.UnsupportedError{Kind: kind, Name: k, Path: path + "." + k}
		}
	}
	return nil
}
