package caddyfile

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
)

// Global options and the Go types of their values in the options map:
//
//	debug, local_certs, skip_install_trust   true
//	http_port, https_port                    int
//	grace_period, shutdown_delay, ...        int64 (nanoseconds)
//	email, acme_ca, acme_ca_root, key_type,
//	default_sni, fallback_sni, persist_config string
//	order                                    []string
//	auto_https                               []string
//	default_bind, log                        []ConfigValue
//	admin, storage                           Obj
//	acme_eab                                 *eab
//	cert_issuer                              []*issuer
//	ocsp_stapling                            ocspStapling
//	on_demand_tls                            Obj
//	preferred_chains                         *chainPreference
//	tls_resolvers, ech (public names)        []string
//	servers                                  []serverOptions
func init() {
	RegisterGlobalOption("debug", parseOptTrue)
	RegisterGlobalOption("local_certs", parseOptTrue)
	RegisterGlobalOption("skip_install_trust", parseOptTrue)
	RegisterGlobalOption("http_port", parseOptPort)
	RegisterGlobalOption("https_port", parseOptPort)
	RegisterGlobalOption("grace_period", parseOptDuration)
	RegisterGlobalOption("shutdown_delay", parseOptDuration)
	RegisterGlobalOption("renew_interval", parseOptDuration)
	RegisterGlobalOption("ocsp_interval", parseOptDuration)
	RegisterGlobalOption("cert_lifetime", parseOptDuration)
	RegisterGlobalOption("email", parseOptSingleString)
	RegisterGlobalOption("acme_ca", parseOptSingleString)
	RegisterGlobalOption("acme_ca_root", parseOptSingleString)
	RegisterGlobalOption("key_type", parseOptSingleString)
	RegisterGlobalOption("default_sni", parseOptSingleString)
	RegisterGlobalOption("fallback_sni", parseOptSingleString)
	RegisterGlobalOption("order", parseOptOrder)
	RegisterGlobalOption("admin", parseOptAdmin)
	RegisterGlobalOption("persist_config", parseOptOff("persist_config"))
	RegisterGlobalOption("auto_https", parseOptAutoHTTPS)
	RegisterGlobalOption("default_bind", parseOptDefaultBind)
	RegisterGlobalOption("storage", parseOptStorage)
	RegisterGlobalOption("storage_check", parseOptOff("storage_check"))
	RegisterGlobalOption("storage_clean_interval", parseOptStorageCleanInterval)
	RegisterGlobalOption("acme_eab", parseOptACMEEAB)
	RegisterGlobalOption("cert_issuer", parseOptCertIssuer)
	RegisterGlobalOption("ocsp_stapling", parseOptOCSPStapling)
	RegisterGlobalOption("log", parseOptLog)
	RegisterGlobalOption("servers", parseOptServers)
	RegisterGlobalOption("tls_automate_names", parseOptAutomateNames)
	RegisterGlobalOption("renewal_window_ratio", parseOptRenewalWindowRatio)
	RegisterGlobalOption("on_demand_tls", parseOptOnDemandTLS)
	RegisterGlobalOption("preferred_chains", parseOptPreferredChains)
	RegisterGlobalOption("tls_resolvers", parseOptTLSResolvers)
	RegisterGlobalOption("ech", parseOptECH)
}

