package helpers

import (
	"fmt"
	"strconv"
)

// CaddyRequestBody configures request_body, as Caddy's
// requestbody.RequestBody: max_size only (the compiler rejects set, whose
// replaced body zeroserve cannot hand to later handlers yet).
type CaddyRequestBody struct {
	MaxSize int64 `json:"max_size,omitempty"`
}

func init() {
	registerCaddyHandler("request_body", configOf(func(c *CaddyRequestBody) (caddyRunner, error) {
		if c.MaxSize < 0 {
			return nil, fmt.Errorf("request_body: negative max_size")
		}
		return c, nil
	}))
}

// run refuses a body over max_size with a 413 error to the error routes.
// Caddy does so at once for a declared Content-Length over the limit,
// and for a chunked body when a later handler reads past the limit; the
// server has buffered the whole body before the routes run (bounded by
// its own --max-body-bytes), so here a chunked body over the limit is
// refused at once too. A body the server streams to the proxy
// (Request.BodyStreamed) is counted as it arrives: the limit goes to
// Request.MaxBodyBytes, and the proxy answers 413 past it.
func (c *CaddyRequestBody) run(ex *Exchange, _ replacer) (uint64, error) {
	if c.MaxSize <= 0 {
		return CaddyContinue, nil
	}
	n := ex.BodyLength
	if cl, err := strconv.ParseInt(firstValue(ex.Req.Header, "Content-Length"), 10, 64); err == nil && cl > n {
		n = cl
	}
	if ex.Req.BodyStreamed && (ex.Req.MaxBodyBytes == 0 || c.MaxSize < ex.Req.MaxBodyBytes) {
		ex.Req.MaxBodyBytes = c.MaxSize // the proxy counts what arrives
	}
	if n > c.MaxSize {
		ex.caddy.raised = &caddyError{status: 413, message: fmt.Sprintf("http: request body too large")}
		return CaddyError, nil
	}
	return CaddyContinue, nil
}
