package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/zeroserve/zeroserve/internal/caddyconf"
	"github.com/zeroserve/zeroserve/internal/certs"
	"github.com/zeroserve/zeroserve/internal/script"
	"github.com/zeroserve/zeroserve/internal/server"
)

// reloadFlags select what triggers a hot reload besides SIGHUP (the
// original zeroserve's §5.2).
type reloadFlags struct {
	signalFile string
}

func (f *reloadFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.signalFile, "reload-signal-file", "", "reload, as on SIGHUP, when this file's content changes (read every second)")
}

// signalFilePoll is how often --reload-signal-file is read, as in the
// original.
const signalFilePoll = time.Second

// reloadWatch turns SIGHUP into reloads.
type reloadWatch struct {
	hup chan os.Signal
}

// catchReloads starts catching SIGHUP, which then no longer ends the
// process; one that arrives before watch runs is served by it.
func catchReloads() *reloadWatch {
	w := &reloadWatch{hup: make(chan os.Signal, 1)}
	signal.Notify(w.hup, syscall.SIGHUP)
	return w
}

// watch calls reload with what triggered it on every SIGHUP and, when
// signalFile is set, whenever that file's content differs from what the
// previous read saw (a file that is missing or unreadable is skipped until
// it can be read again; its content when watching starts is the
// baseline). Reloads run one at a time on one goroutine. stop ends the
// watch, and the catching of SIGHUP, and waits for a reload in progress.
func (w *reloadWatch) watch(signalFile string, reload func(trigger string), stderr io.Writer) (stop func()) {
	var tick <-chan time.Time
	var last []byte
	var ticker *time.Ticker
	if signalFile != "" {
		last, _ = readSignalFile(signalFile, stderr)
		ticker = time.NewTicker(signalFilePoll)
		tick = ticker.C
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-done:
				return
			case <-w.hup:
				reload("SIGHUP")
			case <-tick:
				b, ok := readSignalFile(signalFile, stderr)
				if ok && !bytes.Equal(b, last) {
					last = b
					reload(signalFile + " changed")
				}
			}
		}
	})
	return func() {
		signal.Stop(w.hup)
		if ticker != nil {
			ticker.Stop()
		}
		close(done)
		wg.Wait()
	}
}

// readSignalFile reads the signal file; a missing file is not reported.
func readSignalFile(path string, stderr io.Writer) ([]byte, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			fmt.Fprintf(stderr, "reload: %v\n", oneLine(err))
		}
		return nil, false
	}
	return b, true
}

// reloadChain returns the reload function of a Reloadable: it loads a new
// chain with load and swaps it in; when loading fails the running chain
// stays and one line says why.
func reloadChain(rl *server.Reloadable, load func() (*script.Chain, error), stderr io.Writer) func(trigger string) {
	return func(trigger string) {
		fmt.Fprintf(stderr, "%s: reloading plugins and site\n", trigger)
		chain, err := load()
		if err != nil {
			fmt.Fprintf(stderr, "reload failed, previous config kept: %s\n", oneLine(err))
			return
		}
		logLoaded(chain, stderr)
		fmt.Fprintf(stderr, "reloaded: generation %d serves new requests\n", rl.Swap(chain))
	}
}

// oneLine shortens an error to one line: its first line and, for compiler
// output, the first "file:line:col: error:" line after it.
func oneLine(err error) string {
	lines := strings.Split(strings.TrimSpace(err.Error()), "\n")
	s := lines[0]
	for _, l := range lines[1:] {
		if strings.Contains(l, ": error: ") {
			return s + ": " + strings.TrimSpace(l)
		}
	}
	return s
}

