package caddyfile

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
)

// This file turns the tokens of one request matcher (as found in a named
// matcher definition "@name { ... }" or nested in "not") into the JSON value
// Caddy's adapter puts under that matcher's name in the matcher set. The
// syntax and the JSON shapes follow each matcher module's UnmarshalCaddyfile
// and its json tags in Caddy (modules/caddyhttp/matchers.go, ip_matchers.go,
// vars.go, celmatcher.go, urlpatternmatcher.go, fileserver/matcher.go).
//
// Go types of the returned values, for code that reads matcher sets:
//
//	host, path, method          []string (nil, marshalled as null, if no argument)
//	query                       url.Values
//	header, vars                http.Header, map[string][]string
//	path_regexp                 Obj{"name"?, "pattern"}
//	header_regexp, vars_regexp  map[string]Obj (field -> {"name"?, "pattern"})
//	protocol                    string
//	remote_ip, client_ip        Obj{"ranges"?: []string}
//	tls                         Obj{"handshake_complete"?: false}
//	not                         []Obj (matcher sets, OR'ed, negated)
//	expression                  string, or Obj{"expr", "name"} when named
//	file                        Obj{"root"?, "try_files"?, "try_policy"?, "split_path"?}
//	url_pattern                 Obj{"pattern"?, "base_url"?, "ignore_case"?}

// matcherSegmentFunc parses one segment of a matcher: the dispenser's cursor
// is on the matcher's name, its arguments and optional block follow. existing
// is the value parsed so far for the same matcher in the same set (nil the
// first time); the function returns the merged value.
type matcherSegmentFunc func(d *caddyfile.Dispenser, existing any) (any, error)

// matcherParsers maps each supported matcher name to its segment parser.
var matcherParsers map[string]matcherSegmentFunc

func init() {
	matcherParsers = map[string]matcherSegmentFunc{
		"host":          parseMatchStringList,
		"path":          parseMatchStringList,
		"method":        parseMatchStringList,
		"path_regexp":   parseMatchPathRegexp,
		"header":        parseMatchHeader,
		"header_regexp": parseMatchFieldRegexp,
		"vars_regexp":   parseMatchFieldRegexp,
		"query":         parseMatchQuery,
		"vars":          parseMatchVars,
		"protocol":      parseMatchProtocol,
		"remote_ip":     parseMatchIPRanges,
		"client_ip":     parseMatchIPRanges,
		"tls":           parseMatchTLS,
		"not":           parseMatchNot,
		"expression":    parseMatchExpression,
		"file":          parseMatchFile,
		"url_pattern":   parseMatchURLPattern,
	}
}

// isMatcher reports whether name is a request matcher this adapter supports.
func isMatcher(name string) bool {
	_, ok := matcherParsers[name]
	return ok
}

// unmarshalMatcher parses the tokens of the matcher called name and returns
// its JSON value merged with existing, the value already in the same matcher
// set for the same name (nil if none), the way Caddy merges repeated
// matchers of one set (lists append, maps merge, "not" appends sets, a
// second path_regexp or expression is an error).
//
// d must hold exactly this matcher's tokens, as Caddy gives them to the
// matcher's UnmarshalCaddyfile: one or more segments, each starting with the
// matcher's name; its cursor is before the first token or on it. The name of
// the enclosing named matcher, if any, is read from the dispenser's context
// (caddyfile.MatcherNameCtxKey): regexp and expression matchers use it as
// their default name.
func unmarshalMatcher(name string, d *caddyfile.Dispenser, existing any) (any, error) {
	parse, ok := matcherParsers[name]
	if !ok {
		if d.Val() == "" {
			d.Next()
		}
		return nil, d.Errf("unsupported matcher %q", name)
	}
	if d.Val() == "" && !d.Next() {
		return nil, d.Errf("matcher %q: no tokens", name)
	}
	val := existing
	for {
		if d.Val() != name {
			return nil, d.Errf("matcher %q: unexpected token %q", name, d.Val())
		}
		var err error
		if val, err = parse(d, val); err != nil {
			return nil, err
		}
		if !d.Next() {
			return val, nil
		}
	}
}

