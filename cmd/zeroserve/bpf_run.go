package main

import (
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/zeroserve/zeroserve/internal/bpf"
	"github.com/zeroserve/zeroserve/internal/bpf/corpus"
	"github.com/zeroserve/zeroserve/internal/helpers"
	"github.com/zeroserve/zeroserve/internal/script"
	"github.com/zeroserve/zeroserve/internal/vm"
)

// defaultFuel is the instruction budget of one `bpf run` or conformance
// run: far above what any corpus test needs, small enough that an infinite
// loop traps within a second or so.
const defaultFuel = 1 << 24

// bpfRun implements `zeroserve bpf run FILE.o|FILE.data`: it loads the
// program (an ELF object, or a corpus test file), runs one entrypoint and
// prints r0; with --repeat N it runs N times and prints the time per run.
// A .data file runs as the corpora assume (testdata/README.md §3): r1 points
// to a writable copy of its mem (or --mem) and r2 is the length. An object
// gets --mem as its calldata, which zeroserve's ABI makes read-only. Programs
// are linked against the conformance helpers (README §4), by number for
// .data files and by name for objects.
func bpfRun(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bpf run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	section := fs.String("section", "", "code section to run (default: zeroserve.request, else the only entrypoint)")
	memHex := fs.String("mem", "", "input memory as hex bytes (spaces allowed); default: the .data file's mem section")
	jit := jitFlag(fs)
	repeat := fs.Int("repeat", 0, "run N times and print nanoseconds per run")
	fuel := fs.Uint64("fuel", defaultFuel, "instruction budget per run")
	files, err := parseInterleaved(fs, args)
	if err != nil {
		return 2
	}
	if len(files) != 1 || *repeat < 0 {
		fmt.Fprintln(stderr, "usage: zeroserve bpf run FILE.o|FILE.data [--section S] [--mem HEX] [--jit=on|off|auto] [--repeat N] [--fuel N]")
		return 2
	}
	var mem []byte
	if *memHex != "" {
		mem, err = hex.DecodeString(strings.Join(strings.Fields(*memHex), ""))
		if err != nil {
			fmt.Fprintf(stderr, "zeroserve bpf run: --mem: %v\n", err)
			return 2
		}
	}
	prog, entry, calldata, err := loadRunnable(files[0], *section, *jit, mem)
	if err != nil {
		fmt.Fprintf(stderr, "zeroserve bpf run: %v\n", err)
		return 1
	}
	defer prog.Close()
	ctx, err := prog.NewContext()
	if err != nil {
		fmt.Fprintf(stderr, "zeroserve bpf run: %v\n", err)
		return 1
	}
	defer ctx.Close()
	// Request helpers see a sample request: GET / over HTTP/1.1.
	ex := &helpers.Exchange{Meta: map[string]string{}, Log: func(script, line string) {
		fmt.Fprintf(stderr, "[log] %s: %s\n", script, line)
	}}
	ex.Req = helpers.Request{Method: "GET", Path: "/", Scheme: "http", ProtoMajor: 1, ProtoMinor: 1, Peer: "127.0.0.1:1"}
	ctx.User = &helpers.Call{Ex: ex, Script: script.Name(files[0])}
	r0, err := ctx.Run(entry, calldata, *fuel)
	ctx.User.(*helpers.Call).FlushLog()
	if err != nil {
		fmt.Fprintf(stderr, "zeroserve bpf run: %s: %v\n", prog.Entries()[entry].Name, err)
		return 1
	}
	fmt.Fprintf(stdout, "r0 = %#x (%d)\n", r0, int64(r0))
	switch ex.Action {
	case helpers.ActionRespond:
		fmt.Fprintf(stdout, "response: %d %q\n", ex.Response.Status, ex.Response.Body)
	case helpers.ActionAbort:
		fmt.Fprintln(stdout, "response: aborted")
	}
	if *repeat > 0 {
		start := time.Now()
		for range *repeat {
			if _, err := ctx.Run(entry, calldata, *fuel); err != nil {
				fmt.Fprintf(stderr, "zeroserve bpf run: %v\n", err)
				return 1
			}
		}
		elapsed := time.Since(start)
		fmt.Fprintf(stdout, "%d runs: %.1f ns/run\n", *repeat, float64(elapsed.Nanoseconds())/float64(*repeat))
	}
	return 0
}

// loadRunnable loads a .data corpus file or an ELF object with the
// conformance helpers, picks the entry to run, and returns the calldata to
// run it with. mem, if not nil, replaces a .data file's mem section, or is
// an object's calldata.
func loadRunnable(path, section string, mode vm.JITMode, mem []byte) (*vm.Program, int, []byte, error) {
	opts, err := conformanceOptions(mode, !strings.HasSuffix(path, ".data"))
	if err != nil {
		return nil, 0, nil, err
	}
	if strings.HasSuffix(path, ".data") {
		if section != "" {
			return nil, 0, nil, errors.New("--section applies to ELF objects, not .data files")
		}
		tc, err := corpus.ParseFile(path)
		if err != nil {
			return nil, 0, nil, err
		}
		if tc.Program == nil {
			return nil, 0, nil, fmt.Errorf("%s: no program: %v", path, tc.AssembleErr)
		}
		if mem == nil {
			mem = tc.Mem
		}
		prog, err := vm.Load(vm.ConformanceObject(tc.Program, mem), opts)
		return prog, 0, nil, err
	}
	obj, err := loadObjectFile(path)
	if err != nil {
		return nil, 0, nil, err
	}
	name, err := pickSection(obj, section)
	if err != nil {
		return nil, 0, nil, fmt.Errorf("%s: %w", path, err)
	}
	prog, err := vm.Load(obj, opts)
	if err != nil {
		return nil, 0, nil, fmt.Errorf("%s: %w", path, err)
	}
	entry, ok := prog.Entry(name)
	if !ok {
		prog.Close()
		return nil, 0, nil, fmt.Errorf("%s: BUG: section %q missing after load", path, name)
	}
	return prog, entry, mem, nil
}

// pickSection returns the section to run: the one asked for, else
// zeroserve.request, else the only entrypoint (or the only code section).
func pickSection(obj *bpf.Object, want string) (string, error) {
	var names, entries []string
	for _, s := range obj.Sections {
		names = append(names, s.Name)
		if s.Kind != bpf.EntryNone {
			entries = append(entries, s.Name)
		}
	}
	switch {
	case want != "":
		if _, ok := obj.Section(want); !ok {
			return "", fmt.Errorf("no code section %q (have %s)", want, strings.Join(names, ", "))
		}
		return want, nil
	case len(entries) == 1:
		return entries[0], nil
	case len(entries) == 0 && len(names) == 1:
		return names[0], nil
	}
	if _, ok := obj.Section("zeroserve.request"); ok {
		return "zeroserve.request", nil
	}
	return "", fmt.Errorf("several code sections, choose one with --section (have %s)", strings.Join(names, ", "))
}
