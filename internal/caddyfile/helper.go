package caddyfile

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
)

var (
	registeredDirectives    = map[string]UnmarshalFunc{}
	registeredGlobalOptions = map[string]UnmarshalGlobalFunc{}
)

// RegisterDirective registers fn as the parser of the directive name. It is
// called from init functions; registering a name twice is a bug.
func RegisterDirective(name string, fn UnmarshalFunc) {
	if _, dup := registeredDirectives[name]; dup {
		panic("BUG: directive registered twice: " + name)
	}
	registeredDirectives[name] = fn
}

// RegisterHandlerDirective registers fn as the parser of a directive that
// produces one handler: the core extracts the optional matcher token that
// follows the directive name, calls fn with the dispenser reset onto the
// directive name, and wraps the handler in a route with that matcher.
func RegisterHandlerDirective(name string, fn UnmarshalHandlerFunc) {
	RegisterDirective(name, func(h Helper) ([]ConfigValue, error) {
		if !h.Next() {
			return nil, h.ArgErr()
		}
		matcherSet, err := h.ExtractMatcherSet()
		if err != nil {
			return nil, err
		}
		handler, err := fn(h)
		if err != nil {
			return nil, err
		}
		return h.NewRoute(matcherSet, handler), nil
	})
}

// RegisterGlobalOption registers fn as the parser of the global option name.
func RegisterGlobalOption(name string, fn UnmarshalGlobalFunc) {
	if _, dup := registeredGlobalOptions[name]; dup {
		panic("BUG: global option registered twice: " + name)
	}
	registeredGlobalOptions[name] = fn
}

// Option returns the value of the global option name, nil if unset.
func (h Helper) Option(name string) any {
	return h.options[name]
}

