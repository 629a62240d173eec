package compile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
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

// matcherConfig returns zs_caddy_match's JSON for a matcher set at path.
func matcherConfig(path string, ms *caddyconf.MatcherSet) (string, error) {
	return checkedConfigs(nil).matcher(path, ms)
}

// matcher is matcherConfig with the checks of a configuration already
// checked skipped.
func (cc checkedConfigs) matcher(path string, ms *caddyconf.MatcherSet) (string, error) {
	if err := checkMatcherSet(path, ms); err != nil {
		return "", err
	}
	js, err := marshal(ms)
	if err != nil {
		return "", &Error{Path: path, Msg: err.Error()}
	}
	key := checkedKey{"zs_caddy_match", js}
	if cc.has(key) {
		return js, nil
	}
	// js is ms's JSON (only HTML escaping differs from json.Marshal's).
	if err := checkPlaceholders(path, []byte(js)); err != nil {
		return "", err
	}
	if err := helpers.CheckCaddyConfig(key.helper, []byte(js)); err != nil {
		return "", &Error{Path: path, Msg: err.Error()}
	}
	cc.add(key)
	return js, nil
}

// checkMatcherSet rejects, naming its JSON path, an expression outside
// the CEL subset the helpers evaluate (helpers.CheckCaddyExpression).
func checkMatcherSet(path string, ms *caddyconf.MatcherSet) error {
	if ms.Expression != nil {
		if err := helpers.CheckCaddyExpression(ms.Expression.Expr, ms.Expression.Name); err != nil {
			return &Error{Path: path + ".expression", Msg: err.Error()}
		}
	}
	for i := range ms.Not {
		if err := checkMatcherSet(fmt.Sprintf("%s.not[%d]", path, i), &ms.Not[i]); err != nil {
			return err
		}
	}
	return nil
}

// clientIPConfig returns zs_caddy_client_ip's JSON for a server with
// trusted proxies (static ranges only), "" for one without.
func clientIPConfig(sp *caddyconf.ServerProgram) (string, error) {
	srv := sp.Server
	if srv.TrustedProxies == nil || srv.TrustedProxies.Value == nil {
		return "", nil
	}
	path := "apps.http.servers." + sp.Name + ".trusted_proxies"
	static, ok := srv.TrustedProxies.Value.(*caddyconf.StaticIPRanges)
	if !ok {
		return "", &caddyconf.UnsupportedError{Kind: "IP range source", Name: srv.TrustedProxies.Value.ModuleName(), Path: path}
	}
	js, err := marshal(helpers.CaddyClientIP{Ranges: static.Ranges, Headers: srv.ClientIPHeaders, Strict: srv.TrustedProxiesStrict > 0})
	if err != nil {
		return "", &Error{Path: path, Msg: err.Error()}
	}
	if err := helpers.CheckCaddyClientIP([]byte(js)); err != nil {
		return "", &Error{Path: path, Msg: err.Error()}
	}
	return js, nil
}

// usesOrigRequest reports whether a server's configuration reads the
// original request ({http.request.orig_*}), which then needs the
// snapshot of the request as it arrived: whether any of its strings (a
// superset of those its JSON holds) mentions the placeholder. A walk of
// the value, not a marshal of the whole server to search its JSON.
func usesOrigRequest(sp *caddyconf.ServerProgram) bool {
	return mentions(reflect.ValueOf(sp.Server), "http.request.orig_", map[uintptr]bool{})
}

// mentions reports whether a string, byte slice or map key reachable
// from v contains s; seen holds the pointers already walked.
func mentions(v reflect.Value, s string, seen map[uintptr]bool) bool {
	switch v.Kind() {
	case reflect.String:
		return strings.Contains(v.String(), s)
	case reflect.Pointer:
		if v.IsNil() || seen[v.Pointer()] {
			return false
		}
		seen[v.Pointer()] = true
		return mentions(v.Elem(), s, seen)
	case reflect.Interface:
		return !v.IsNil() && mentions(v.Elem(), s, seen)
	case reflect.Struct:
		for i := range v.NumField() {
			if mentions(v.Field(i), s, seen) {
				return true
			}
		}
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return strings.Contains(string(v.Bytes()), s)
		}
		for i := range v.Len() {
			if mentions(v.Index(i), s, seen) {
				return true
			}
		}
	case reflect.Array:
		for i := range v.Len() {
			if mentions(v.Index(i), s, seen) {
				return true
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			if mentions(it.Key(), s, seen) || mentions(it.Value(), s, seen) {
				return true
			}
		}
	}
	return false
}

// handlerConfigs maps a handler's module name to the function that turns
// its Caddy configuration into the configuration its helper reads; each
// handler's file registers itself (handler_<name>.go).
var handlerConfigs = map[string]func(h *caddyconf.LoweredHandler) (any, error){}

// handler returns zs_caddy_handle's JSON for a handler
// (helpers.CaddyHandler), skipping the checks of a configuration already
// checked.
func (cc checkedConfigs) handler(h *caddyconf.LoweredHandler) (string, error) {
	name := h.Module.ModuleName()
	convert, ok := handlerConfigs[name]
	if !ok || !helpers.CaddyHandlerSupported(name) {
		return "", &caddyconf.UnsupportedError{Kind: "handler", Name: name, Path: h.Path}
	}
	v, err := convert(h)
	if err != nil {
		return "", err
	}
	module, err := json.Marshal(h.Module)
	if err != nil {
		return "", &Error{Path: h.Path, Msg: err.Error()}
	}
	if key := (checkedKey{"placeholders", string(module)}); !cc.has(key) {
		if err := checkPlaceholders(h.Path, module); err != nil {
			return "", err
		}
		cc.add(key)
	}
	body, err := marshal(v)
	if err != nil {
		return "", &Error{Path: h.Path, Msg: err.Error()}
	}
	quoted, err := marshal(name)
	if err != nil {
		return "", &Error{Path: h.Path, Msg: err.Error()}
	}
	// helpers.CaddyHandler{Handler: name, Config: body} as marshal would
	// write it: body is already compact.
	js := `{"handler":` + quoted + `,"config":` + body + `}`
	key := checkedKey{"zs_caddy_handle", js}
	if cc.has(key) {
		return js, nil
	}
	if err := helpers.CheckCaddyConfig(key.helper, []byte(js)); err != nil {
		return "", &Error{Path: h.Path, Msg: err.Error()}
	}
	cc.add(key)
	return js, nil
}

// checkPlaceholders rejects placeholders Caddy knows but the helpers do
// not expand, in any string (key or value) of the JSON document b.
func checkPlaceholders(path string, b []byte) error {
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
