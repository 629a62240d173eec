package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/zeroserve/zeroserve/internal/bpf"
	"github.com/zeroserve/zeroserve/internal/bpf/corpus"
	"github.com/zeroserve/zeroserve/internal/helpers"
	"github.com/zeroserve/zeroserve/internal/vm"
)

// bpfConformance implements `zeroserve bpf conformance DIR...`: it runs
// every .data file under each DIR (or each .data file named) in the format
// of testdata/README.md, with the conformance helpers 0–5, and prints
// failures and then `bpf conformance: P passed, F failed, S skipped
// (reasons)`. The exit code is 1 if any test failed.
//
// A test passes when it expects a result and r0 equals it, or expects an
// error and loading, assembling or running fails (README §5). Skips, each
// counted under its reason (-v prints each file): uBPF ELF-loader tests
// (pyelf, prose only), the uBPF VM-API reload test, encoding tests without
// a result, files without instructions, assembly that does not assemble in
// a test that expects a result (the negative corpus's assembler tests,
// whose results have no meaning), and — only when they do not pass —
// runtime memory-fault tests (the cage masks addresses instead of faulting,
// DESIGN §3) and error tests whose program uses opcode 0x06, which RFC 9669
// defines as ja32. Three harness self-tests in bpf_conformance/negative
// fail by design (README §5): incorrect_return_value_high_bits (a wrong
// expected value), invalid_unknown_directive (the reader rejects the file)
// and error.data (only the Linux verifier rejects it).
func bpfConformance(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bpf conformance", flag.ContinueOnError)
	fs.SetOutput(stderr)
	jit := jitFlag(fs)
	verbose := fs.Bool("v", false, "print every test's outcome")
	dirs, err := parseInterleaved(fs, args)
	if err != nil {
		return 2
	}
	if len(dirs) == 0 {
		fmt.Fprintln(stderr, "usage: zeroserve bpf conformance [--jit=on|off|auto] [-v] DIR|FILE.data...")
		return 2
	}
	var files []string
	for _, dir := range dirs {
		if st, err := os.Stat(dir); err == nil && !st.IsDir() {
			files = append(files, dir)
			continue
		}
		found, err := corpus.Files(dir)
		if err != nil {
			fmt.Fprintf(stderr, "zeroserve bpf conformance: %v\n", err)
			return 1
		}
		if len(found) == 0 {
			fmt.Fprintf(stderr, "zeroserve bpf conformance: no .data files under %s\n", dir)
			return 1
		}
		files = append(files, found...)
	}
	var passed, failed, skipped int
	reasons := map[string]int{}
	for _, path := range files {
		c := runConformanceFile(path, *jit)
		if c.fatal != nil {
			fmt.Fprintf(stderr, "zeroserve bpf conformance: %s: %v\n", path, c.fatal)
			return 1
		}
		switch {
		case c.skip != "":
			skipped++
			reasons[c.skip]++
			if *verbose {
				fmt.Fprintf(stdout, "SKIP %s: %s\n", path, c.skip)
			}
		case c.fail != "":
			failed++
			fmt.Fprintf(stdout, "FAIL %s: %s\n", path, c.fail)
		default:
			passed++
			if *verbose {
				fmt.Fprintf(stdout, "PASS %s\n", path)
			}
		}
	}
	fmt.Fprintf(stdout, "bpf conformance: %d passed, %d failed, %d skipped", passed, failed, skipped)
	if len(reasons) > 0 {
		var why []string
		for r, n := range reasons {
			why = append(why, fmt.Sprintf("%d: %s", n, r))
		}
		slices.Sort(why)
		fmt.Fprintf(stdout, " (%s)", strings.Join(why, "; "))
	}
	fmt.Fprintln(stdout)
	if failed > 0 {
		return 1
	}
	return 0
}

// conformanceCase is the outcome of one file: pass (all empty), a failure
// description, a skip reason, or a fatal error that stops the run (the
// engine asked for does not exist).
type conformanceCase struct {
	fail, skip string
	fatal      error
}

