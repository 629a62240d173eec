package caddyfile

import (
	"fmt"
	"strconv"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
)

// parseLogEncoder parses a log encoder module with the dispenser on its
// name ("format <name> ..." or "wrap <name> ..."), consuming the rest of its
// segment as Caddy's UnmarshalModule does. The result is the encoder's
// JSON with its name under "format".
func parseLogEncoder(d *caddyfile.Dispenser) (Obj, error) {
	name := d.Val()
	sub := caddyfile.NewDispenser(d.NextSegment())
	sub.Next()
	enc := Obj{"format": name}
	switch name {
	case "console", "json":
		if sub.NextArg() {
			return nil, sub.ArgErr()
		}
		if sub.NextBlock(0) {
			return nil, unsupported(sub, name+" log format option")
		}
	case "journald":
		if sub.NextArg() {
			return nil, sub.ArgErr()
		}
		for sub.NextBlock(0) {
			if sub.Val() != "wrap" {
				return nil, sub.Errf("unrecognized subdirective %s", sub.Val())
			}
			if err := parseWrappedEncoder(sub, enc); err != nil {
				return nil, err
			}
		}
	case "filter":
		if err := parseFilterEncoder(sub, enc); err != nil {
			return nil, err
		}
	case "append":
		if err := parseAppendEncoder(sub, enc); err != nil {
			return nil, err
		}
	default:
		return nil, &UnsupportedError{File: sub.File(), Line: sub.Line(), What: "log format", Name: name}
	}
	return enc, nil
}

// parseWrappedEncoder parses "wrap <encoder> ..." into enc["wrap"].
func parseWrappedEncoder(d *caddyfile.Dispenser, enc Obj) error {
	if !d.NextArg() {
		return d.ArgErr()
	}
	w, err := parseLogEncoder(d)
	if err != nil {
		return err
	}
	enc["wrap"] = w
	return nil
}

// parseFilterEncoder parses the block of "format filter": "wrap", and
// field filters, either inside "fields { }" or directly. Several regexp
// filters of one field become one multi_regexp filter.
func parseFilterEncoder(d *caddyfile.Dispenser, enc Obj) error {
	fields := Obj{}
	regexps := map[string][]Obj{}
	var regexpOrder []string
	field := func() error {
		name := d.Val()
		if !d.NextArg() {
			return d.ArgErr()
		}
		f, err := parseLogFieldFilter(d)
		if err != nil {
			return err
		}
		if f["filter"] == "regexp" {
			if _, ok := regexps[name]; !ok {
				regexpOrder = append(regexpOrder, name)
			}
			regexps[name] = append(regexps[name], f)
			return nil
		}
		if _, ok := regexps[name]; ok {
			return d.Errf("cannot mix regexp filters with other filter types for field %s", name)
		}
		if _, ok := fields[name]; ok {
			return d.Errf("field %s already has a filter; multiple non-regexp filters per field are not supported", name)
		}
		fields[name] = f
		return nil
	}
	for d.NextBlock(0) {
		switch d.Val() {
		case "wrap":
			if err := parseWrappedEncoder(d, enc); err != nil {
				return err
			}
		case "fields":
			for nesting := d.Nesting(); d.NextBlock(nesting); {
				if err := field(); err != nil {
					return err
				}
			}
		default:
			if err := field(); err != nil {
				return err
			}
		}
	}
	for _, name := range regexpOrder {
		fs := regexps[name]
		if len(fs) == 1 {
			fields[name] = fs[0]
			continue
		}
		var ops []Obj
		for _, f := range fs {
			pattern, _ := f["regexp"].(string)
			if pattern == "" {
				return fmt.Errorf("adding regexp operation for field %s: regexp pattern cannot be empty", name)
			}
			op := Obj{"regexp": pattern}
			if v, ok := f["value"]; ok {
				op["value"] = v
			}
			ops = append(ops, op)
		}
		fields[name] = Obj{"filter": "multi_regexp", "operations": ops}
	}
	if len(fields) > 0 {
		enc["fields"] = fields
	}
	return nil
}

