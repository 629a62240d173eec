package server

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/zeroserve/zeroserve/internal/http1"
	"github.com/zeroserve/zeroserve/internal/loop"
)

// Server runs the workers. Create it with New, then Start; stop it with
// Shutdown (graceful) or Close.
type Server struct {
	cfg     Config
	workers []*worker
	addr    netip.AddrPort // bound plain HTTP address (after Start)
	tlsAddr netip.AddrPort // bound HTTPS address (after Start)
	logs    *logWriter     // nil without an access log

	done     chan error // Run results, one per worker
	started  bool       // Start succeeded: the loops run
	stopOnce sync.Once
	waitOnce sync.Once
	waitErr  error
}

// New checks cfg and creates the workers' loops. Nothing listens before
// Start.
func New(cfg Config) (*Server, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, done: make(chan error, cfg.Threads)}
	if cfg.AccessLog != nil {
		s.logs = newLogWriter(cfg.AccessLog, cfg.Threads)
	}
	for i := range cfg.Threads {
		lp, err := loop.New(loop.Options{Backend: cfg.Backend})
		if err != nil {
			s.free()
			return nil, fmt.Errorf("server: worker %d: %w", i, err)
		}
		if i == 0 && lp.FallbackReason() != nil {
			s.logf("io_uring unavailable, using epoll: %v", lp.FallbackReason())
		}
		w := &worker{id: i, srv: s, lp: lp, drained: make(chan struct{}), hsSem: make(chan struct{}, cfg.MaxHandshakes)}
		w.log.init(s.logs, i)
		s.workers = append(s.workers, w)
	}
	return s, nil
}

// free releases loops that never ran.
func (s *Server) free() {
	for _, w := range s.workers {
		w.lp.Free()
	}
	s.workers = nil
	if s.logs != nil {
		s.logs.close()
	}
}

// Backend returns the backend the workers run on.
func (s *Server) Backend() loop.Backend { return s.workers[0].lp.Backend() }

// Start binds the listeners of every worker, logs the "listening on" lines
// and runs the loops. On error nothing is left running.
func (s *Server) Start() error {
	if err := s.listenAll(s.cfg.Addr, false, &s.addr); err != nil {
		s.free()
		return err
	}
	if err := s.listenAll(s.cfg.TLSAddr, true, &s.tlsAddr); err != nil {
		s.free()
		return err
	}
	if s.cfg.Addr != "" {
		s.logf("listening on http://%v (%d worker thread(s))", s.addr, len(s.workers))
	}
	if s.cfg.TLSAddr != "" {
		s.logf("listening on https://%v", s.tlsAddr)
	}
	s.started = true
	for _, w := range s.workers {
		go func() {
			err := w.lp.Run()
			w.log.flush()
			s.done <- err
		}()
	}
	return nil
}

// listenAll opens addr on every worker. With port 0 the first worker's
// port is reused by the others (SO_REUSEPORT); with "fd:N" the others get
// duplicates of the inherited socket.
func (s *Server) listenAll(addr string, tls bool, bound *netip.AddrPort) error {
	if addr == "" {
		return nil
	}
	for i, w := range s.workers {
		a := addr
		if i > 0 {
			if n, ok := strings.CutPrefix(addr, "fd:"); ok {
				fd, err := strconv.Atoi(n)
				if err != nil {
					return &ConfigError{"Addr", fmt.Errorf("bad descriptor %q", addr)}
				}
				nfd, err := unix.Dup(fd)
				if err != nil {
					return fmt.Errorf("server: dup %s: %w", addr, err)
				}
				a = "fd:" + strconv.Itoa(nfd)
			} else {
				host, _, err := net.SplitHostPort(addr)
				if err != nil {
					return &ConfigError{"Addr", err}
				}
				a = net.JoinHostPort(host, strconv.Itoa(int(bound.Port())))
			}
		}
		ln, err := w.lp.Listen(a, 0, w.accept(tls))
		if err != nil {
			return fmt.Errorf("server: worker %d: %w", i, err)
		}
		w.lns = append(w.lns, ln)
		if i == 0 {
			if *bound, err = w.lp.ListenerAddr(ln); err != nil {
				return fmt.Errorf("server: %s: %w", addr, err)
			}
		}
	}
	return nil
}

// Addr returns the bound plain HTTP address (valid after Start).
func (s *Server) Addr() netip.AddrPort { return s.addr }

// TLSAddr returns the bound HTTPS address (valid after Start).
func (s *Server) TLSAddr() netip.AddrPort { return s.tlsAddr }

// Shutdown stops accepting, lets requests in progress finish for up to
// grace, then closes every connection and waits for the workers to end.
// Call it (or Close) once, from one goroutine.
func (s *Server) Shutdown(grace time.Duration) error {
	if !s.started {
		return s.Close()
	}
	for _, w := range s.workers {
		w.lp.Post(w.drain)
	}
	deadline := time.NewTimer(grace)
	defer deadline.Stop()
	for _, w := range s.workers {
		select {
		case <-w.drained:
		case <-deadline.C:
			return s.Close()
		}
	}
	return s.Close()
}

// Close stops every worker at once (connections are closed) and waits for
// them to end.
func (s *Server) Close() error {
	if !s.started {
		s.free()
		return nil
	}
	s.stopOnce.Do(func() {
		for _, w := range s.workers {
			w.lp.Stop()
		}
	})
	return s.Wait()
}

// Wait waits for every worker to end (after Shutdown or Close) and returns
// the first loop error.
func (s *Server) Wait() error {
	s.waitOnce.Do(func() {
		var errs []error
		for range s.workers {
			if err := <-s.done; err != nil {
				errs = append(errs, err)
			}
		}
		if s.logs != nil {
			s.logs.close()
		}
		s.waitErr = errors.Join(errs...)
	})
	return s.waitErr
}

// logf writes one line to Config.Log. It is for startup and rare errors:
// it may block, so the request path never calls it.
func (s *Server) logf(format string, args ...any) {
	fmt.Fprintf(s.cfg.Log, format+"\n", args...)
}

// hostAllowed applies Config.ValidateHostnames to a request's host.
func (s *Server) hostAllowed(host []byte) bool {
	if len(s.cfg.ValidateHostnames) == 0 {
		return true
	}
	name, _ := http1.SplitHostPort(host)
	for _, h := range s.cfg.ValidateHostnames {
		if asciiEqualFold(string(name), h) {
			return true
		}
	}
	return false
}
