package compile

import (
	"fmt"

	"github.com/zeroserve/zeroserve/internal/caddyconf"
	"github.com/zeroserve/zeroserve/internal/helpers"
)

// The handlers whose configuration the helpers read as Caddy writes it,
// or nearly.
func init() {
	handlerConfigs["static_response"] = func(h *caddyconf.LoweredHandler) (any, error) {
		m := h.Module.(*caddyconf.StaticResponse)
		if n, ok := m.StatusCode.Int(); ok && n < 200 {
			return nil, &Error{Path: h.Path + ".status_code", Msg: fmt.Sprintf("informational status %d is not supported", n)}
		}
		return &helpers.CaddyStaticResponse{StatusCode: string(m.StatusCode), Headers: m.Headers, Body: m.Body, Close: m.Close, Abort: m.Abort}, nil
	}
	handlerConfigs["error"] = func(h *caddyconf.LoweredHandler) (any, error) {
		m := h.Module.(*caddyconf.StaticError)
		return &helpers.CaddyStaticError{Error: m.Error, StatusCode: string(m.StatusCode)}, nil
	}
	handlerConfigs["headers"] = func(h *caddyconf.LoweredHandler) (any, error) { return h.Module, nil }
	handlerConfigs["map"] = func(h *caddyconf.LoweredHandler) (any, error) { return h.Module, nil }
	handlerConfigs["rewrite"] = func(h *caddyconf.LoweredHandler) (any, error) {
		if err := helpers.CheckRewrite(h.Module.(*caddyconf.Rewrite)); err != nil {
			return nil, &Error{Path: h.Path, Msg: err.Error()}
		}
		return h.Module, nil
	}
	handlerConfigs["vars"] = func(h *caddyconf.LoweredHandler) (any, error) {
		v := map[string]any(*h.Module.(*caddyconf.Vars))
		if v == nil {
			v = map[string]any{}
		}
		return v, nil
	}
}
