package certs

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/zeroserve/zeroserve/internal/caddyconf"
)

// askTimeout bounds one permission request.
const askTimeout = 10 * time.Second

// permission returns the on-demand decision function: Caddy's `ask`
// endpoint (PermissionByHTTP), asked GET endpoint?domain=NAME; a 2xx
// answer allows a certificate for NAME, anything else refuses it.
func permission(od *caddyconf.OnDemand) (func(context.Context, string) error, error) {
	endpoint := od.Ask
	path := "apps.tls.automation.on_demand.ask"
	if od.Permission != nil && od.Permission.Value != nil {
		endpoint = od.Permission.Value.(*caddyconf.PermissionByHTTP).Endpoint // the only permission module Parse accepts
		path = "apps.tls.automation.on_demand.permission.endpoint"
	}
	if endpoint == "" {
		return nil, nil
	}
	u, err := url.Parse(endpoint)
	if err != nil || u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, &caddyconf.PathError{Path: path, Msg: fmt.Sprintf("endpoint %q is not an http(s) URL", endpoint)}
	}
	client := &http.Client{Timeout: askTimeout}
	return func(ctx context.Context, name string) error {
		q := *u
		v := q.Query()
		v.Set("domain", name)
		q.RawQuery = v.Encode()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, q.String(), nil)
		if err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err != nil {
			return fmt.Errorf("certs: on-demand permission for %s: %w", name, err)
		}
		resp.Body.Close()
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			return fmt.Errorf("certs: on-demand certificate for %s not allowed: %s answered %d", name, endpoint, resp.StatusCode)
		}
		return nil
	}, nil
}
