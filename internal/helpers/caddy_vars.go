package helpers

func init() {
	registerCaddyHandler("vars", configOf(func(v *map[string]any) (caddyRunner, error) {
		return varsHandler{vars: *v, keys: sortedKeys(*v)}, nil
	}))
}

// varsHandler is Caddy's vars handler: it sets request variables, with
// placeholders in keys and string values expanded.
type varsHandler struct {
	vars map[string]any
	keys []string
}

func (h varsHandler) run(ex *Exchange, repl replacer) (uint64, error) {
	for _, k := range h.keys {
		v := h.vars[k]
		if s, ok := v.(string); ok {
			v = repl.replaceAll(s)
		}
		ex.caddy.setVar(repl.replaceAll(k), v)
	}
	return CaddyContinue, nil
}
