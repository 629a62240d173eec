package helpers

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/zeroserve/zeroserve/internal/vm"
)

// CaddyHostDispatch is the configuration of zs_caddy_host_dispatch: a
// route list's caddyconf.HostIndex with each distinct candidate list
// replaced by its number (the compiler emits one code block per number).
type CaddyHostDispatch struct {
	// Exact maps a lower-case host to its candidate list.
	Exact map[string]int `json:"exact,omitempty"`
	// Any is the list of hosts not in Exact.
	Any int `json:"any"`
	// All is the list of non-ASCII hosts (every route).
	All int `json:"all"`
}

// zsCaddyHostDispatch is zs_caddy_host_dispatch(cfg, len) -> index: the
// number of the candidate list for the request's Host header, normalised
// as Caddy's host matcher does (port and IPv6 brackets removed, ASCII
// case folded; a non-ASCII host gets every route). One map lookup.
func zsCaddyHostDispatch(c *vm.Context, p, n, _, _, _ uint64) (uint64, error) {
	k, err := current(c)
	if err != nil {
		return 0, err
	}
	d, err := cachedConfig(c, "zs_caddy_host_dispatch", p, n, parseHostDispatch)
	if err != nil {
		return 0, err
	}
	host := requestHost(k.Ex)
	for i := 0; i < len(host); i++ {
		if host[i] >= 0x80 {
			return uint64(d.All), nil
		}
	}
	if i, ok := d.Exact[strings.ToLower(host)]; ok {
		return uint64(i), nil
	}
	return uint64(d.Any), nil
}

func parseHostDispatch(b []byte) (*CaddyHostDispatch, error) {
	var d CaddyHostDispatch
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// zsCaddyGroup is zs_caddy_group(name, len, set) -> 0/1: with set 0,
// whether the route group name is already satisfied for this request;
// with set 1, mark it satisfied (returns 1). Groups are per request, as
// Caddy keeps them in the request context.
func zsCaddyGroup(c *vm.Context, p, n, set, _, _ uint64) (uint64, error) {
	k, err := current(c)
	if err != nil {
		return 0, err
	}
	name, err := guestText(c, p, n)
	if err != nil {
		return 0, err
	}
	switch set {
	case 0:
		return boolResult(k.Ex.caddy.groups[name]), nil
	case 1:
		if k.Ex.caddy.groups == nil {
			k.Ex.caddy.groups = map[string]bool{}
		}
		k.Ex.caddy.groups[name] = true
		return 1, nil
	}
	return 0, fmt.Errorf("zs_caddy_group: set must be 0 or 1, not %d", set)
}
