package compile

import (
	"encoding/json"
	"fmt"
	"maps"
	"net"
	"slices"
	"strings"

	"github.com/zeroserve/zeroserve/internal/caddyconf"
	"github.com/zeroserve/zeroserve/internal/helpers"
)

func init() {
	handlerConfigs["reverse_proxy"] = func(h *caddyconf.LoweredHandler) (any, error) {
		return reverseProxyConfig(h.Path, h.Module.(*caddyconf.ReverseProxy))
	}
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
