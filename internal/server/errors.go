package server

import (
	"errors"
	"fmt"
)

// ErrServerClosed is the sticky error of connections closed by a shutdown
// and of TLS handshakes cut short because their loop stopped.
var ErrServerClosed = errors.New("server: closed")

// ErrConnClosed is returned by Completion.Finish and ResponseWriter methods
// when the connection closed before the response was finished.
var ErrConnClosed = errors.New("server: connection closed")

// ErrFinished is returned by ResponseWriter methods called after the
// response was finished.
var ErrFinished = errors.New("server: response already finished")

// ConfigError is an invalid Config field: Field names it, Err says why.
type ConfigError struct {
	Field string
	Err   error
}

// Error formats the field and the reason.
func (e *ConfigError) Error() string { return fmt.Sprintf("server: config %s: %v", e.Field, e.Err) }

// Unwrap returns the reason.
func (e *ConfigError) Unwrap() error { return e.Err }

// HeaderError is a response header a handler may not set or whose name or
// value is invalid; the response then fails with 500.
type HeaderError struct {
	Name   string
	Reason string
}

// Error formats the header name and the reason.
func (e *HeaderError) Error() string {
	return fmt.Sprintf("server: response header %q: %s", e.Name, e.Reason)
}

// timeoutError is the sticky error of a connection whose deadline passed.
type timeoutError struct{ kind deadlineKind }

func (e *timeoutError) Error() string { return "server: " + e.kind.String() + " timeout" }
