package helpers

import (
	"fmt"

	"github.com/zeroserve/zeroserve/internal/http1"
	"github.com/zeroserve/zeroserve/internal/vm"
)

// Operations of zs_caddy_error, the compiled server's error handling (as
// Caddy's Server.ServeHTTP and Subroute.ServeHTTP do it).
const (
	// CaddyErrorSnapshot keeps the request as it arrived (method, path,
	// query), for CaddyErrorServer.
	CaddyErrorSnapshot = 0
	// CaddyErrorServer starts the server's error routes: the request is
	// restored, the failed routes' deferred header operations dropped and
	// the raised error put in context ({http.error.*}).
	CaddyErrorServer = 1
	// CaddyErrorRespond answers the error's status with an empty body:
	// error routes that did not answer, or none (Caddy writes the header
	// with the status of the error the error routes handle, else of the
	// raised one, else 500).
	CaddyErrorRespond = 2
	// CaddyErrorSubroute starts a subroute's error routes: the raised
	// error is put in context.
	CaddyErrorSubroute = 3
)

// zsCaddyError is zs_caddy_error(op) -> 0 (op one of the CaddyError*
// constants).
func zsCaddyError(c *vm.Context, op, _, _, _, _ uint64) (uint64, error) {
	k, err := current(c)
	if err != nil {
		return 0, err
	}
	ex := k.Ex
	st := &ex.caddy
	switch op {
	case CaddyErrorSnapshot:
		st.orig = Request{Method: ex.Req.Method, Path: ex.Req.Path, RawQuery: ex.Req.RawQuery}
	case CaddyErrorServer:
		if st.orig.Method != "" {
			ex.Req.Method, ex.Req.Path, ex.Req.RawQuery = st.orig.Method, st.orig.Path, st.orig.RawQuery
		}
		// Caddy's error routes write to the server's own response
		// writer: the deferred header operations of the routes that
		// failed (their writer wrappers) do not apply.
		st.deferred = st.deferred[:0]
		st.inError = st.raised
	case CaddyErrorSubroute:
		st.inError = st.raised
	case CaddyErrorRespond:
		status := 500
		if e := st.inError; e != nil {
			status = e.status
		} else if e := st.raised; e != nil {
			status = e.status
		}
		if status < 100 || status > 999 {
			return 0, fmt.Errorf("zs_caddy_error: status %d outside 100..999", status)
		}
		if ex.Action != ActionNone {
			return 0, fmt.Errorf("zs_caddy_error: the request already has a response")
		}
		ex.Response = Response{Status: status, Body: ex.Response.Body[:0]}
		ex.Action = ActionRespond
	default:
		return 0, fmt.Errorf("zs_caddy_error: unknown operation %d", op)
	}
	return 0, nil
}

// errorPlaceholder returns {http.error.*} values of the error in context.
func (r replacer) errorPlaceholder(key string) (string, bool) {
	e := r.ex.caddy.inError
	if e == nil {
		return "", false
	}
	switch key {
	case "http.error.status_code":
		return fmt.Sprint(e.status), true
	case "http.error.status_text":
		return http1.StatusText(e.status), true
	case "http.error.message":
		return e.message, true
	}
	return "", false
}
