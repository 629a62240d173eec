package helpers

import (
	"fmt"
	"strings"

	"github.com/zeroserve/zeroserve/internal/vm"
)

// maxUpstreamURL bounds a zs_reverse_proxy URL.
const maxUpstreamURL = 2048

// zsReverseProxy is zs_reverse_proxy(url, len) -> 0: when the chain ends,
// the request (as scripts changed it) is forwarded to url, an
// "http://host[:port][/base]" or "https://..." upstream, or a Unix socket
// "unix//path/to.sock" (as the original and Caddy spell it); the request
// path is appended to the base path and the queries are merged. A request
// that already has a response, another kind of URL or an over-long one
// traps.
func zsReverseProxy(c *vm.Context, u, uLen, _, _, _ uint64) (uint64, error) {
	k, err := current(c)
	if err != nil {
		return 0, err
	}
	if uLen > maxUpstreamURL {
		return 0, fmt.Errorf("zs_reverse_proxy: URL of %d bytes is over the %d-byte limit", uLen, maxUpstreamURL)
	}
	s, err := guestText(c, u, uLen)
	if err != nil {
		return 0, err
	}
	if !strings.HasPrefix(s, "http://") && !strings.HasPrefix(s, "https://") && !UnixDial(s) {
		return 0, fmt.Errorf("zs_reverse_proxy: %q: want an http:// or https:// URL or unix//path", s)
	}
	if k.Ex.Action != ActionNone {
		return 0, fmt.Errorf("zs_reverse_proxy: the request already has a response")
	}
	k.Ex.Action, k.Ex.Upstream = ActionProxy, s
	return 0, nil
}

// ProxyResponseEdits reports whether a proxied response must go through
// ProxiedResponse: the chain asked for response edits (HasResponseEdits)
// or the reverse_proxy handler has header_down.
func (ex *Exchange) ProxyResponseEdits() bool {
	return ex.Proxy != nil && ex.Proxy.down != nil || ex.HasResponseEdits()
}

// HasResponseEdits reports whether scripts or Caddy handlers asked to change
// the response's status or header (zs.response.header.* metadata, Caddy
// response header ops, deferred or not, response hooks): the server cannot
// apply those to a proxied response yet.
func (ex *Exchange) HasResponseEdits() bool {
	edits := len(ex.Hooks) > 0 || len(ex.ResponseHeader) > 0 || len(ex.caddy.deferred) > 0
	ex.ResponseHeaders(func(string, string) { edits = true })
	return edits
}
