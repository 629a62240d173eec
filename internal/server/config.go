package server

import (
	"crypto/tls"
	"errors"
	"io"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/zeroserve/zeroserve/internal/http1"
	"github.com/zeroserve/zeroserve/internal/loop"
)

// Config configures a Server. Zero fields take the defaults documented on
// each field.
type Config struct {
	// Addr is the plain HTTP listen address, "host:port" (port 0 picks a
	// free port shared by all workers) or "fd:N" (an inherited listening
	// socket). Empty disables plain HTTP unless TLSAddr is empty too, in
	// which case it defaults to "0.0.0.0:8080".
	Addr string
	// TLSAddr is the HTTPS listen address, same forms as Addr; empty means
	// no HTTPS listener. It needs TLS.
	TLSAddr string
	// TLS is the certificate configuration for TLSAddr (Certificates or
	// GetCertificate). The server sets MinVersion TLS 1.2 when unset and
	// NextProtos to http/1.1.
	TLS *tls.Config
	// Threads is the number of workers, each with its own loop and
	// listeners. Default runtime.GOMAXPROCS(0).
	Threads int
	// Backend selects io_uring, epoll or Auto (io_uring with fallback).
	Backend loop.Backend
	// Handler answers requests. Required.
	Handler Handler
	// Limits bounds request heads and bodies (http1 defaults for zero
	// fields, except MaxBodyBytes, which defaults to DefaultMaxBodyBytes
	// because bodies are buffered).
	Limits http1.Limits
	// MaxStreamedBodyBytes bounds a request body streamed to a handler
	// (BodyStreamer: the reverse proxy), which is never held in memory
	// whole. Zero means no limit, as Caddy; Limits.MaxBodyBytes bounds
	// buffered bodies only.
	MaxStreamedBodyBytes int64

	// ReadHeaderTimeout bounds the time from a request's first byte to the
	// end of its head (slowloris). Default 10s.
	ReadHeaderTimeout time.Duration
	// IdleTimeout bounds the wait for the next request on a keep-alive
	// connection. Default 60s.
	IdleTimeout time.Duration
	// BodyTimeout bounds the wait for more request body bytes. Default 30s.
	BodyTimeout time.Duration
	// WriteTimeout bounds the wait for queued response bytes to be taken by
	// the kernel (a client that stops reading). Default 30s.
	WriteTimeout time.Duration
	// HandshakeTimeout bounds a TLS handshake, including the wait for a
	// handshake slot. Default 10s.
	HandshakeTimeout time.Duration
	// MaxHandshakes bounds the TLS handshakes running at once per worker.
	// Default 64.
	MaxHandshakes int

	// ValidateHostnames, when non-empty, lists the host names requests may
	// name (Host or the absolute-form authority, port stripped, compared
	// case-insensitively); others get 421 Misdirected Request.
	ValidateHostnames []string
	// Log receives startup and error lines. Default io.Discard.
	Log io.Writer
	// AccessLog receives one line per request; nil disables it.
	AccessLog io.Writer
	// CaddyLogs, when set, logs requests as a Caddy config says
	// (accesslog_caddy.go) instead of AccessLog's lines.
	CaddyLogs *CaddyLogs
}

// DefaultMaxBodyBytes is the request body limit when Limits.MaxBodyBytes is
// zero: bodies are buffered in memory before the handler runs.
const DefaultMaxBodyBytes = 1 << 20

const (
	defaultAddr              = "0.0.0.0:8080"
	defaultReadHeaderTimeout = 10 * time.Second
	defaultIdleTimeout       = 60 * time.Second
	defaultBodyTimeout       = 30 * time.Second
	defaultWriteTimeout      = 30 * time.Second
	defaultHandshakeTimeout  = 10 * time.Second
	defaultMaxHandshakes     = 64
)

// withDefaults checks c and returns a copy with defaults filled in.
func (c Config) withDefaults() (Config, error) {
	if c.Handler == nil {
		return c, &ConfigError{"Handler", errors.New("required")}
	}
	if c.Addr == "" && c.TLSAddr == "" {
		c.Addr = defaultAddr
	}
	if c.TLSAddr != "" && c.TLS == nil {
		return c, &ConfigError{"TLS", errors.New("required with TLSAddr")}
	}
	if c.Threads < 0 {
		return c, &ConfigError{"Threads", errors.New("negative")}
	}
	if c.Threads == 0 {
		c.Threads = runtime.GOMAXPROCS(0)
	}
	if c.Limits.MaxBodyBytes == 0 {
		c.Limits.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.Limits.MaxBodyBytes < 0 {
		return c, &ConfigError{"Limits.MaxBodyBytes", errors.New("bodies are buffered: a limit is required")}
	}
	if c.MaxStreamedBodyBytes < 0 {
		return c, &ConfigError{"MaxStreamedBodyBytes", errors.New("negative (0 means no limit)")}
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.ReadHeaderTimeout, defaultReadHeaderTimeout)
	def(&c.IdleTimeout, defaultIdleTimeout)
	def(&c.BodyTimeout, defaultBodyTimeout)
	def(&c.WriteTimeout, defaultWriteTimeout)
	def(&c.HandshakeTimeout, defaultHandshakeTimeout)
	if c.MaxHandshakes <= 0 {
		c.MaxHandshakes = defaultMaxHandshakes
	}
	c.ValidateHostnames = slices.Clone(c.ValidateHostnames)
	for i, h := range c.ValidateHostnames {
		h = strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(h, "["), "]"))
		if h == "" {
			return c, &ConfigError{"ValidateHostnames", errors.New("empty name")}
		}
		c.ValidateHostnames[i] = h
	}
	if c.Log == nil {
		c.Log = io.Discard
	}
	if c.TLS != nil {
		t := c.TLS.Clone()
		if t.MinVersion == 0 {
			t.MinVersion = tls.VersionTLS12
		}
		t.NextProtos = []string{"http/1.1"}
		c.TLS = t
	}
	return c, nil
}

// parserLimits are the limits the request parser applies to every head:
// with a handler that may stream bodies, a Content-Length over the
// buffered limit is judged later, once the handler has said whether it
// streams this body (bodyLimits).
func (c *Config) parserLimits() http1.Limits {
	l := c.Limits
	if _, ok := c.Handler.(BodyStreamer); ok {
		l.MaxBodyBytes = c.streamedLimit()
		if l.MaxBodyBytes >= 0 && l.MaxBodyBytes < c.Limits.MaxBodyBytes {
			l.MaxBodyBytes = c.Limits.MaxBodyBytes
		}
	}
	return l
}

// bodyLimits are the limits of a body's decoder: the streamed limit for a
// streamed body, else the buffered one.
func (c *Config) bodyLimits(streamed bool) http1.Limits {
	l := c.Limits
	if streamed {
		l.MaxBodyBytes = c.streamedLimit()
	}
	return l
}

// streamedLimit is MaxStreamedBodyBytes as http1 spells it (-1: none).
func (c *Config) streamedLimit() int64 {
	if c.MaxStreamedBodyBytes == 0 {
		return -1
	}
	return c.MaxStreamedBodyBytes
}