// parseLogFieldFilter parses one field filter with the dispenser on its
// name, consuming the rest of its segment: delete, hash, replace, rename,
// regexp, ip_mask, query, cookie.
func parseLogFieldFilter(d *caddyfile.Dispenser) (Obj, error) {
	name := d.Val()
	sub := caddyfile.NewDispenser(d.NextSegment())
	sub.Next()
	f := Obj{"filter": name}
	switch name {
	case "delete", "hash":
	case "replace", "rename":
		if sub.NextArg() && sub.Val() != "" {
			f[map[string]string{"replace": "value", "rename": "name"}[name]] = sub.Val()
		}
	case "regexp":
		if sub.NextArg() && sub.Val() != "" {
			f["regexp"] = sub.Val()
		}
		if sub.NextArg() && sub.Val() != "" {
			f["value"] = sub.Val()
		}
	case "ip_mask":
		args := sub.RemainingArgs()
		if len(args) > 2 {
			return nil, sub.Errf("too many arguments")
		}
		keys := []string{"ipv4_cidr", "ipv6_cidr"}
		for i, a := range args {
			if err := setMask(sub, f, keys[i], a); err != nil {
				return nil, err
			}
		}
		for sub.NextBlock(0) {
			key := map[string]string{"ipv4": "ipv4_cidr", "ipv6": "ipv6_cidr"}[sub.Val()]
			if key == "" {
				return nil, sub.Errf("unrecognized subdirective %s", sub.Val())
			}
			if !sub.NextArg() {
				return nil, sub.ArgErr()
			}
			if err := setMask(sub, f, key, sub.Val()); err != nil {
				return nil, err
			}
		}
	case "query", "cookie":
		actions, err := parseFilterActions(sub, map[string]string{"query": "parameter", "cookie": "name"}[name])
		if err != nil {
			return nil, err
		}
		f["actions"] = actions
	default:
		return nil, &UnsupportedError{File: sub.File(), Line: sub.Line(), What: "log field filter", Name: name}
	}
	return f, nil
}

// setMask sets an ip_mask prefix length.
func setMask(d *caddyfile.Dispenser, f Obj, key, arg string) error {
	n, err := strconv.Atoi(arg)
	if err != nil {
		return d.Errf("error parsing %s: %v", arg, err)
	}
	if n != 0 {
		f[key] = n
	} else {
		delete(f, key)
	}
	return nil
}

// parseFilterActions parses the "replace <name> <value>", "hash <name>"
// and "delete <name>" lines of the query and cookie filters; nameKey is
// the JSON key of the parameter or cookie name.
func parseFilterActions(d *caddyfile.Dispenser, nameKey string) ([]Obj, error) {
	var actions []Obj
	for d.NextBlock(0) {
		typ := d.Val()
		if typ != "replace" && typ != "hash" && typ != "delete" {
			return nil, d.Errf("unrecognized subdirective %s", typ)
		}
		if !d.NextArg() {
			return nil, d.ArgErr()
		}
		a := Obj{"type": typ, nameKey: d.Val()}
		if typ == "replace" {
			if !d.NextArg() {
				return nil, d.ArgErr()
			}
			if d.Val() != "" {
				a["value"] = d.Val()
			}
		}
		actions = append(actions, a)
	}
	return actions, nil
}

// parseAppendEncoder parses the block of "format append": "wrap", and
// fields added to every entry (values typed as Caddy's ScalarVal: int,
// float, bool, else string).
func parseAppendEncoder(d *caddyfile.Dispenser, enc Obj) error {
	fields := Obj{}
	field := func() error {
		name := d.Val()
		if !d.NextArg() {
			return d.ArgErr()
		}
		fields[name] = d.ScalarVal()
		if d.NextArg() {
			return d.ArgErr()
		}
		return nil
	}
	for d.NextBlock(0) {
		switch d.Val() {
		case "wrap":
			if err := parseWrappedEncoder(d, enc); err != nil {
				return err
			}
		case "fields":
			for nesting := d.Nesting(); d.NextBlock(nesting); {
				if err := field(); err != nil {
					return err
				}
			}
		default:
			if err := field(); err != nil {
				return err
			}
		}
	}
	if len(fields) > 0 {
		enc["fields"] = fields
	}
	return nil
}
