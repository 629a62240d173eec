package main

import (
	"bytes"
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

// watchReloads calls reload with what triggered it on every SIGHUP and,
// when signalFile is set, whenever that file's content differs from what
// the previous read saw (a file that is missing or unreadable is skipped
// until it can be read again; its content when watching starts is the
// baseline). Reloads run one at a time on one goroutine. stop ends the
// watch and waits for a reload in progress.
func watchReloads(signalFile string, reload func(trigger string), stderr io.Writer) (stop func()) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
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
			case <-hup:
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
		signal.Stop(hup)
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
