package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/zeroserve/zeroserve/internal/caddyconf"
	"github.com/zeroserve/zeroserve/internal/script"
)

// The run command is Caddy's `caddy run --config FILE`: the config is
// adapted, compiled to eBPF and served on the addresses it names. The
// original's `zeroserve --caddy FILE` (the script command's --caddy flag)
// serves the same compiled config on --addr instead.
func init() {
	register(&command{
		name:  "run",
		usage: "run --config FILE [--adapter caddyfile|json] [--server NAME] [--plugin A.c,B.o] [--jit auto|on|off] [--fuel N] [--threads N] [--io auto|uring|epoll] [--grace DUR] [--disable-request-logging]",
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
	addr, err := configAddr(cf, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "zeroserve: %v\n", err)
		return 1
	}
	sf.addr = addr
	return serveCaddy(&sf, &scf, &cf, stderr)
}

// serveCaddy serves the compiled config after the plugins.
func serveCaddy(sf *serveFlags, scf *scriptFlags, cf *caddyFlags, stderr io.Writer) int {
	site, err := cf.load(scf, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "zeroserve: %v\n", err)
		return 1
	}
	chain, err := scf.load()
	if err != nil {
		site.Program().Close()
		fmt.Fprintf(stderr, "zeroserve: %v\n", err)
		return 1
	}
	chain = script.NewChain(append(chain.Scripts(), site)...)
	defer chain.Close()
	if err := checkPluginCalls(cf, chain); err != nil {
		fmt.Fprintf(stderr, "zeroserve: %v\n", err)
		return 1
	}
	logLoaded(chain, stderr)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	defer signal.Stop(sigs)
	return serveChain(sf, scf, chain, stderr, sigs)
}

// configAddr returns the plain-HTTP listen address of the server the
// config serves. Configs zeroserve cannot serve yet from their own
// addresses (HTTPS, several listeners, unix sockets, port ranges) are
// errors that say so.
func configAddr(cf caddyFlags, stderr io.Writer) (string, error) {
	prog, err := lowerConfig(cf.config, cf.adapter, io.Discard)
	if err != nil {
		return "", err
	}
	var sp *caddyconf.ServerProgram
	for _, s := range prog.Servers {
		if cf.server == "" && len(prog.Servers) == 1 || s.Name == cf.server {
			sp = s
		}
	}
	switch {
	case sp == nil && cf.server != "":
		return "", fmt.Errorf("no server %q in the config", cf.server)
	case sp == nil:
		return "", errors.New("the config has several servers: choose one with --server")
	case len(sp.Listen) != 1:
		return "", fmt.Errorf("server %q listens on %d addresses; zeroserve serves exactly one so far", sp.Name, len(sp.Listen))
	}
	if c := prog.Config; c != nil && c.Apps.TLS != nil {
		return "", fmt.Errorf("the config has a tls app (HTTPS): automatic HTTPS and certificate loading from the config are not implemented yet; use `zeroserve --caddy FILE --tls-addr ... --cert ... --key ...`")
	}
	l := sp.Listen[0]
	if l.Deferred || l.Network != "tcp" && l.Network != "tcp4" && l.Network != "tcp6" || l.StartPort != l.EndPort {
		return "", fmt.Errorf("server %q: listen address %q: only one tcp host:port is supported", sp.Name, l.Raw)
	}
	host := l.Host
	if host == "" {
		host = "0.0.0.0"
	}
	return net.JoinHostPort(host, strconv.Itoa(int(l.StartPort))), nil
}