// parseMatcherSet parses a matcher set written inline or as a block, with
// the cursor on the token before it (e.g. "not"), as Caddy's
// ParseCaddyfileNestedMatcherSet: "not path /a" or "not { path /a ... }".
// A quoted (backtick) token stands for an expression matcher. Repeated
// matchers of the set are merged. definition, if not empty, is the named
// matcher's name given to regexp and expression matchers; Caddy gives none
// to matchers nested in "not".
func parseMatcherSet(d *caddyfile.Dispenser, definition string) (Obj, error) {
	var names []string
	segments := make(map[string][]caddyfile.Token)
	for nesting := d.Nesting(); d.NextArg() || d.NextBlock(nesting); {
		if d.Token().Quoted() {
			expr := d.Token().Clone()
			expr.Text = "expression"
			if _, seen := segments["expression"]; !seen {
				names = append(names, "expression")
			}
			segments["expression"] = append(segments["expression"], expr, d.Token())
			continue
		}
		name := d.Val()
		if !isMatcher(name) {
			return nil, d.Errf("unsupported matcher %q", name)
		}
		if _, seen := segments[name]; !seen {
			names = append(names, name)
		}
		segments[name] = append(segments[name], d.NextSegment()...)
	}
	set := make(Obj, len(names))
	for _, name := range names {
		sub := caddyfile.NewDispenser(segments[name])
		if definition != "" {
			sub.SetContext(caddyfile.MatcherNameCtxKey, definition)
		}
		val, err := unmarshalMatcher(name, sub, nil)
		if err != nil {
			return nil, err
		}
		set[name] = val
	}
	return set, nil
}

// noMatcherBlock rejects a block after a matcher that takes none.
func noMatcherBlock(d *caddyfile.Dispenser, matcher string) error {
	if d.NextBlock(0) {
		return d.Errf("malformed %s matcher: blocks are not supported", matcher)
	}
	return nil
}

// existingAs returns existing as a T, its zero value if existing is nil, or
// an error if a caller passed a value of another type.
func existingAs[T any](d *caddyfile.Dispenser, existing any) (T, error) {
	var zero T
	if existing == nil {
		return zero, nil
	}
	v, ok := existing.(T)
	if !ok {
		return zero, d.Errf("BUG: matcher %q merged with a value of type %T", d.Val(), existing)
	}
	return v, nil
}

// parseMatchStringList parses host, path and method: every argument is
// appended to the list, as MatchHost, MatchPath and MatchMethod do.
func parseMatchStringList(d *caddyfile.Dispenser, existing any) (any, error) {
	name := d.Val()
	list, err := existingAs[[]string](d, existing)
	if err != nil {
		return nil, err
	}
	list = append(list, d.RemainingArgs()...)
	if err := noMatcherBlock(d, name); err != nil {
		return nil, err
	}
	return list, nil
}

// regexpObj is the JSON of Caddy's MatchRegexp: {"name"?, "pattern"}.
func regexpObj(name, pattern string) Obj {
	o := Obj{"pattern": pattern}
	if name != "" {
		o["name"] = name
	}
	return o
}

// parseMatchPathRegexp parses "path_regexp [<name>] <regexp>"; a set holds
// only one.
func parseMatchPathRegexp(d *caddyfile.Dispenser, existing any) (any, error) {
	if existing != nil {
		return nil, d.Err("regular expression can only be used once per named matcher")
	}
	args := d.RemainingArgs()
	var name, pattern string
	switch len(args) {
	case 1:
		pattern = args[0]
	case 2:
		name, pattern = args[0], args[1]
	default:
		return nil, d.ArgErr()
	}
	if name == "" {
		name = d.GetContextString(caddyfile.MatcherNameCtxKey)
	}
	if err := noMatcherBlock(d, "path_regexp"); err != nil {
		return nil, err
	}
	return regexpObj(name, pattern), nil
}

// parseMatchHeader parses "header <field> <value>" (values of one field are
// OR'ed; the field name is canonicalised as http.Header.Add does) and
// "header !<field>" (the field must be absent: null).
func parseMatchHeader(d *caddyfile.Dispenser, existing any) (any, error) {
	hdr, err := existingAs[http.Header](d, existing)
	if err != nil {
		return nil, err
	}
	if hdr == nil {
		hdr = http.Header{}
	}
	var field string
	if !d.Args(&field) {
		return nil, d.Err("malformed header matcher: expected field")
	}
	if len(field) > 0 && field[0] == '!' {
		if len(field) == 1 {
			return nil, d.Err("malformed header matcher: must have field name following ! character")
		}
		hdr[field[1:]] = nil
		if d.NextArg() {
			return nil, d.Err("malformed header matcher: null matching headers cannot have a field value")
		}
	} else {
		if !d.NextArg() {
			return nil, d.Err("malformed header matcher: expected both field and value")
		}
		hdr.Add(field, d.Val())
		if d.NextArg() {
			return nil, d.ArgErr()
		}
	}
	if err := noMatcherBlock(d, "header"); err != nil {
		return nil, err
	}
	return hdr, nil
}

