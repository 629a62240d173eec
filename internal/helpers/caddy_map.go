package helpers

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/zeroserve/zeroserve/internal/caddyconf"
)

// mapHandler is a parsed map handler (caddyconf.MapHandler). As Caddy's,
// it does its work lazily: once it ran, a lookup of one of its
// destination placeholders maps the current value of the source.
type mapHandler struct {
	source       string
	destinations []string // placeholder keys, braces removed
	mappings     []mapping
	defaults     []string
}

type mapping struct {
	input   string
	re      *regexp.Regexp
	outputs []any
}

// maxMapDepth bounds map lookups nested through sources that name other
// map destinations (Caddy recurses without a bound).
const maxMapDepth = 16

func newMapHandler(raw *caddyconf.MapHandler) (*mapHandler, error) {
	h := &mapHandler{source: raw.Source, defaults: raw.Defaults}
	for i, d := range raw.Destinations {
		if !strings.HasPrefix(d, "{") || !strings.HasSuffix(d, "}") || strings.Count(d, "{") != 1 || strings.Count(d, "}") != 1 || len(d) < 3 {
			return nil, fmt.Errorf("map destination %d must be a placeholder and only a placeholder, but got %q", i, d)
		}
		h.destinations = append(h.destinations, d[1:len(d)-1])
	}
	for i, m := range raw.Mappings {
		if len(m.Outputs) != len(h.destinations) {
			return nil, fmt.Errorf("map mapping %d has %d outputs for %d destinations", i, len(m.Outputs), len(h.destinations))
		}
		mp := mapping{input: m.Input, outputs: m.Outputs}
		if m.InputRegexp != "" {
			re, err := regexp.Compile(m.InputRegexp)
			if err != nil {
				return nil, fmt.Errorf("map mapping %d: %v", i, err)
			}
			mp.re = re
		}
		h.mappings = append(h.mappings, mp)
	}
	return h, nil
}

// lookup returns the value of destination key for the current request,
// as Caddy's map handler computes it, and whether key is a destination.
func (h *mapHandler) lookup(key string, repl replacer) (string, bool) {
	i := slices.Index(h.destinations, key)
	if i < 0 {
		return "", false
	}
	input := repl.replaceAll(h.source)
	for _, m := range h.mappings {
		if m.outputs[i] == nil {
			continue
		}
		out := placeholderString(m.outputs[i])
		if m.re != nil {
			idx := m.re.FindStringSubmatchIndex(input)
			if idx == nil {
				continue
			}
			return string(m.re.ExpandString(nil, out, input, idx)), true
		}
		if input == m.input {
			return repl.replaceAll(out), true
		}
	}
	if i < len(h.defaults) {
		return repl.replaceAll(h.defaults[i]), true
	}
	return "", true
}

// mapped looks key up in the map handlers that ran, in order.
func (r replacer) mapped(key string) (string, bool) {
	st := &r.ex.caddy
	if st.mapDepth >= maxMapDepth {
		return "", false
	}
	st.mapDepth++
	defer func() { st.mapDepth-- }()
	for _, h := range st.maps {
		if v, ok := h.lookup(key, r); ok {
			return v, true
		}
	}
	return "", false
}

func init() {
	registerCaddyHandler("map", configOf(func(cfg *caddyconf.MapHandler) (caddyRunner, error) {
		return newMapHandler(cfg)
	}))
}

// run makes the map's outputs available as placeholders for the rest of
// the request (they are computed when first read, as Caddy does).
func (h *mapHandler) run(ex *Exchange, _ replacer) (uint64, error) {
	ex.caddy.maps = append(ex.caddy.maps, h)
	return CaddyContinue, nil
}
