package helpers

import (
	"fmt"
	"strings"
)

// CaddyReverseProxy configures the part of Caddy's reverse_proxy zeroserve
// runs so far: one upstream, "http://host:port". The compiler rejects every
// other field. As Caddy does without trusted_proxies, the request's own
// X-Forwarded-For, -Proto and -Host are replaced by the ones the proxy adds
// (client address, scheme, Host).
type CaddyReverseProxy struct {
	URL string `json:"url"`
}

func init() {
	registerCaddyHandler("reverse_proxy", configOf(func(rp *CaddyReverseProxy) (caddyRunner, error) {
		if !strings.HasPrefix(rp.URL, "http://") {
			return nil, fmt.Errorf("reverse_proxy needs an http:// upstream URL")
		}
		return rp, nil
	}))
}

func (rp *CaddyReverseProxy) run(ex *Exchange, _ replacer) (uint64, error) {
	if ex.Action != ActionNone {
		return 0, fmt.Errorf("zs_caddy_handle: reverse_proxy: the request already has a response")
	}
	for _, f := range [...]string{"X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host"} {
		ex.Req.Delete(f)
	}
	ex.Action, ex.Upstream = ActionProxy, rp.URL
	return CaddyStop, nil
}