// evaluateGlobalOptions parses the global options block, if the first
// block is one (no keys), into a.options and returns the other blocks.
func (a *adaptation) evaluateGlobalOptions(blocks []serverBlock) ([]serverBlock, error) {
	if len(blocks) == 0 || len(blocks[0].block.Keys) > 0 {
		return blocks, nil
	}
	for _, seg := range blocks[0].block.Segments {
		opt := seg.Directive()
		d := caddyfile.NewDispenser(seg)
		fn, ok := registeredGlobalOptions[opt]
		if !ok {
			d.Next()
			return nil, unsupported(d, "global option")
		}
		val, err := fn(d, a.options[opt])
		if err != nil {
			return nil, fmt.Errorf("parsing caddyfile tokens for '%s': %w", opt, err)
		}
		switch opt {
		case "servers":
			existing, _ := a.options[opt].([]serverOptions)
			a.options[opt] = append(existing, val.(serverOptions))
		case "log", "default_bind":
			existing, _ := a.options[opt].([]ConfigValue)
			a.options[opt] = append(existing, val.([]ConfigValue)...)
		default:
			a.options[opt] = val
		}
	}
	if opts, ok := a.options["servers"].([]serverOptions); ok {
		slices.SortStableFunc(opts, func(x, y serverOptions) int {
			return len(y.listenerAddress) - len(x.listenerAddress)
		})
		seen := map[string]bool{}
		for _, o := range opts {
			if seen[o.listenerAddress] {
				return nil, fmt.Errorf("cannot have 'servers' global options with duplicate listener addresses: %s", o.listenerAddress)
			}
			seen[o.listenerAddress] = true
		}
	}
	return blocks[1:], nil
}

func parseOptTrue(d *caddyfile.Dispenser, _ any) (any, error) { return true, nil }

func parseOptPort(d *caddyfile.Dispenser, _ any) (any, error) {
	d.Next()
	var s string
	if !d.AllArgs(&s) {
		return 0, d.ArgErr()
	}
	port, err := strconv.Atoi(s)
	if err != nil {
		return 0, d.Errf("converting port '%s' to integer value: %v", s, err)
	}
	return port, nil
}

func parseOptDuration(d *caddyfile.Dispenser, _ any) (any, error) {
	if !d.Next() || !d.Next() {
		return nil, d.ArgErr()
	}
	dur, err := parseDuration(d.Val())
	if err != nil {
		return nil, d.WrapErr(err)
	}
	return dur, nil
}

func parseOptSingleString(d *caddyfile.Dispenser, _ any) (any, error) {
	d.Next()
	if !d.Next() {
		return "", d.ArgErr()
	}
	val := d.Val()
	if d.Next() {
		return "", d.ArgErr()
	}
	return val, nil
}

func parseOptOrder(d *caddyfile.Dispenser, existing any) (any, error) {
	d.Next()
	if !d.Next() {
		return nil, d.ArgErr()
	}
	dir := d.Val()
	if _, ok := registeredDirectives[dir]; !ok {
		return nil, unsupported(d, "directive")
	}
	if !d.Next() {
		return nil, d.ArgErr()
	}
	pos := d.Val()
	order, ok := existing.([]string)
	if !ok {
		order = defaultDirectiveOrder
	}
	switch pos {
	case "first", "last":
		if d.NextArg() {
			return nil, d.ArgErr()
		}
		return applyOrderOption(order, dir, pos, ""), nil
	case "before", "after":
	default:
		return nil, d.Errf("unknown positional '%s'", pos)
	}
	if !d.NextArg() {
		return nil, d.ArgErr()
	}
	other := d.Val()
	if d.NextArg() {
		return nil, d.ArgErr()
	}
	if other == dir || !slices.Contains(order, other) {
		return nil, d.Errf("directive '%s' not found", other)
	}
	return applyOrderOption(order, dir, pos, other), nil
}

func parseOptAdmin(d *caddyfile.Dispenser, _ any) (any, error) {
	d.Next()
	admin := Obj{}
	if d.NextArg() {
		if d.Val() == "off" {
			admin["disabled"] = true
			if d.Next() {
				return nil, d.Err("No more option is allowed after turning off admin config")
			}
		} else {
			admin["listen"] = d.Val()
			if d.NextArg() {
				return nil, d.ArgErr()
			}
		}
	}
	for d.NextBlock(0) {
		switch d.Val() {
		case "enforce_origin":
			admin["enforce_origin"] = true
		case "origins":
			if origins := d.RemainingArgs(); len(origins) > 0 {
				admin["origins"] = origins
			}
		default:
			return nil, unsupported(d, "admin option")
		}
	}
	if admin["listen"] == nil && admin["disabled"] == nil {
		admin["listen"] = "localhost:2019"
	}
	return admin, nil
}