// reloadConfig returns the reload function of `run --config`: the config
// is parsed, given automatic HTTPS (by a certificate manager of its own,
// which also checks the tls app; the running one is left alone), lowered
// and compiled again, and each running server's routes are swapped for
// its new ones, all servers or none. Listeners and TLS stay as they
// started: a change to them is logged as needing a restart, and the
// server's routes are reloaded still.
func reloadConfig(sites []*site, running *caddyconf.Program, scf *scriptFlags, cf *caddyFlags, stderr io.Writer) func(trigger string) {
	return func(trigger string) {
		fmt.Fprintf(stderr, "%s: reloading plugins and config %s\n", trigger, cf.config)
		prog, err := lowerForReload(cf, stderr)
		chains := make([]*script.Chain, len(sites))
		for i, s := range sites {
			if err != nil {
				break
			}
			sp := serverNamed(prog, s.name)
			if sp == nil {
				fmt.Fprintf(stderr, "reload: server %s is no longer in the config; it keeps its routes until a restart\n", s.name)
				continue
			}
			if !sameListeners(serverNamed(running, s.name), sp) {
				fmt.Fprintf(stderr, "reload: server %s: listener or TLS connection policy changes need a restart; reloading its routes only\n", s.name)
			}
			chains[i], err = siteChain(scf, prog, sp)
			if err != nil {
				err = fmt.Errorf("server %s: %w", s.name, err)
			}
		}
		if err != nil {
			for _, c := range chains {
				if c != nil {
					c.Close()
				}
			}
			fmt.Fprintf(stderr, "reload failed, previous config kept: %s\n", oneLine(err))
			return
		}
		if !jsonEqual(tlsApp(running), tlsApp(prog)) {
			fmt.Fprintf(stderr, "reload: tls app changes need a restart\n")
		}
		for _, sp := range prog.Servers {
			if serverNamed(running, sp.Name) == nil && (cf.server == "" || sp.Name == cf.server) {
				fmt.Fprintf(stderr, "reload: server %s is new; it needs a restart to listen\n", sp.Name)
			}
		}
		for i, s := range sites {
			if chains[i] != nil {
				logLoaded(chains[i], stderr)
				fmt.Fprintf(stderr, "reloaded server %s: generation %d serves new requests\n", s.name, s.rl.Swap(chains[i]))
			}
		}
		running = prog
	}
}

// lowerForReload parses the config, applies automatic HTTPS with a
// certificate manager made (and stopped) for the purpose, and lowers it.
func lowerForReload(cf *caddyFlags, stderr io.Writer) (*caddyconf.Program, error) {
	cfg, err := parseConfig(cf.config, cf.adapter, stderr)
	if err != nil {
		return nil, err
	}
	httpPort, httpsPort := certs.Ports(cfg)
	cm, err := certs.New(cfg, certs.Options{HTTPPort: httpPort, HTTPSPort: httpsPort})
	if err != nil {
		return nil, err
	}
	defer cm.Stop()
	if err := cm.AutoHTTPS(cfg); err != nil {
		return nil, err
	}
	return caddyconf.Lower(cfg)
}

// serverNamed returns the server of prog named name, or nil.
func serverNamed(prog *caddyconf.Program, name string) *caddyconf.ServerProgram {
	for _, sp := range prog.Servers {
		if sp.Name == name {
			return sp
		}
	}
	return nil
}

// sameListeners reports whether a and b listen on the same addresses
// with the same TLS connection policies.
func sameListeners(a, b *caddyconf.ServerProgram) bool {
	if a == nil || b == nil || len(a.Listen) != len(b.Listen) {
		return false
	}
	for i := range a.Listen {
		if a.Listen[i].Raw != b.Listen[i].Raw {
			return false
		}
	}
	return jsonEqual(a.Server.TLSConnectionPolicies, b.Server.TLSConnectionPolicies)
}

// tlsApp returns the config's tls app, or nil.
func tlsApp(prog *caddyconf.Program) *caddyconf.TLSApp {
	if prog.Config == nil || prog.Config.Apps == nil {
		return nil
	}
	return prog.Config.Apps.TLS
}

// jsonEqual compares two config values by their JSON.
func jsonEqual(a, b any) bool {
	ja, erra := json.Marshal(a)
	jb, errb := json.Marshal(b)
	return erra == nil && errb == nil && bytes.Equal(ja, jb)
}
