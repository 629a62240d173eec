package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/zeroserve/zeroserve/internal/caddyconf"
	"github.com/zeroserve/zeroserve/internal/compile"
	"github.com/zeroserve/zeroserve/internal/helpers"
	"github.com/zeroserve/zeroserve/internal/script"
	"github.com/zeroserve/zeroserve/internal/server"
	"github.com/zeroserve/zeroserve/internal/vm"
)

// The script command serves a standalone script, the original zeroserve's
// `zeroserve script.c`: plugins (--plugin) run first, then the script; a
// request no script answers gets 404.
func init() {
	register(&command{
		name:  "script",
		usage: "script [--plugin A.c,B.o] [--jit auto|on|off] [--fuel N] [--script-code-size-limit BYTES] [--script-env A,B] [--reload-signal-file F] " + serveUsage + " FILE.c|FILE.o | [--index NAME] [--try-html] SITE.tar | --caddy FILE",
		short: "Serve a standalone eBPF script (C, compiled with clang, or an object), or a Caddyfile compiled to eBPF (--caddy), after any --plugin scripts.",
		run:   runScript,
	})
}

// scriptFlags are the flags of the commands that load scripts.
type scriptFlags struct {
	plugins     listFlag
	jit         string
	fuel        uint64
	codeLimit   int
	env         listFlag
	rateBuckets int
	memBudget   int64
	reload      reloadFlags
}

func (f *scriptFlags) register(fs *flag.FlagSet) {
	fs.Var(&f.plugins, "plugin", "plugin scripts (.c or .o) run before the site, in order; comma-separated, repeatable")
	fs.StringVar(&f.jit, "jit", "auto", "eBPF engine: auto (the JIT where there is one), on (JIT or fail), off (interpreter)")
	fs.Uint64Var(&f.fuel, "fuel", script.DefaultFuel, "per-request fuel budget shared by all scripts (see docs/ARCHITECTURE.md, fuel)")
	fs.IntVar(&f.codeLimit, "script-code-size-limit", 0, "largest script in bytes of bytecode (default 512 KiB)")
	fs.Var(&f.env, "script-env", "environment variables zs_env_get may read (comma-separated, repeatable); others read as empty")
	fs.IntVar(&f.rateBuckets, "max-rate-limit-buckets", helpers.DefaultRateLimitBuckets, "keys zs_rate_limit tracks at most")
	fs.Int64Var(&f.memBudget, "max-request-memory", helpers.DefaultMemoryBudget, "host memory, in bytes, the scripts of one request may allocate (JSON, metadata, headers)")
	f.reload.register(fs)
}

// config returns the helpers' process-level configuration.
func (f *scriptFlags) config() *helpers.Config {
	return &helpers.Config{EnvAllow: f.env, RateLimiter: helpers.NewRateLimiter(f.rateBuckets), MemoryBudget: f.memBudget}
}

// options returns the script loading options the flags select.
func (f *scriptFlags) options() (script.Options, error) {
	mode, err := vm.ParseJITMode(f.jit)
	return script.Options{JIT: mode, CodeSizeLimit: f.codeLimit}, err
}

// load loads the plugins and then the site scripts into a chain.
func (f *scriptFlags) load(site ...string) (*script.Chain, error) {
	opts, err := f.options()
	if err != nil {
		return nil, err
	}
	h, err := script.NewHelpers()
	if err != nil {
		return nil, err
	}
	var ss []*script.Script
	for _, path := range append(append([]string{}, f.plugins...), site...) {
		s, err := script.LoadFile(path, h, opts)
		if err != nil {
			script.NewChain(ss...).Close()
			return nil, err
		}
		ss = append(ss, s)
	}
	return script.NewChain(ss...), nil
}

// listFlag is a repeatable, comma-separated flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*l = append(*l, p)
		}
	}
	return nil
}

