package caddyfile

// This file is the contract between the adapter core (server blocks,
// addresses, global options, automatic HTTPS, the tls app, route ordering,
// matchers) and the directive parsers (one file per directive). It mirrors
// the shape of Caddy's httpcaddyfile package so that Caddy's own source is a
// map of where each behaviour lives; the code is ours.
//
// Contract notes (core, A1):
//   - A handler Obj carries its module name under "handler".
//   - A "route" config value holds a Route, or a []Route that must stay
//     together in this order (what Caddy expresses with a bare Subroute
//     value). "error_route" holds a []Route; "bind" a value made by
//     NewBindAddresses; "custom_log" a namedCustomLog (logging.go).
//   - unsupported(d, kind) reports the dispenser's current token: e.g.
//     unsupported(d, "reverse_proxy subdirective") on "dynamic" gives
//     `Caddyfile:3: unsupported reverse_proxy subdirective "dynamic"`. The
//     error is an *UnsupportedError (helper.go); the corpus test counts a
//     case as rejected only with that type in the chain, so wrap errors
//     with %w, never %v.
//   - Matchers: unmarshalMatcher gets a new dispenser over one matcher's
//     tokens (cursor before the name, its context holding
//     caddyfile.MatcherNameCtxKey), once per occurrence in a definition,
//     with existing = the value so far; isMatcher false is rejected as
//     unsupported.
//   - Helper also has Caddyfiles() (file_server's hide list);
//     wasShorthand(token) (shorthands.go) is for map.
//   - The core uses parseByteSize (reverse_proxy_bytesize.go) and
//     privateRanges (matchers.go).

import (
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
)

// Obj is one JSON object of the Caddy config being built: a handler
// ({"handler": "...", ...}), a matcher set ({"path": [...], ...}), a module.
// Values are JSON-marshalable: string, bool, int, int64 (durations are
// nanoseconds, as caddy.Duration marshals), float64, []any, []string, Obj,
// []Obj, Route, []Route, or structs with json tags.
type Obj = map[string]any

// Route is one route of the http app, as caddyhttp.Route marshals it.
type Route struct {
	Group       string `json:"group,omitempty"`
	MatcherSets []Obj  `json:"match,omitempty"`
	Handle      []Obj  `json:"handle,omitempty"`
	Terminal    bool   `json:"terminal,omitempty"`
}

// ConfigValue is one piece of config produced by a directive, tagged with
// the class that tells the core where it goes, as httpcaddyfile.ConfigValue:
// "route" (Value is Route), "bind" (Value is []string addresses),
// "tls.connection_policy", "tls.cert_issuer", "tls.cert_loader",
// "tls.certificate_selection", "tls.on_demand", "tls.key_type", "tls.reuse_private_keys",
// "tls.force_automate", "custom_log", "named_route", "error_route", ...
type ConfigValue struct {
	Class string
	Value any

	directive string // the directive that produced it (set by the core)
}

// Helper gives a directive parser its tokens (the embedded Dispenser is
// positioned on the directive's name, exactly as in Caddy) and the context
// it may need: global options, the named matchers of the site block, state.
type Helper struct {
	*caddyfile.Dispenser

	// State is shared by all directives of one whole Caddyfile.
	State map[string]any
	// BlockState is per server block.
	BlockState map[string]any

	options      map[string]any
	matcherDefs  map[string]Obj
	parentBlock  caddyfile.ServerBlock
	warnings     *[]Warning
	groupCounter *int
}

// Warning is a non-fatal problem found while adapting, as caddyconfig.Warning.
type Warning struct {
	File      string `json:"file,omitempty"`
	Line      int    `json:"line,omitempty"`
	Directive string `json:"directive,omitempty"`
	Message   string `json:"message,omitempty"`
}

// UnmarshalFunc parses one directive into config values.
type UnmarshalFunc func(h Helper) ([]ConfigValue, error)

// UnmarshalHandlerFunc parses one directive that produces a single handler;
// the core wraps it in a route with the directive's matcher (as Caddy's
// RegisterHandlerDirective does).
type UnmarshalHandlerFunc func(h Helper) (Obj, error)

// UnmarshalGlobalFunc parses one global option; existing is the value
// parsed so far for repeated options (nil the first time).
type UnmarshalGlobalFunc func(d *caddyfile.Dispenser, existing any) (any, error)

// Contract methods, implemented by the core (helper.go):
//
//	func RegisterDirective(name string, fn UnmarshalFunc)
//	func RegisterHandlerDirective(name string, fn UnmarshalHandlerFunc)
//	func RegisterGlobalOption(name string, fn UnmarshalGlobalFunc)
//	func (h Helper) Option(name string) any
//	func (h Helper) MatcherToken() (Obj, bool, error)
//	func (h Helper) ExtractMatcherSet() (Obj, error)
//	func (h Helper) NewRoute(matcherSet Obj, handler Obj) []ConfigValue
//	func (h Helper) GroupRoutes(vals []ConfigValue)
//	func (h Helper) NewBindAddresses(addrs []string) []ConfigValue
//	func (h Helper) WithDispenser(d *caddyfile.Dispenser) Helper
//	func (h Helper) Warn(msg string)
//	func ParseSegmentAsSubroute(h Helper) (Obj, error)   // {"handler":"subroute","routes":[...]}
//	func parseSegmentAsConfig(h Helper) ([]ConfigValue, error)
//	func parseDuration(s string) (int64, error)          // caddy.ParseDuration semantics, nanoseconds
//	func unsupported(d *caddyfile.Dispenser, what string) error // FILE:LINE: unsupported directive "X"
//
// Directive order (Caddy's defaultDirectiveOrder plus zeroserve_call right
// before reverse_proxy) lives in order.go, owned by the core.