// Skip reasons.
const (
	skipPyELF    = "uBPF ELF-loader mutation test, described in prose only (bpf/elfload's template tests cover it)"
	skipReload   = "uBPF VM-API test (loading code twice into one VM): no equivalent API"
	skipEncoding = "assembler encoding test without a result"
	skipEmpty    = "no instructions"
	skipNoAsm    = "does not assemble (bpf_conformance/negative's assembler-must-fail tests expect that)"
	skipMemFault = "expects a runtime memory fault; the cage masks wild addresses instead of faulting (DESIGN §3)"
	skipOpcode06 = "expects opcode 0x06 to be rejected, but RFC 9669 defines it as ja32"
	opJA32       = bpf.OpCode(byte(bpf.ClassJMP32) | byte(bpf.JumpJA))
)

func runConformanceFile(path string, mode vm.JITMode) conformanceCase {
	tc, err := corpus.ParseFile(path)
	if err != nil {
		return conformanceCase{fail: err.Error()}
	}
	switch {
	case tc.Has("pyelf"):
		return conformanceCase{skip: skipPyELF}
	case tc.Has("reload"):
		return conformanceCase{skip: skipReload}
	case tc.Program == nil && tc.AssembleErr == nil:
		return conformanceCase{skip: skipEmpty}
	case tc.Program == nil:
		if tc.ExpectError {
			return conformanceCase{}
		}
		return conformanceCase{skip: skipNoAsm}
	case !tc.HasResult && !tc.ExpectError:
		return conformanceCase{skip: skipEncoding}
	}
	r0, err := runCorpusProgram(tc, mode)
	if errors.Is(err, vm.ErrNotSupported) {
		return conformanceCase{fatal: err}
	}
	switch {
	case err != nil && tc.ExpectError, err == nil && tc.HasResult && r0 == tc.Result:
		return conformanceCase{}
	case err == nil && tc.Has("error pattern"):
		return conformanceCase{skip: skipMemFault}
	case tc.ExpectError && slices.ContainsFunc(tc.Program, func(ins bpf.Instruction) bool { return ins.OpCode == opJA32 }):
		return conformanceCase{skip: skipOpcode06}
	case err != nil:
		return conformanceCase{fail: fmt.Sprintf("unexpected error: %v", err)}
	case tc.HasResult:
		return conformanceCase{fail: fmt.Sprintf("r0 = %#x, want %#x", r0, tc.Result)}
	}
	return conformanceCase{fail: fmt.Sprintf("r0 = %#x, want an error", r0)}
}

// runCorpusProgram loads and runs a test's program with the conformance
// helpers, in the environment of vm.ConformanceObject (r1 = a writable copy
// of mem, r2 = its length).
func runCorpusProgram(tc *corpus.Test, mode vm.JITMode) (uint64, error) {
	opts, err := conformanceOptions(mode, false)
	if err != nil {
		return 0, err
	}
	prog, err := vm.Load(vm.ConformanceObject(tc.Program, tc.Mem), opts)
	if err != nil {
		return 0, err
	}
	defer prog.Close()
	ctx, err := prog.NewContext()
	if err != nil {
		return 0, err
	}
	defer ctx.Close()
	return ctx.Run(0, nil, defaultFuel)
}

// conformanceOptions returns VM options with the conformance helpers
// (testdata/README.md §4) registered, by number and by uBPF's names, and
// with plugins the zs_* helpers after them, so that plugins run from `bpf
// run`. Corpus files get only the numbered ones: some expect helper numbers
// above 5 to be unregistered.
func conformanceOptions(mode vm.JITMode, plugins bool) (vm.Options, error) {
	h := vm.NewHelpers()
	if err := vm.RegisterConformanceHelpers(h); err != nil {
		return vm.Options{}, err
	}
	if plugins {
		if err := helpers.Register(h); err != nil {
			return vm.Options{}, err
		}
	}
	return vm.Options{Helpers: h, JIT: mode, PoolSize: -1}, nil
}
