package server

import (
	"errors"
	"fmt"
)

// Static is a Handler that answers every request with the same response:
// used by `zeroserve serve-static`, tests and benchmarks. It does not read
// request bodies (BodyPolicy).
type Static struct {
	status      int
	contentType string
	body        []byte
}

// NewStatic returns a handler answering status with body, as
// "text/plain; charset=utf-8". The status must be 200–599 and not 1xx.
func NewStatic(status int, body string) (*Static, error) {
	if status < 200 || status > 599 {
		return nil, &ConfigError{"status", fmt.Errorf("%d outside 200-599", status)}
	}
	if (status == 204 || status == 304) && body != "" {
		return nil, &ConfigError{"body", errors.New("status " + fmt.Sprint(status) + " has no body")}
	}
	return &Static{status: status, contentType: "text/plain; charset=utf-8", body: []byte(body)}, nil
}

// ServeHTTP1 writes the fixed response.
func (s *Static) ServeHTTP1(w *ResponseWriter, r *Request) {
	w.WriteHeader(s.status)
	if len(s.body) > 0 {
		w.AddHeader("Content-Type", s.contentType)
	}
	w.Write(s.body)
}

// WantsBody reports false: the response does not depend on the body.
func (s *Static) WantsBody(*Request) bool { return false }
