package compile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net"
	"slices"
	"sort"
	"strings"

	"github.com/zeroserve/zeroserve/internal/caddyconf"
	"github.com/zeroserve/zeroserve/internal/helpers"
)

// The JSON each helper call gets. The compiler checks every matcher and
// handler against what the helpers implement and rejects the rest by
// name and JSON path, then checks the JSON with the helper's own parser
// (helpers.CheckCaddyConfig), so a compiled object never meets a
// configuration its helper refuses.

// matcherConfig returns zs_caddy_match's JSON for a matcher set at path;
// trusted says the server has trusted proxies (client_ip then needs the
// client-IP headers, not implemented).
func matcherConfig(path string, ms *caddyconf.MatcherSet, trusted bool) (string, error) {
	if err := checkMatcherSet(path, ms, trusted); err != nil {
		return "", err
	}
	js, err := marshal(ms)
	if err != nil {
		return "", &Error{Path: path, Msg: err.Error()}
	}
	if err := checkPlaceholders(path, ms); err != nil {
		return "", err
	}
	if err := helpers.CheckCaddyConfig("zs_caddy_match", []byte(js)); err != nil {
		return "", &Error{Path: path, Msg: err.Error()}
	}
	return js, nil
}

// checkMatcherSet rejects the matchers the helpers do not implement.
func checkMatcherSet(path string, ms *caddyconf.MatcherSet, trusted bool) error {
	for _, m := range []struct {
		name string
		set  bool
	}{
		{"expression", ms.Expression != nil},
		{"file", ms.File != nil},
		{"client_ip", ms.ClientIP != nil && trusted},
	} {
		if m.set {
			return &caddyconf.UnsupportedError{Kind: "matcher", Name: m.name, Path: path + "." + m.name}
		}
	}
	for i := range ms.Not {
		if err := checkMatcherSet(fmt.Sprintf("%s.not[%d]", path, i), &ms.Not[i], trusted); err != nil {
			return err
		}
	}
	return nil
}

// handlerConfig returns zs_caddy_handle's JSON for a handler.
func handlerConfig(h *caddyconf.LoweredHandler) (string, error) {
	cfg := helpers.CaddyHandler{Handler: h.Module.ModuleName()}
	switch m := h.Module.(type) {
	case *caddyconf.StaticResponse:
		sr := &helpers.CaddyStaticResponse{StatusCode: string(m.StatusCode), Headers: m.Headers, Body: m.Body, Close: m.Close, Abort: m.Abort}
		if n, ok := m.StatusCode.Int(); ok && n < 200 {
			return "", &Error{Path: h.Path + ".status_code", Msg: fmt.Sprintf("informational status %d is not supported", n)}
		}
		cfg.StaticResponse = sr
	case *caddyconf.Headers:
		cfg.Headers = m
	case *caddyconf.Rewrite:
		if err := helpers.CheckRewrite(m); err != nil {
			return "", &Error{Path: h.Path, Msg: err.Error()}
		}
		cfg.Rewrite = m
	case *caddyconf.MapHandler:
		cfg.Map = m
	case *caddyconf.StaticError:
		cfg.Error = &helpers.CaddyStaticError{Error: m.Error, StatusCode: string(m.StatusCode)}
	case *caddyconf.Vars:
		cfg.Vars = map[string]any(*m)
		if cfg.Vars == nil {
			cfg.Vars = map[string]any{}
		}
	case *caddyconf.ReverseProxy:
		rp, err := reverseProxyConfig(h.Path, m)
		if err != nil {
			return "", err
		}
		cfg.ReverseProxy = rp
	default:
		return "", &caddyconf.UnsupportedError{Kind: "handler", Name: h.Module.ModuleName(), Path: h.Path}
	}
	if err := checkPlaceholders(h.Path, h.Module); err != nil {
		return "", err
	}
	js, err := marshal(cfg)
	if err != nil {
		return "", &Error{Path: h.Path, Msg: err.Error()}
	}
	if err := helpers.CheckCaddyConfig("zs_caddy_handle", []byte(js)); err != nil {
		return "", &Error{Path: h.Path, Msg: err.Error()}
	}
	return js, nil
}

// checkPlaceholders rejects placeholders Caddy knows but the helpers do
// not expand, in any string (key or value) of v's JSON.
func checkPlaceholders(path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return &Error{Path: path, Msg: err.Error()}
	}
	var doc any
	if err := json.Unmarshal(b, &doc); err != nil {
		return &Error{Path: path, Msg: err.Error()}
	}
	return walkStrings(path, doc)
}

func walkStrings(path string, v any) error {
	switch v := v.(type) {
	case string:
		for _, key := range helpers.Placeholders(v) {
			if helpers.CaddyPlaceholder(key) == helpers.PlaceholderUnsupported {
				return &Error{Path: path, Msg: fmt.Sprintf("placeholder {%s} is not supported", key)}
			}
		}
	case []any:
		for i, e := range v {
			if err := walkStrings(fmt.Sprintf("%s[%d]", path, i), e); err != nil {
				return err
			}
		}
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if err := walkStrings(path+"."+k, k); err != nil {
				return err
			}
			if err := walkStrings(path+"."+k, v[k]); err != nil {
				return err
			}
		}
	}
	return nil
}

// marshal encodes v as compact JSON without HTML escaping (the helpers
// read it back; readable in a disassembly's data dump).
func marshal(v any) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return string(bytes.TrimSuffix(b.Bytes(), []byte("\n"))), nil
}

// reverseProxyConfig accepts the reverse_proxy zeroserve runs so far: one
// static upstream "host:port" and nothing else; any other field is an
// unsupported error naming it.
func reverseProxyConfig(path string, m *caddyconf.ReverseProxy) (*helpers.CaddyReverseProxy, error) {
	js, err := json.Marshal(m)
	if err != nil {
		return nil, &Error{Path: path, Msg: err.Error()}
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(js, &fields); err != nil {
		return nil, &Error{Path: path, Msg: err.Error()}
	}
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		if k != "upstreams" {
			return nil, &caddyconf.UnsupportedError{Kind: "reverse_proxy field", Name: k, Path: path + "." + k}
		}
	}
	if len(m.Upstreams) != 1 {
		return nil, &Error{Path: path + ".upstreams", Msg: fmt.Sprintf("%d upstreams: exactly one is supported so far (load balancing is not)", len(m.Upstreams))}
	}
	up := m.Upstreams[0]
	host, port, err := net.SplitHostPort(up.Dial)
	if err != nil || up.MaxRequests != 0 || strings.ContainsAny(up.Dial, "{}/") || port == "" {
		return nil, &caddyconf.UnsupportedError{Kind: "upstream", Name: up.Dial, Path: path + ".upstreams[0]"}
	}
	return &helpers.CaddyReverseProxy{URL: "http://" + net.JoinHostPort(host, port)}, nil
}
