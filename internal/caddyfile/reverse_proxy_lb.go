package caddyfile

import (
	"strconv"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
)

// proxyLoadBalancing is reverse_proxy's load balancing, as Caddy's
// reverseproxy.LoadBalancing marshals it (durations in nanoseconds).
type proxyLoadBalancing struct {
	SelectionPolicy Obj   `json:"selection_policy,omitempty"`
	Retries         int   `json:"retries,omitempty"`
	TryDuration     int64 `json:"try_duration,omitempty"`
	TryInterval     int64 `json:"try_interval,omitempty"`
	RetryMatch      []Obj `json:"retry_match,omitempty"`
}

// parseSelectionPolicy parses "lb_policy <name> [<options...>]" (or a
// fallback policy) starting at the token holding the policy name, into
// the module object {"policy": name, ...} Caddy produces for it:
//
//	random | least_conn | round_robin | first | ip_hash | client_ip_hash | uri_hash
//	random_choose <n>
//	weighted_round_robin <weights...>
//	query <key> { fallback <policy> }
//	header <field> { fallback <policy> }
//	cookie [<name> [<secret>]] { fallback <policy>; max_age <duration> }
//
// Like caddyfile.UnmarshalModule, it consumes the policy's segment
// (arguments and block) from d.
func parseSelectionPolicy(d *caddyfile.Dispenser) (Obj, error) {
	name := d.Val()
	d = d.NewFromNextSegment()
	d.Next()
	pol := Obj{"policy": name}
	switch name {
	case "random", "least_conn", "round_robin", "first", "ip_hash", "client_ip_hash", "uri_hash":
		if d.NextArg() {
			return nil, d.ArgErr()
		}
	case "weighted_round_robin":
		args := d.RemainingArgs()
		if len(args) == 0 {
			return nil, d.ArgErr()
		}
		weights := make([]int, 0, len(args))
		for _, a := range args {
			w, err := strconv.Atoi(a)
			if err != nil {
				return nil, d.Errf("invalid weight value '%s': %v", a, err)
			}
			if w < 0 {
				return nil, d.Errf("invalid weight value '%s': weight should be non-negative", a)
			}
			weights = append(weights, w)
		}
		pol["weights"] = weights
	case "random_choose":
		if !d.NextArg() {
			return nil, d.ArgErr()
		}
		n, err := strconv.Atoi(d.Val())
		if err != nil {
			return nil, d.Errf("invalid choice value '%s': %v", d.Val(), err)
		}
		if n != 0 {
			pol["choose"] = n
		}
	case "query", "header":
		if !d.NextArg() {
			return nil, d.ArgErr()
		}
		key := map[string]string{"query": "key", "header": "field"}[name]
		if d.Val() != "" {
			pol[key] = d.Val()
		}
		for d.NextBlock(0) {
			if d.Val() != "fallback" {
				return nil, d.Errf("unrecognized option '%s'", d.Val())
			}
			if err := parseFallbackPolicy(d, pol); err != nil {
				return nil, err
			}
		}
	case "cookie":
		if err := parseCookiePolicy(d, pol); err != nil {
			return nil, err
		}
	default:
		return nil, d.Errf("getting module named 'http.reverse_proxy.selection_policies.%s': unknown load balancing policy", name)
	}
	return pol, nil
}

// parseCookiePolicy parses the arguments and block of the cookie policy.
// As in Caddy, the policy name itself counts as the first argument.
func parseCookiePolicy(d *caddyfile.Dispenser, pol Obj) error {
	d.Prev()
	args := d.RemainingArgs()
	switch len(args) {
	case 1:
	case 2, 3:
		if args[1] != "" {
			pol["name"] = args[1]
		}
		if len(args) == 3 && args[2] != "" {
			pol["secret"] = args[2]
		}
	default:
		return d.ArgErr()
	}
	for d.NextBlock(0) {
		switch d.Val() {
		case "fallback":
			if err := parseFallbackPolicy(d, pol); err != nil {
				return err
			}
		case "max_age":
			if !d.NextArg() {
				return d.ArgErr()
			}
			if _, ok := pol["max_age"]; ok {
				return d.Err("cookie max_age already specified")
			}
			age, err := parseDuration(d.Val())
			if err != nil {
				return d.Errf("invalid duration: %s", d.Val())
			}
			if age <= 0 {
				return d.Errf("invalid duration: %s, max_age should be non-zero and positive", d.Val())
			}
			if d.NextArg() {
				return d.ArgErr()
			}
			pol["max_age"] = age
		default:
			return d.Errf("unrecognized option '%s'", d.Val())
		}
	}
	return nil
}

// parseFallbackPolicy parses "fallback <policy>" into pol["fallback"].
func parseFallbackPolicy(d *caddyfile.Dispenser, pol Obj) error {
	if !d.NextArg() {
		return d.ArgErr()
	}
	if _, ok := pol["fallback"]; ok {
		return d.Err("fallback selection policy already specified")
	}
	fb, err := parseSelectionPolicy(d)
	if err != nil {
		return err
	}
	pol["fallback"] = fb
	return nil
}