// parseMatchFieldRegexp parses header_regexp and vars_regexp:
// "<matcher> [<name>] <field> <regexp>". A second header_regexp for the same
// field is an error; a second vars_regexp replaces the first, as in Caddy.
func parseMatchFieldRegexp(d *caddyfile.Dispenser, existing any) (any, error) {
	matcher := d.Val()
	fields, err := existingAs[map[string]Obj](d, existing)
	if err != nil {
		return nil, err
	}
	if fields == nil {
		fields = map[string]Obj{}
	}
	args := d.RemainingArgs()
	var name, field, pattern string
	switch len(args) {
	case 2:
		field, pattern = args[0], args[1]
	case 3:
		name, field, pattern = args[0], args[1], args[2]
	default:
		return nil, d.ArgErr()
	}
	if name == "" {
		name = d.GetContextString(caddyfile.MatcherNameCtxKey)
	}
	if _, dup := fields[field]; dup && matcher == "header_regexp" {
		return nil, d.Errf("header_regexp matcher can only be used once per named matcher, per header field: %s", field)
	}
	fields[field] = regexpObj(name, pattern)
	if err := noMatcherBlock(d, matcher); err != nil {
		return nil, err
	}
	return fields, nil
}

// parseMatchQuery parses "query <key>=<value>..."; empty arguments are
// skipped and the values of one key are OR'ed.
func parseMatchQuery(d *caddyfile.Dispenser, existing any) (any, error) {
	q, err := existingAs[url.Values](d, existing)
	if err != nil {
		return nil, err
	}
	if q == nil {
		q = url.Values{}
	}
	for d.NextArg() {
		arg := d.Val()
		if arg == "" {
			continue
		}
		key, val, found := strings.Cut(arg, "=")
		if !found {
			return nil, d.Errf("malformed query matcher token: %s; must be in param=val format", arg)
		}
		q.Add(key, val)
	}
	if err := noMatcherBlock(d, "query"); err != nil {
		return nil, err
	}
	return q, nil
}

// parseMatchVars parses "vars <name> <values...>"; values of one name are
// OR'ed.
func parseMatchVars(d *caddyfile.Dispenser, existing any) (any, error) {
	vars, err := existingAs[map[string][]string](d, existing)
	if err != nil {
		return nil, err
	}
	if vars == nil {
		vars = map[string][]string{}
	}
	var field string
	if !d.Args(&field) {
		return nil, d.Err("malformed vars matcher: expected field name")
	}
	vals := d.RemainingArgs()
	if len(vals) == 0 {
		return nil, d.Err("malformed vars matcher: expected at least one value to match against")
	}
	vars[field] = append(vars[field], vals...)
	if err := noMatcherBlock(d, "vars"); err != nil {
		return nil, err
	}
	return vars, nil
}

// parseMatchProtocol parses "protocol <name>"; a later one replaces an
// earlier one, as in Caddy.
func parseMatchProtocol(d *caddyfile.Dispenser, _ any) (any, error) {
	var proto string
	if !d.Args(&proto) || d.NextArg() {
		return nil, d.Err("expected exactly one protocol")
	}
	if err := noMatcherBlock(d, "protocol"); err != nil {
		return nil, err
	}
	return proto, nil
}

// privateRanges is what "private_ranges" expands to in remote_ip and
// client_ip (Caddy's internal.PrivateRangesCIDR).
var privateRanges = []string{
	"192.168.0.0/16",
	"172.16.0.0/12",
	"10.0.0.0/8",
	"127.0.0.1/8",
	"fd00::/8",
	"::1",
}

// parseMatchIPRanges parses "remote_ip|client_ip <ranges...>", where
// "private_ranges" expands to the private ranges.
func parseMatchIPRanges(d *caddyfile.Dispenser, existing any) (any, error) {
	matcher := d.Val()
	o, err := existingAs[Obj](d, existing)
	if err != nil {
		return nil, err
	}
	var ranges []string
	if o != nil {
		ranges, _ = o["ranges"].([]string)
	}
	for d.NextArg() {
		switch {
		case d.Val() == "forwarded" && matcher == "remote_ip":
			return nil, d.Err("the 'forwarded' option is no longer supported; use the 'client_ip' matcher instead")
		case d.Val() == "private_ranges":
			ranges = append(ranges, privateRanges...)
		default:
			ranges = append(ranges, d.Val())
		}
	}
	if err := noMatcherBlock(d, matcher); err != nil {
		return nil, err
	}
	o = Obj{}
	if len(ranges) > 0 {
		o["ranges"] = ranges
	}
	return o, nil
}