func parseOptAutoHTTPS(d *caddyfile.Dispenser, _ any) (any, error) {
	d.Next()
	vals := d.RemainingArgs()
	if len(vals) == 0 {
		return "", d.ArgErr()
	}
	for _, v := range vals {
		switch v {
		case "off", "disable_redirects", "disable_certs", "ignore_loaded_certs":
		default:
			return "", d.Errf("auto_https must be one of 'off', 'disable_redirects', 'disable_certs', or 'ignore_loaded_certs'")
		}
	}
	return vals, nil
}

func parseOptDefaultBind(d *caddyfile.Dispenser, _ any) (any, error) {
	d.Next()
	b, err := parseBindArgs(d)
	if err != nil {
		return nil, err
	}
	if len(b.addresses) == 0 {
		b.addresses = []string{""}
	}
	return []ConfigValue{{Class: "bind", Value: b}}, nil
}

// parseBindArgs parses the addresses and optional protocols block of bind
// and default_bind; the dispenser is on the directive name.
func parseBindArgs(d *caddyfile.Dispenser) (bindValue, error) {
	b := bindValue{addresses: d.RemainingArgs()}
	for d.NextBlock(0) {
		switch d.Val() {
		case "protocols":
			b.protocols = d.RemainingArgs()
			if len(b.protocols) == 0 {
				return b, d.Errf("protocols requires one or more arguments")
			}
		default:
			return b, d.Errf("unknown subdirective: %s", d.Val())
		}
	}
	return b, nil
}

func parseOptStorage(d *caddyfile.Dispenser, _ any) (any, error) {
	if !d.Next() || !d.Next() {
		return nil, d.ArgErr()
	}
	d = moduleDispenser(d)
	if d.Val() != "file_system" {
		return nil, unsupported(d, "storage module")
	}
	root := ""
	if d.NextArg() {
		root = d.Val()
	}
	if d.NextArg() {
		return nil, d.ArgErr()
	}
	for d.NextBlock(0) {
		switch d.Val() {
		case "root":
			if !d.NextArg() {
				return nil, d.ArgErr()
			}
			if root != "" {
				return nil, d.Err("root already set")
			}
			root = d.Val()
			if d.NextArg() {
				return nil, d.ArgErr()
			}
		default:
			return nil, d.Errf("unrecognized parameter '%s'", d.Val())
		}
	}
	if root == "" {
		return nil, d.Err("missing root path (to use default, omit storage config entirely)")
	}
	return Obj{"module": "file_system", "root": root}, nil
}

// parseOptStorageCleanInterval returns false for "off", else a duration.
func parseOptStorageCleanInterval(d *caddyfile.Dispenser, _ any) (any, error) {
	d.Next()
	if !d.Next() {
		return "", d.ArgErr()
	}
	val := d.Val()
	if d.Next() {
		return "", d.ArgErr()
	}
	if val == "off" {
		return false, nil
	}
	dur, err := parseDuration(val)
	if err != nil {
		return nil, d.Errf("failed to parse storage_clean_interval, must be a duration or 'off' %v", err)
	}
	return dur, nil
}

func parseOptACMEEAB(d *caddyfile.Dispenser, _ any) (any, error) {
	d.Next()
	if d.NextArg() {
		return nil, d.ArgErr()
	}
	e := &eab{}
	for d.NextBlock(0) {
		switch d.Val() {
		case "key_id":
			if !d.NextArg() {
				return nil, d.ArgErr()
			}
			e.KeyID = d.Val()
		case "mac_key":
			if !d.NextArg() {
				return nil, d.ArgErr()
			}
			e.MACKey = d.Val()
		default:
			return nil, d.Errf("unrecognized parameter '%s'", d.Val())
		}
	}
	return e, nil
}

func parseOptCertIssuer(d *caddyfile.Dispenser, existing any) (any, error) {
	d.Next()
	issuers, _ := existing.([]*issuer)
	if !d.Next() {
		return nil, d.ArgErr()
	}
	iss, err := parseIssuer(moduleDispenser(d))
	if err != nil {
		return nil, err
	}
	return append(issuers, iss), nil
}