func runScript(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("script", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf serveFlags
	var scf scriptFlags
	var cf caddyFlags
	sf.register(fs)
	scf.register(fs)
	cf.register(fs, "caddy")
	var stf siteFlags // site.go
	stf.register(fs)
	files, err := parseInterleaved(fs, args)
	if err != nil {
		return 2
	}
	if cf.config != "" {
		if len(files) != 0 {
			fmt.Fprintf(stderr, "zeroserve: --caddy serves the compiled config; also got %q\n", files)
			return 2
		}
		return serveCaddy(&sf, &scf, &cf, stderr)
	}
	if len(files) == 1 && filepath.Ext(files[0]) == ".tar" {
		if scf.reload.signalFile != "" {
			fmt.Fprintf(stderr, "zeroserve: --reload-signal-file: hot reload of a site tarball is not implemented yet\n")
			return 2
		}
		defer catchReloads().watch("", func(trigger string) {
			fmt.Fprintf(stderr, "%s: hot reload of a site tarball is not implemented yet; still serving the loaded %s\n", trigger, files[0])
		}, stderr)()
		return serveSite(&sf, &scf, &stf, files[0], stderr)
	}
	if len(files) != 1 || (filepath.Ext(files[0]) != ".c" && filepath.Ext(files[0]) != ".o") {
		fmt.Fprintf(stderr, "usage: zeroserve %s\n", commands["script"].usage)
		return 2
	}
	load := func() (*script.Chain, error) { return scf.load(files[0]) }
	chain, err := load()
	if err != nil {
		fmt.Fprintf(stderr, "zeroserve: %v\n", err)
		return 1
	}
	logLoaded(chain, stderr)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	defer signal.Stop(sigs)
	return serveChain(&sf, &scf, chain, load, stderr, sigs)
}

// logLoaded logs one line per loaded script.
func logLoaded(chain *script.Chain, stderr io.Writer) {
	for _, s := range chain.Scripts() {
		engine := "interpreter"
		if s.Program().JIT() {
			engine = "JIT"
		}
		fmt.Fprintf(stderr, "loaded script %q (%d instructions, %s)\n", s.Name, len(s.Program().Instructions()), engine)
	}
}

// serveChain serves a loaded chain, which it owns, with the script flags'
// configuration and the proxy engine for zs_reverse_proxy; SIGHUP and
// --reload-signal-file swap in the chain load returns (hot reload).
func serveChain(sf *serveFlags, scf *scriptFlags, chain *script.Chain, load func() (*script.Chain, error), stderr io.Writer, sigs <-chan os.Signal) int {
	fwd, err := newForwarder()
	if err != nil {
		chain.Close()
		fmt.Fprintf(stderr, "zeroserve: %v\n", err)
		return 1
	}
	rl := server.NewReloadable(&server.Scripts{Chain: chain, Fuel: scf.fuel, Config: scf.config(), Forward: fwd, Log: stderr})
	defer rl.Close()
	defer catchReloads().watch(scf.reload.signalFile, reloadChain(rl, load, stderr), stderr)()
	return serve(sf, rl, stderr, sigs)
}

// checkPluginCalls checks, before serving, that every zeroserve_call of
// the compiled config names a loaded script and one of its call
// functions; the error names the handler's JSON path.
func checkPluginCalls(cf *caddyFlags, chain *script.Chain) error {
	prog, err := lowerConfig(cf.config, cf.adapter, io.Discard)
	if err != nil {
		return err
	}
	return checkCalls(prog, cf.server, chain)
}

// checkCalls is checkPluginCalls for the server named server of a lowered
// config.
func checkCalls(prog *caddyconf.Program, server string, chain *script.Chain) error {
	calls, err := compile.PluginCalls(prog, compile.Options{Server: server})
	if err != nil {
		return err
	}
	for _, c := range calls {
		if err := chain.CheckCall(c.Script, c.Function); err != nil {
			return fmt.Errorf("%s: zeroserve_call %s %s: %v (load plugins with --plugin FILE.c|FILE.o; a plugin's name is its file name without .c or .o)", c.Path, c.Script, c.Function, err)
		}
	}
	return nil
}