// Caddyfiles returns the sorted names of the files the current block's
// tokens come from (file_server hides them).
func (h Helper) Caddyfiles() []string {
	set := map[string]bool{}
	for _, seg := range h.parentBlock.Segments {
		for _, tok := range seg {
			set[tok.File] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}

// MatcherToken consumes the next argument if it is a matcher token ("*",
// a path starting with "/", or "@name") and returns its matcher set; ok is
// false if the next token is not a matcher (the token is still consumed).
func (h Helper) MatcherToken() (Obj, bool, error) {
	if !h.NextArg() {
		return nil, false, nil
	}
	return matcherSetFromToken(h.Dispenser, h.matcherDefs)
}

// ExtractMatcherSet returns the matcher set of the token after the
// directive name and deletes that token, then resets the dispenser so the
// directive parser sees its tokens without the matcher.
func (h Helper) ExtractMatcherSet() (Obj, error) {
	set, hasMatcher, err := h.MatcherToken()
	if err != nil {
		return nil, err
	}
	if hasMatcher {
		h.Dispenser.Delete()
	}
	h.Dispenser.Reset()
	return set, nil
}

// NewRoute returns one "route" config value holding handler, matched by
// matcherSet when it is not nil.
func (h Helper) NewRoute(matcherSet Obj, handler Obj) []ConfigValue {
	r := Route{Handle: []Obj{handler}}
	if matcherSet != nil {
		r.MatcherSets = []Obj{matcherSet}
	}
	return []ConfigValue{{Class: "route", Value: r}}
}

// GroupRoutes puts the route values of vals into one new group (so only the
// first matching one runs) when there are at least two of them.
func (h Helper) GroupRoutes(vals []ConfigValue) {
	count := 0
	for _, v := range vals {
		if _, ok := v.Value.(Route); ok {
			count++
		}
	}
	if count < 2 {
		return
	}
	group := nextGroup(h.groupCounter)
	for i := range vals {
		if r, ok := vals[i].Value.(Route); ok {
			r.Group = group
			vals[i].Value = r
		}
	}
}

// NewBindAddresses returns a "bind" config value for addrs.
func (h Helper) NewBindAddresses(addrs []string) []ConfigValue {
	return []ConfigValue{{Class: "bind", Value: bindValue{addresses: addrs}}}
}

// WithDispenser returns a copy of h reading tokens from d.
func (h Helper) WithDispenser(d *caddyfile.Dispenser) Helper {
	h.Dispenser = d
	return h
}

// Warn records a non-fatal problem at the current token.
func (h Helper) Warn(msg string) {
	if h.warnings == nil {
		return
	}
	*h.warnings = append(*h.warnings, Warning{File: h.File(), Line: h.Line(), Message: msg})
}

// nextGroup returns a new route group name: group0, group1, ...
func nextGroup(counter *int) string {
	name := "group" + strconv.Itoa(*counter)
	*counter++
	return name
}

// ParseSegmentAsSubroute parses the block after the current directive as a
// list of directives and returns them as one subroute handler
// ({"handler":"subroute","routes":[...]}), sorted by directive order.
func ParseSegmentAsSubroute(h Helper) (Obj, error) {
	vals, err := parseSegmentAsConfig(h)
	if err != nil {
		return nil, err
	}
	routes, err := buildSubroute(vals, h.groupCounter, directiveOrderFor(h.options))
	if err != nil {
		return nil, err
	}
	return subrouteHandler(routes), nil
}

// subrouteHandler returns the subroute handler object for routes.
func subrouteHandler(routes []Route) Obj {
	sr := Obj{"handler": "subroute"}
	if len(routes) > 0 {
		sr["routes"] = routes
	}
	return sr
}

// parseSegmentAsConfig parses the block of the current directive (which
// must have no arguments) as directives, with matcher definitions scoped to
// the block, and returns all their config values in the order written.
func parseSegmentAsConfig(h Helper) ([]ConfigValue, error) {
	var all []ConfigValue
	for h.Next() {
		if h.NextArg() {
			return nil, h.ArgErr()
		}
		var segments []caddyfile.Segment
		for nesting := h.Nesting(); h.NextBlock(nesting); {
			segments = append(segments, h.NextSegment())
		}
		defs := maps.Clone(h.matcherDefs)
		if defs == nil {
			defs = map[string]Obj{}
		}
		var dirs []caddyfile.Segment
		for _, seg := range segments {
			if strings.HasPrefix(seg.Directive(), "@") {
				if err := parseMatcherDefinition(caddyfile.NewDispenser(seg), defs); err != nil {
					return nil, err
				}
				continue
			}
			dirs = append(dirs, seg)
		}
		blockState := maps.Clone(h.BlockState)
		if blockState == nil {
			blockState = map[string]any{}
		}
		for _, seg := range dirs {
			sub := h
			sub.Dispenser = caddyfile.NewDispenser(seg)
			sub.matcherDefs = defs
			sub.BlockState = blockState
			vals, err := runDirective(sub, seg)
			if err != nil {
				return nil, err
			}
			all = append(all, vals...)
		}
	}
	return all, nil
}

// runDirective parses one directive segment with its registered parser and
// tags the results with the (normalized) directive name.
func runDirective(h Helper, seg caddyfile.Segment) ([]ConfigValue, error) {
	dir := seg.Directive()
	fn, ok := registeredDirectives[dir]
	if !ok {
		d := caddyfile.NewDispenser(seg)
		d.Next()
		return nil, unsupported(d, "directive")
	}
	vals, err := fn(h)
	if err != nil {
		return nil, fmt.Errorf("parsing caddyfile tokens for '%s': %w", dir, err)
	}
	if dir == "handle_path" {
		dir = "handle" // sorted at the same level as handle
	}
	for i := range vals {
		vals[i].directive = dir
	}
	return vals, nil
}

// moduleDispenser returns a dispenser over the segment that starts at
// d's current token (the rest of its line and its block), positioned on
// that token, and moves d to the segment's end: how Caddy hands a module
// its tokens (caddyfile.UnmarshalModule), so that malformed blocks split
// the same way.
func moduleDispenser(d *caddyfile.Dispenser) *caddyfile.Dispenser {
	sub := d.NewFromNextSegment()
	sub.Next()
	return sub
}

// parseDuration parses a duration as caddy.ParseDuration does (Go
// durations plus "d" for 24h days, input at most 1024 bytes) and returns
// nanoseconds, as caddy.Duration marshals.
func parseDuration(s string) (int64, error) {
	if len(s) > 1024 {
		return 0, fmt.Errorf("parsing duration: input string too long")
	}
	var b strings.Builder
	numStart := 0
	inNumber := false
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch == 'd' {
			days, err := strconv.ParseFloat(s[numStart:i], 64)
			if err != nil {
				return 0, err
			}
			// Rewrite "<n>d" as hours and continue after it.
			b.Reset()
			b.WriteString(s[:numStart])
			b.WriteString(strconv.FormatFloat(days*24, 'f', -1, 64))
			b.WriteString("h")
			rest := len(b.String())
			b.WriteString(s[i+1:])
			s = b.String()
			i = rest - 1
			inNumber = false
			continue
		}
		if !inNumber {
			numStart = i
		}
		inNumber = (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == '+'
	}
	d, err := time.ParseDuration(s)
	return int64(d), err
}

// UnsupportedError reports a Caddyfile feature zeroserve does not support:
// a directive, subdirective, global option, matcher, ... with its position.
type UnsupportedError struct {
	File string
	Line int
	What string // "directive", "global option", "subdirective", ...
	Name string // the token, e.g. "php_fastcgi"
}

// Error formats the error as `FILE:LINE: unsupported WHAT "NAME"`.
func (e *UnsupportedError) Error() string {
	return fmt.Sprintf("%s:%d: unsupported %s %q", e.File, e.Line, e.What, e.Name)
}

// unsupported returns an *UnsupportedError for the dispenser's current
// token, e.g. unsupported(d, "directive") on "php_fastcgi" gives
// `Caddyfile:3: unsupported directive "php_fastcgi"`.
func unsupported(d *caddyfile.Dispenser, what string) error {
	return &UnsupportedError{File: d.File(), Line: d.Line(), What: what, Name: d.Val()}
}
