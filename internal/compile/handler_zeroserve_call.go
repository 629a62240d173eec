package compile

import (
	"bytes"

	"github.com/zeroserve/zeroserve/internal/caddyconf"
	"github.com/zeroserve/zeroserve/internal/helpers"
)

func init() {
	handlerConfigs["zeroserve_call"] = func(h *caddyconf.LoweredHandler) (any, error) {
		m := h.Module.(*caddyconf.ZeroserveCall)
		if len(m.Config) > 0 && !bytes.HasPrefix(bytes.TrimSpace(m.Config), []byte("{")) {
			return nil, &Error{Path: h.Path + ".config", Msg: "zeroserve_call config must be a JSON object"}
		}
		return &helpers.CaddyZeroserveCall{Script: m.Script, Function: m.Function, Config: m.Config}, nil
	}
}

// PluginCall is a zeroserve_call handler: the plugin function it calls
// and the handler's JSON path.
type PluginCall struct {
	Script, Function, Path string
}

// PluginCalls returns the zeroserve_call handlers of the server Compile
// compiles with opts, in route order, so a server can check when it
// loads that each names a loaded plugin and function.
func PluginCalls(p *caddyconf.Program, opts Options) ([]PluginCall, error) {
	sp, err := pickServer(p, opts.Server)
	if err != nil {
		return nil, err
	}
	var calls []PluginCall
	walkRoutes(sp, nil, func(h *caddyconf.LoweredHandler) {
		if m, ok := h.Module.(*caddyconf.ZeroserveCall); ok {
			calls = append(calls, PluginCall{Script: m.Script, Function: m.Function, Path: h.Path})
		}
	})
	return calls, nil
}
