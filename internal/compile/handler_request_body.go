package compile

import (
	"github.com/zeroserve/zeroserve/internal/caddyconf"
	"github.com/zeroserve/zeroserve/internal/helpers"
)

func init() {
	handlerConfigs["request_body"] = func(h *caddyconf.LoweredHandler) (any, error) {
		m := h.Module.(*caddyconf.RequestBody)
		if m.Set != "" {
			return nil, &caddyconf.UnsupportedError{Kind: "request_body field", Name: "set", Path: h.Path + ".set"}
		}
		return &helpers.CaddyRequestBody{MaxSize: m.MaxSize}, nil
	}
}
