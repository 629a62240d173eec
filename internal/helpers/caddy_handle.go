package helpers

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/zeroserve/zeroserve/internal/vm"
)

// CaddyHandler is the configuration of one zs_caddy_handle call, as the
// compiler stores it in read-only data: the handler's module name and its
// configuration, whose shape the handler's own file defines
// (caddy_<handler>.go).
type CaddyHandler struct {
	// Handler is the Caddy module name ("static_response", "headers", ...).
	Handler string `json:"handler"`
	// Config is the handler's configuration.
	Config json.RawMessage `json:"config,omitempty"`
}

// Results of zs_caddy_handle.
const (
	// CaddyContinue: the handler called the next one.
	CaddyContinue = 0
	// CaddyStop: the handler answered (or aborted) and the chain ends.
	CaddyStop = 1
	// CaddyError: the handler returned an error (the error handler); the
	// chain unwinds to the nearest error routes (zs_caddy_error).
	CaddyError = 3
)

// caddyRunner is a parsed handler configuration.
type caddyRunner interface {
	// run applies the handler to the exchange and returns CaddyContinue,
	// CaddyStop or CaddyError; an error traps (500).
	run(ex *Exchange, repl replacer) (uint64, error)
}

// caddyHandlers maps a handler's module name to the parser of its
// configuration; each handler's file registers itself.
var caddyHandlers = map[string]func(json.RawMessage) (caddyRunner, error){}

// registerCaddyHandler registers parse for the handler name.
func registerCaddyHandler(name string, parse func(json.RawMessage) (caddyRunner, error)) {
	if _, dup := caddyHandlers[name]; dup {
		panic("helpers: handler " + name + " registered twice")
	}
	caddyHandlers[name] = parse
}

// CaddyHandlerSupported reports whether zs_caddy_handle runs the handler
// with this module name.
func CaddyHandlerSupported(name string) bool {
	_, ok := caddyHandlers[name]
	return ok
}

// decodeStrict decodes b into v, rejecting unknown fields and trailing data.
func decodeStrict(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("data after the configuration")
	}
	return nil
}

// zsCaddyHandle is zs_caddy_handle(cfg, len) -> 0 continue | 1 stop | 3
// error: run the Caddy handler whose JSON (a CaddyHandler) is at (cfg,
// len) on the request. A handler failure (an invalid rewritten URI) traps,
// and the server answers 500 as Caddy does without error routes; a status
// placeholder that is not a number raises Caddy's 500 error instead.
func zsCaddyHandle(c *vm.Context, p, n, _, _, _ uint64) (uint64, error) {
	k, err := current(c)
	if err != nil {
		return 0, err
	}
	h, err := cachedConfig(c, "zs_caddy_handle", p, n, parseHandler)
	if err != nil {
		return 0, err
	}
	if g, ok := h.(guestRunner); ok {
		return g.runGuest(c, k)
	}
	return h.run(k.Ex, replacer{k.Ex})
}

func parseHandler(b []byte) (caddyRunner, error) {
	var cfg CaddyHandler
	if err := decodeStrict(b, &cfg); err != nil {
		return nil, err
	}
	parse, ok := caddyHandlers[cfg.Handler]
	if !ok {
		return nil, fmt.Errorf("handler %q is not supported", cfg.Handler)
	}
	if len(cfg.Config) == 0 {
		return nil, fmt.Errorf("%s without configuration", cfg.Handler)
	}
	return parse(cfg.Config)
}

// configOf returns a parser that decodes a handler's configuration
// strictly into a T and hands it to build.
func configOf[T any](build func(*T) (caddyRunner, error)) func(json.RawMessage) (caddyRunner, error) {
	return func(b json.RawMessage) (caddyRunner, error) {
		v := new(T)
		if err := decodeStrict(b, v); err != nil {
			return nil, err
		}
		return build(v)
	}
}

// setField replaces every value of name with v.
func setField(h []Field, name, v string) []Field {
	h = deleteFields(h, func(n string) bool { return strings.EqualFold(n, name) })
	return append(h, Field{name, v})
}

// firstValue returns the first value of name, or "".
func firstValue(h []Field, name string) string {
	for _, f := range h {
		if strings.EqualFold(f.Name, name) {
			return f.Value
		}
	}
	return ""
}
