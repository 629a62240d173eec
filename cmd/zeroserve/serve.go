package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/zeroserve/zeroserve/internal/loop"
	"github.com/zeroserve/zeroserve/internal/server"
)

// The serve-static command: the server engine with a fixed response, for
// benchmarks and checks of the engine alone (no scripts).
func init() {
	register(&command{
		name:  "serve-static",
		usage: "serve-static [--respond TEXT] [--status N] " + serveUsage,
		short: "Serve one fixed response on the server engine (benchmarks, engine checks).",
		run:   runServeStatic,
	})
}

const serveUsage = "[--addr ADDR] [--tls-addr ADDR --cert F --key F | --cert-dir DIR] " +
	"[--threads N] [--io auto|uring|epoll] [--grace DUR] [--disable-request-logging] [--validate-hostnames a,b]"

// serveFlags are the engine flags shared by the serving commands.
type serveFlags struct {
	addr, tlsAddr         string
	cert, key, certDir    string
	threads               int
	io                    string
	grace                 time.Duration
	disableRequestLogging bool
	caddyLogs             *server.CaddyLogs // a Caddy config's access logs (--caddy)
	validateHostnames     string
	readHeaderTimeout     time.Duration
	idleTimeout           time.Duration
	maxBodyBytes          int64
	maxStreamedBodyBytes  int64
}

func (f *serveFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.addr, "addr", "0.0.0.0:8080", "HTTP listen address (ip:port, port 0 for any, or fd:N)")
	fs.StringVar(&f.tlsAddr, "tls-addr", "", "HTTPS listen address (ip:port or fd:N)")
	fs.StringVar(&f.cert, "cert", "", "PEM certificate chain for HTTPS")
	fs.StringVar(&f.key, "key", "", "PEM private key for --cert")
	fs.StringVar(&f.certDir, "cert-dir", "", "directory of NAME.crt/NAME.key pairs selected by SNI (see server.LoadCertDir)")
	fs.IntVar(&f.threads, "threads", 0, "worker threads (default: available cores)")
	fs.StringVar(&f.io, "io", "auto", "I/O backend: auto, uring or epoll")
	fs.DurationVar(&f.grace, "grace", 10*time.Second, "on SIGTERM/SIGINT, how long requests in flight may finish")
	fs.BoolVar(&f.disableRequestLogging, "disable-request-logging", false, "no access log line per request")
	fs.StringVar(&f.validateHostnames, "validate-hostnames", "", "comma-separated host names; others get 421")
	fs.DurationVar(&f.readHeaderTimeout, "read-header-timeout", 10*time.Second, "time allowed for a request head")
	fs.DurationVar(&f.idleTimeout, "idle-timeout", 60*time.Second, "keep-alive idle timeout")
	fs.Int64Var(&f.maxBodyBytes, "max-body-bytes", server.DefaultMaxBodyBytes, "limit of a request body held in memory for the scripts (bodies streamed to a proxy upstream: --max-streamed-body-bytes)")
	fs.Int64Var(&f.maxStreamedBodyBytes, "max-streamed-body-bytes", 0, "limit of a request body streamed to a proxy upstream (chunked or over 64 KiB); 0: no limit, as Caddy")
}

// config turns the flags into a server.Config for handler h.
func (f *serveFlags) config(h server.Handler, stderr io.Writer) (server.Config, error) {
	if f.threads == 0 {
		// Resolved once: reserveProcs raises GOMAXPROCS once servers run.
		f.threads = runtime.GOMAXPROCS(0)
	}
	cfg := server.Config{
		Addr: f.addr, TLSAddr: f.tlsAddr, Threads: f.threads, Handler: h, Log: stderr,
		ReadHeaderTimeout: f.readHeaderTimeout, IdleTimeout: f.idleTimeout,
	}
	cfg.Limits.MaxBodyBytes = f.maxBodyBytes
	cfg.MaxStreamedBodyBytes = f.maxStreamedBodyBytes
	b, err := loop.ParseBackend(f.io)
	if err != nil {
		return cfg, err
	}
	cfg.Backend = b
	cfg.CaddyLogs = f.caddyLogs
	if !f.disableRequestLogging {
		cfg.AccessLog = stderr
	}
	if f.validateHostnames != "" {
		cfg.ValidateHostnames = strings.Split(f.validateHostnames, ",")
	}
	var certs *server.Certificates
	switch {
	case f.certDir != "" && (f.cert != "" || f.key != ""):
		return cfg, errors.New("--cert-dir and --cert/--key exclude each other")
	case f.certDir != "":
		certs, err = server.LoadCertDir(f.certDir)
	case f.cert != "" || f.key != "":
		if f.cert == "" || f.key == "" {
			return cfg, errors.New("--cert and --key go together")
		}
		certs, err = server.LoadKeyPair(f.cert, f.key)
	}
	if err != nil {
		return cfg, err
	}
	if certs != nil {
		if f.tlsAddr == "" {
			return cfg, errors.New("certificates given without --tls-addr")
		}
		cfg.TLS = certs.TLSConfig()
	} else if f.tlsAddr != "" {
		return cfg, errors.New("--tls-addr needs --cert and --key, or --cert-dir")
	}
	return cfg, nil
}

func runServeStatic(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve-static", flag.ContinueOnError)
	fs.SetOutput(stderr)
	respond := fs.String("respond", "", "response body")
	status := fs.Int("status", 200, "response status")
	var sf serveFlags
	sf.register(fs)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "usage: zeroserve serve-static [--respond TEXT] [--status N] %s\n", serveUsage)
		return 2
	}
	h, err := server.NewStatic(*status, *respond)
	if err != nil {
		fmt.Fprintf(stderr, "zeroserve: %v\n", err)
		return 2
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	defer signal.Stop(sigs)
	return serve(&sf, h, stderr, sigs)
}

// serve runs the server until a signal arrives on sigs, then shuts down
// gracefully.
func serve(sf *serveFlags, h server.Handler, stderr io.Writer, sigs <-chan os.Signal) int {
	cfg, err := sf.config(h, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "zeroserve: %v\n", err)
		return 2
	}
	if n, err := server.RaiseFileLimit(); err != nil {
		fmt.Fprintf(stderr, "fd limit: %v\n", err)
	} else {
		fmt.Fprintf(stderr, "fd limit %d\n", n)
	}
	srv, err := server.New(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "zeroserve: %v\n", err)
		return 1
	}
	if err := srv.Start(); err != nil {
		fmt.Fprintf(stderr, "zeroserve: %v\n", err)
		return 1
	}
	reserveProcs(cfg.Threads)
	time.AfterFunc(releaseDelay, releaseStartupPages)
	sig := <-sigs
	fmt.Fprintf(stderr, "%v: shutting down (grace %v)\n", sig, sf.grace)
	if err := srv.Shutdown(sf.grace); err != nil {
		fmt.Fprintf(stderr, "zeroserve: %v\n", err)
		return 1
	}
	return 0
}
