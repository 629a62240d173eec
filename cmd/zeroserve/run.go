package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/zeroserve/zeroserve/internal/caddyconf"
	"github.com/zeroserve/zeroserve/internal/certs"
	"github.com/zeroserve/zeroserve/internal/compile"
	"github.com/zeroserve/zeroserve/internal/script"
	"github.com/zeroserve/zeroserve/internal/server"
)

// The run command is Caddy's `caddy run --config FILE`: the config is
// adapted, automatic HTTPS is applied to it as Caddy does, each of its
// servers is compiled to eBPF and served on every address it names (HTTP
// or HTTPS, with certificates from internal/certs). The original's
// `zeroserve --caddy FILE` (the script command's --caddy flag) serves one
// compiled server on --addr instead.
func init() {
	register(&command{
		name:  "run",
		usage: "run --config FILE [--adapter caddyfile|json] [--server NAME] [--reload-signal-file F] [--plugin A.c,B.o] [--jit auto|on|off] [--fuel N] [--threads N] [--io auto|uring|epoll] [--grace DUR] [--disable-request-logging=false]",
		short: "Serve a Caddyfile (or Caddy JSON) on the addresses it names, compiled to eBPF.",
		run:   runRun,
	})
	flagAliases["--caddy"] = flagAlias{command: "script", prefix: []string{"--caddy"}}
}

// caddyFlags select the Caddy config a serving command compiles.
type caddyFlags struct {
	config, adapter, server string
}

func (f *caddyFlags) register(fs *flag.FlagSet, configFlag string) {
	fs.StringVar(&f.config, configFlag, "", "the Caddyfile or Caddy JSON config to compile and serve")
	fs.StringVar(&f.adapter, "adapter", "", "caddyfile or json (default: from the file)")
	fs.StringVar(&f.server, "server", "", "the server of apps.http.servers to serve (needed when there are several)")
}

// load compiles the config and loads it as the script "caddy".
func (f *caddyFlags) load(sc *scriptFlags, stderr io.Writer) (*script.Script, error) {
	elf, err := compileConfig(f.config, f.adapter, f.server, stderr)
	if err != nil {
		return nil, err
	}
	h, err := script.NewHelpers()
	if err != nil {
		return nil, err
	}
	opts, err := sc.options()
	if err != nil {
		return nil, err
	}
	return script.LoadObject("caddy", elf, h, opts)
}

func runRun(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf serveFlags
	var scf scriptFlags
	var cf caddyFlags
	sf.register(fs)
	// As `caddy run`: no line per request unless the config has `log`.
	noLog := fs.Lookup("disable-request-logging")
	noLog.DefValue = "true"
	noLog.Value.Set(noLog.DefValue)
	scf.register(fs)
	cf.register(fs, "config")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if cf.config == "" || fs.NArg() > 0 {
		fmt.Fprintf(stderr, "usage: zeroserve %s\n", commands["run"].usage)
		return 2
	}
	var bad error
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "addr", "tls-addr", "cert", "key", "cert-dir":
			bad = fmt.Errorf("--%s: run serves on the addresses and certificates the config names; use `zeroserve --caddy FILE --addr ...` to choose them", f.Name)
		}
	})
	if bad != nil {
		fmt.Fprintf(stderr, "zeroserve: %v\n", bad)
		return 2
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	defer signal.Stop(sigs)
	return serveConfig(&sf, &scf, &cf, stderr, sigs)
}

// serveCaddy serves the compiled config after the plugins.
func serveCaddy(sf *serveFlags, scf *scriptFlags, cf *caddyFlags, stderr io.Writer) int {
	load := func() (*script.Chain, error) { return cf.loadChain(scf, stderr) }
	chain, err := load()
	if err != nil {
		fmt.Fprintf(stderr, "zeroserve: %v\n", err)
		return 1
	}
	logLoaded(chain, stderr)
	logs, err := cf.accessLogs(stderr)
	if err != nil {
		chain.Close()
		fmt.Fprintf(stderr, "zeroserve: %v\n", err)
		return 1
	}
	defer logs.Close()
	sf.caddyLogs = logs
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	defer signal.Stop(sigs)
	return serveChain(sf, scf, chain, load, stderr, sigs)
}

// accessLogs opens the access logs of the config's server (--server's,
// or the only one); warnings go to stderr.
func (f *caddyFlags) accessLogs(stderr io.Writer) (*server.CaddyLogs, error) {
	cfg, err := parseConfig(f.config, f.adapter, io.Discard)
	if err != nil || cfg.Apps == nil || cfg.Apps.HTTP == nil {
		return nil, err
	}
	srv := cfg.Apps.HTTP.Servers[f.server]
	if f.server == "" && len(cfg.Apps.HTTP.Servers) == 1 {
		for _, s := range cfg.Apps.HTTP.Servers {
			srv = s
		}
	}
	logs, warnings, err := server.NewCaddyLogs(cfg, srv)
	for _, w := range warnings {
		fmt.Fprintf(stderr, "zeroserve: warning: %s\n", w)
	}
	return logs, err
}

