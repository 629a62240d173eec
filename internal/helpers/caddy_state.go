package helpers

// caddyState is the per-request state the zs_caddy_* helpers share, as
// Caddy keeps it in the request context: variables (the vars handler,
// {http.vars.*}), regexp captures of matchers ({http.regexp.*}), satisfied
// route groups and deferred response header operations.
type caddyState struct {
	vars     map[string]any
	captures map[string]string
	groups   map[string]bool
	deferred []*respHeaderOps

	// raised is the last error a handler returned; inError is the error
	// the running error routes handle (Caddy's ErrorCtxKey), nil outside
	// them; orig is the request as it arrived (method, path, query), for
	// the server's error routes.
	raised, inError *caddyError
	orig            Request

	// maps are the map handlers that ran, in order; mapDepth counts
	// nested map lookups.
	maps     []*mapHandler
	mapDepth int
}

// caddyError is a handler error, as Caddy's caddyhttp.HandlerError.
type caddyError struct {
	status  int
	message string
}

func (s *caddyState) reset() {
	clear(s.vars)
	clear(s.captures)
	clear(s.groups)
	clear(s.deferred)
	s.deferred = s.deferred[:0]
	s.raised, s.inError = nil, nil
	s.orig = Request{}
	clear(s.maps)
	s.maps = s.maps[:0]
	s.mapDepth = 0
}

// setVar sets a variable.
func (s *caddyState) setVar(k string, v any) {
	if s.vars == nil {
		s.vars = map[string]any{}
	}
	s.vars[k] = v
}

// setCapture records a regexp capture under its placeholder name.
func (s *caddyState) setCapture(k, v string) {
	if s.captures == nil {
		s.captures = map[string]string{}
	}
	s.captures[k] = v
}
