package compile

import (
	"github.com/zeroserve/zeroserve/internal/caddyconf"
	"github.com/zeroserve/zeroserve/internal/helpers"
)

func init() {
	handlerConfigs["authentication"] = func(h *caddyconf.LoweredHandler) (any, error) {
		return authConfig(h.Module.(*caddyconf.Authentication)), nil
	}
}

// authConfig is Caddy's Authentication and HTTPBasicAuth Provision: the
// hash defaults to bcrypt. Account checks (empty, duplicate, bad base64)
// are the helper's, which the compiler runs on the result.
func authConfig(m *caddyconf.Authentication) *helpers.CaddyAuthentication {
	c := &helpers.CaddyAuthentication{}
	if m.Providers == nil || m.Providers.HTTPBasic == nil {
		return c
	}
	b := m.Providers.HTTPBasic
	c.Basic = &helpers.CaddyBasicAuth{Hash: "bcrypt", Realm: b.Realm, HashCache: b.HashCache != nil}
	if b.Hash != nil && b.Hash.Value != nil {
		c.Basic.Hash = b.Hash.Value.ModuleName()
	}
	for _, a := range b.Accounts {
		c.Basic.Accounts = append(c.Basic.Accounts, helpers.CaddyAccount{Username: a.Username, Password: a.Password})
	}
	return c
}