// loadChain loads the plugins and then the compiled config into a chain.
func (f *caddyFlags) loadChain(scf *scriptFlags, stderr io.Writer) (*script.Chain, error) {
	site, err := f.load(scf, stderr)
	if err != nil {
		return nil, err
	}
	plugins, err := scf.load()
	if err != nil {
		site.Program().Close()
		return nil, err
	}
	chain := script.NewChain(append(plugins.Scripts(), site)...)
	if err := checkPluginCalls(f, chain); err != nil {
		chain.Close()
		return nil, err
	}
	return chain, nil
}

// site is one server of the config, compiled and listening.
type site struct {
	name    string
	rl      *server.Reloadable // the compiled routes, swapped by reloads
	servers []*server.Server
	logs    *server.CaddyLogs // the server's access logs, nil without
}

// serveConfig serves every server of the config (only --server's, when
// given) until a signal arrives on sigs.
func serveConfig(sf *serveFlags, scf *scriptFlags, cf *caddyFlags, stderr io.Writer, sigs <-chan os.Signal) int {
	cfg, err := parseConfig(cf.config, cf.adapter, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "zeroserve: %v\n", err)
		return 1
	}
	httpPort, httpsPort := certs.Ports(cfg)
	cm, err := certs.New(cfg, certs.Options{HTTPPort: httpPort, HTTPSPort: httpsPort, Log: stderr})
	if err != nil {
		fmt.Fprintf(stderr, "zeroserve: %v\n", err)
		return 1
	}
	defer cm.Stop()
	if err := cm.AutoHTTPS(cfg); err != nil {
		fmt.Fprintf(stderr, "zeroserve: %v\n", err)
		return 1
	}
	prog, err := caddyconf.Lower(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "zeroserve: %v\n", err)
		return 1
	}
	if n, err := server.RaiseFileLimit(); err != nil {
		fmt.Fprintf(stderr, "fd limit: %v\n", err)
	} else {
		fmt.Fprintf(stderr, "fd limit %d\n", n)
	}
	hup := catchReloads() // before listening: a SIGHUP from then on reloads
	var sites []*site
	defer func() {
		for _, s := range sites {
			for _, srv := range s.servers {
				srv.Close()
			}
			s.logs.Close()
			s.rl.Close()
		}
	}()
	cm.Preload()
	found := false
	for _, sp := range prog.Servers {
		if cf.server != "" && sp.Name != cf.server && sp.Name != certs.RedirectServer {
			continue
		}
		found = true
		s, err := startSite(sf, scf, cfg, prog, sp, cm, stderr)
		if s != nil {
			sites = append(sites, s)
		}
		if err != nil {
			fmt.Fprintf(stderr, "zeroserve: server %s: %v\n", sp.Name, err)
			return 1
		}
	}
	if !found {
		fmt.Fprintf(stderr, "zeroserve: no server %q in the config\n", cf.server)
		return 1
	}
	if err := cm.Start(); err != nil {
		fmt.Fprintf(stderr, "zeroserve: %v\n", err)
		return 1
	}
	loops := 0
	for _, s := range sites {
		loops += len(s.servers) * sf.threads
	}
	reserveProcs(loops)
	time.AfterFunc(releaseDelay, releaseStartupPages)
	defer hup.watch(scf.reload.signalFile, reloadConfig(sites, prog, scf, cf, stderr), stderr)()
	sig := <-sigs
	fmt.Fprintf(stderr, "%v: shutting down (grace %v)\n", sig, sf.grace)
	code := 0
	var wg sync.WaitGroup
	var mu sync.Mutex
	for _, s := range sites {
		for _, srv := range s.servers {
			wg.Go(func() {
				if err := srv.Shutdown(sf.grace); err != nil {
					mu.Lock()
					fmt.Fprintf(stderr, "zeroserve: %v\n", err)
					code = 1
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()
	return code
}

// startSite compiles one server of the config and starts a listener for
// each of its addresses: TLS where certs.ListenerTLS says so, plain HTTP
// (answering ACME HTTP-01 challenges before routing) elsewhere.
func startSite(sf *serveFlags, scf *scriptFlags, cfg *caddyconf.Config, prog *caddyconf.Program, sp *caddyconf.ServerProgram, cm *certs.Manager, stderr io.Writer) (*site, error) {
	chain, err := siteChain(scf, prog, sp)
	if err != nil {
		return nil, err
	}
	logLoaded(chain, stderr)
	fwd, err := newForwarder()
	if err != nil {
		chain.Close()
		return nil, err
	}
	s := &site{name: sp.Name, rl: server.NewReloadable(&server.Scripts{Chain: chain, Fuel: scf.fuel, Config: scf.config(), Forward: fwd, Log: stderr})}
	path := "apps.http.servers." + sp.Name
	logs, warnings, err := server.NewCaddyLogs(cfg, sp.Server)
	if err != nil {
		return s, err
	}
	s.logs = logs
	for _, w := range warnings {
		fmt.Fprintf(stderr, "zeroserve: warning: %s\n", w)
	}
	for i, l := range sp.Listen {
		addr, err := listenAddr(l)
		if err != nil {
			return s, fmt.Errorf("%s.listen[%d]: %w", path, i, err)
		}
		scfg, err := sf.config(s.rl, stderr)
		if err != nil {
			return s, err
		}
		scfg.Addr, scfg.TLSAddr, scfg.TLS = "", "", nil
		scfg.CaddyLogs = logs
		if certs.ListenerTLS(cfg, sp.Server, int(l.StartPort)) {
			if scfg.TLS, err = cm.ServerTLS(sp.Server, path); err != nil {
				return s, err
			}
			scfg.TLSAddr = addr
		} else {
			scfg.Addr = addr
			scfg.Handler = &acmeHTTP{Handler: s.rl, certs: cm}
		}
		srv, err := server.New(scfg)
		if err != nil {
			return s, err
		}
		if err := srv.Start(); err != nil {
			return s, err
		}
		s.servers = append(s.servers, srv)
	}
	return s, nil
}

// siteChain compiles one server of the config and loads it after the
// plugins.
func siteChain(scf *scriptFlags, prog *caddyconf.Program, sp *caddyconf.ServerProgram) (*script.Chain, error) {
	obj, err := compile.Compile(prog, compile.Options{Server: sp.Name})
	if err != nil {
		return nil, err
	}
	h, err := script.NewHelpers()
	if err != nil {
		return nil, err
	}
	opts, err := scf.options()
	if err != nil {
		return nil, err
	}
	compiled, err := script.LoadCompiled("caddy", obj, h, opts)
	if err != nil {
		return nil, err
	}
	plugins, err := scf.load()
	if err != nil {
		compiled.Program().Close()
		return nil, err
	}
	chain := script.NewChain(append(plugins.Scripts(), compiled)...)
	if err := checkCalls(prog, sp.Name, chain); err != nil {
		chain.Close()
		return nil, err
	}
	return chain, nil
}

// listenAddr turns a parsed listen address into the server's form.
func listenAddr(l caddyconf.ListenAddr) (string, error) {
	switch {
	case l.Deferred:
		return "", fmt.Errorf("%q: {env.*} placeholders in listen addresses are not supported", l.Raw)
	case l.Network == "fd":
		return "fd:" + l.Host, nil
	case l.Network != "tcp" && l.Network != "tcp4" && l.Network != "tcp6":
		return "", fmt.Errorf("%q: network %s is not supported (tcp only)", l.Raw, l.Network)
	case l.StartPort != l.EndPort:
		return "", fmt.Errorf("%q: port ranges are not supported", l.Raw)
	}
	host := l.Host
	if host == "" {
		host = "0.0.0.0"
	}
	return net.JoinHostPort(host, strconv.Itoa(int(l.StartPort))), nil
}

// acmeChallengePrefix starts the paths of ACME HTTP-01 validation requests.
var acmeChallengePrefix = []byte("/.well-known/acme-challenge/")

// acmeHTTP answers ACME HTTP-01 challenges on a plain HTTP listener before
// the routes run (Caddy does the same); every other request, and every
// handler interface of the site's handler, goes to the compiled config.
type acmeHTTP struct {
	server.Handler
	certs *certs.Manager
}

// ServeHTTP1 answers a challenge in progress or runs the config.
func (h *acmeHTTP) ServeHTTP1(w *server.ResponseWriter, r *server.Request) {
	if bytes.HasPrefix(r.Path(), acmeChallengePrefix) {
		host, _, err := net.SplitHostPort(string(r.Host()))
		if err != nil {
			host = string(r.Host())
		}
		if ka, ok := h.certs.HTTPChallenge(string(r.MethodName()), host, string(r.Path())); ok {
			w.AddHeader("Content-Type", "text/plain")
			w.WriteString(ka)
			w.CloseAfter()
			return
		}
	}
	h.Handler.ServeHTTP1(w, r)
}