// parseMatchTLS parses "tls [early_data]".
func parseMatchTLS(d *caddyfile.Dispenser, existing any) (any, error) {
	o, err := existingAs[Obj](d, existing)
	if err != nil {
		return nil, err
	}
	if o == nil {
		o = Obj{}
	}
	if d.NextArg() {
		if d.Val() != "early_data" {
			return nil, d.Errf("unrecognized option '%s'", d.Val())
		}
		o["handshake_complete"] = false
	}
	if d.NextArg() {
		return nil, d.ArgErr()
	}
	if d.NextBlock(0) {
		return nil, d.Err("malformed tls matcher: blocks are not supported yet")
	}
	return o, nil
}

// parseMatchNot parses "not <matcher...>" or "not { <matchers...> }": each
// segment adds one negated matcher set.
func parseMatchNot(d *caddyfile.Dispenser, existing any) (any, error) {
	sets, err := existingAs[[]Obj](d, existing)
	if err != nil {
		return nil, err
	}
	set, err := parseMatcherSet(d, "")
	if err != nil {
		return nil, err
	}
	return append(slices.Clip(sets), set), nil
}

// parseMatchExpression parses "expression <cel>". A single argument is
// taken unquoted and named after the named matcher; several arguments are
// joined with their quotes, unnamed. A set holds only one expression.
func parseMatchExpression(d *caddyfile.Dispenser, existing any) (any, error) {
	if existing != nil {
		return nil, d.Err("repeated expression matchers are not supported, combine them into one expression with &&")
	}
	if d.CountRemainingArgs() > 1 {
		expr := strings.Join(d.RemainingArgsRaw(), " ")
		if err := noExpressionBlock(d); err != nil {
			return nil, err
		}
		return expr, nil
	}
	if !d.NextArg() {
		return nil, d.ArgErr()
	}
	expr := d.Val()
	if err := noExpressionBlock(d); err != nil {
		return nil, err
	}
	if name := d.GetContextString(caddyfile.MatcherNameCtxKey); name != "" {
		return Obj{"expr": expr, "name": name}, nil
	}
	return expr, nil
}

// noExpressionBlock rejects a block after an expression (Caddy fails on any
// token after the expression's line).
func noExpressionBlock(d *caddyfile.Dispenser) error {
	if d.NextBlock(0) {
		return d.Err("repeated expression matchers are not supported, combine them into one expression with &&")
	}
	return nil
}

// parseMatchFile parses the file matcher:
//
//	file <files...> {
//	    root       <path>
//	    try_files  <files...>
//	    try_policy first_exist|first_exist_fallback|smallest_size|largest_size|most_recently_modified
//	    split_path <delims...>
//	}
func parseMatchFile(d *caddyfile.Dispenser, existing any) (any, error) {
	o, err := existingAs[Obj](d, existing)
	if err != nil {
		return nil, err
	}
	if o == nil {
		o = Obj{}
	}
	tryFiles, _ := o["try_files"].([]string)
	tryFiles = append(slices.Clip(tryFiles), d.RemainingArgs()...)
	for d.NextBlock(0) {
		switch sub := d.Val(); sub {
		case "root", "try_policy":
			if !d.NextArg() {
				return nil, d.ArgErr()
			}
			o[sub] = d.Val()
			if d.NextArg() {
				return nil, d.ArgErr()
			}
		case "try_files":
			tryFiles = append(tryFiles, d.RemainingArgs()...)
			if len(tryFiles) == 0 {
				return nil, d.ArgErr()
			}
		case "split_path":
			split := d.RemainingArgs()
			if len(split) == 0 {
				return nil, d.ArgErr()
			}
			o["split_path"] = split
		default:
			return nil, d.Errf("unrecognized subdirective: %s", sub)
		}
	}
	if len(tryFiles) > 0 {
		o["try_files"] = tryFiles
	}
	return o, nil
}

// parseMatchURLPattern parses the url_pattern matcher:
//
//	url_pattern <pattern> {
//	    base_url    <url>
//	    ignore_case
//	}
func parseMatchURLPattern(d *caddyfile.Dispenser, existing any) (any, error) {
	o, err := existingAs[Obj](d, existing)
	if err != nil {
		return nil, err
	}
	if o == nil {
		o = Obj{}
	}
	var pattern string
	if !d.Args(&pattern) || d.NextArg() {
		return nil, d.Err("expected exactly one URL pattern")
	}
	if pattern != "" {
		o["pattern"] = pattern
	} else {
		delete(o, "pattern")
	}
	for d.NextBlock(0) {
		switch d.Val() {
		case "base_url":
			var base string
			if !d.Args(&base) || d.NextArg() {
				return nil, d.ArgErr()
			}
			if base != "" {
				o["base_url"] = base
			}
		case "ignore_case":
			if d.NextArg() {
				return nil, d.ArgErr()
			}
			o["ignore_case"] = true
		default:
			return nil, d.Errf("unrecognized url_pattern option '%s'", d.Val())
		}
	}
	return o, nil
}