// ocspStapling is the value of the ocsp_stapling option.
type ocspStapling struct{ disabled bool }

func parseOptOCSPStapling(d *caddyfile.Dispenser, _ any) (any, error) {
	d.Next()
	var val string
	if !d.AllArgs(&val) {
		return nil, d.ArgErr()
	}
	if val != "off" {
		return nil, d.Errf("invalid argument '%s'", val)
	}
	return ocspStapling{disabled: true}, nil
}

func parseOptAutomateNames(d *caddyfile.Dispenser, existing any) (any, error) {
	d.Next()
	names := d.RemainingArgs()
	if len(names) == 0 {
		return nil, d.ArgErr()
	}
	if prev, ok := existing.([]string); ok {
		names = append(prev, names...)
	}
	return names, nil
}

func parseOptRenewalWindowRatio(d *caddyfile.Dispenser, _ any) (any, error) {
	d.Next()
	if !d.Next() {
		return 0, d.ArgErr()
	}
	ratio, err := strconv.ParseFloat(d.Val(), 64)
	if err != nil {
		return 0, d.Errf("parsing renewal_window_ratio: %v", err)
	}
	if ratio <= 0 || ratio >= 1 {
		return 0, d.Errf("renewal_window_ratio must be between 0 and 1 (exclusive)")
	}
	if d.Next() {
		return 0, d.ArgErr()
	}
	return ratio, nil
}

// parseOptOnDemandTLS parses "on_demand_tls { ask <url> }".
func parseOptOnDemandTLS(d *caddyfile.Dispenser, _ any) (any, error) {
	d.Next()
	if d.NextArg() {
		return nil, d.ArgErr()
	}
	var ond Obj
	for nesting := d.Nesting(); d.NextBlock(nesting); {
		switch d.Val() {
		case "ask":
			if !d.NextArg() {
				return nil, d.ArgErr()
			}
			if ond != nil {
				return nil, d.Err("on-demand TLS permission module (or 'ask') already specified")
			}
			ond = Obj{"permission": Obj{"module": "http", "endpoint": d.Val()}}
		case "interval", "burst":
			return nil, d.Errf("the on_demand_tls '%s' option is no longer supported, remove it from your config", d.Val())
		default:
			return nil, unsupported(d, "on_demand_tls option")
		}
	}
	if ond == nil {
		return nil, d.Err("expected at least one config parameter for on_demand_tls")
	}
	return ond, nil
}

func parseOptPreferredChains(d *caddyfile.Dispenser, _ any) (any, error) {
	d.Next()
	return parsePreferredChains(d)
}

func parseOptTLSResolvers(d *caddyfile.Dispenser, _ any) (any, error) {
	d.Next()
	resolvers := d.RemainingArgs()
	if len(resolvers) == 0 {
		return nil, d.ArgErr()
	}
	return resolvers, nil
}

// parseOptECH parses "ech <public_names...>": Encrypted ClientHello with
// those outer names. Publishing the configs in DNS ("dns" block) needs a
// DNS provider module, which zeroserve does not have.
func parseOptECH(d *caddyfile.Dispenser, _ any) (any, error) {
	d.Next()
	names := d.RemainingArgs()
	if len(names) == 0 {
		return nil, d.ArgErr()
	}
	if d.NextBlock(d.Nesting()) {
		return nil, unsupported(d, "ech option")
	}
	return names, nil
}

// parseOptOff parses a global option whose only value is "off"
// (persist_config, storage_check).
func parseOptOff(name string) UnmarshalGlobalFunc {
	return func(d *caddyfile.Dispenser, _ any) (any, error) {
		d.Next()
		if !d.Next() {
			return "", d.ArgErr()
		}
		val := d.Val()
		if d.Next() {
			return "", d.ArgErr()
		}
		if val != "off" {
			return "", d.Errf("%s must be 'off'", name)
		}
		return val, nil
	}
}
