package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/zeroserve/zeroserve/internal/bpf"
	"github.com/zeroserve/zeroserve/internal/bpf/elfload"
	"github.com/zeroserve/zeroserve/internal/vm"
)

// The bpf command is the developer tool for eBPF objects and the
// conformance corpora: disasm, run and conformance.
func init() {
	register(&command{
		name:  "bpf",
		usage: "bpf disasm|run|conformance ARGS",
		short: "Disassemble, run or conformance-test eBPF programs.",
		run:   runBPF,
	})
}

func runBPF(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: zeroserve bpf disasm FILE.o")
		fmt.Fprintln(stderr, "       zeroserve bpf run FILE.o|FILE.data [--section S] [--mem HEX] [--jit=on|off|auto] [--repeat N] [--fuel N]")
		fmt.Fprintln(stderr, "       zeroserve bpf conformance [--jit=on|off|auto] [-v] DIR|FILE.data...")
		return 2
	}
	switch args[0] {
	case "disasm":
		return bpfDisasm(args[1:], stdout, stderr)
	case "run":
		return bpfRun(args[1:], stdout, stderr)
	case "conformance":
		return bpfConformance(args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "zeroserve bpf: unknown subcommand %q (want disasm, run or conformance)\n", args[0])
	return 2
}

// parseInterleaved parses flags that may come before, between or after the
// positional arguments, and returns the positional ones.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func bpfDisasm(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bpf disasm", flag.ContinueOnError)
	fs.SetOutput(stderr)
	files, err := parseInterleaved(fs, args)
	if err != nil {
		return 2
	}
	if len(files) != 1 {
		fmt.Fprintln(stderr, "usage: zeroserve bpf disasm FILE.o")
		return 2
	}
	obj, err := loadObjectFile(files[0])
	if err != nil {
		fmt.Fprintf(stderr, "zeroserve bpf disasm: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "%s:\tfile format elf64-bpf\n", files[0])
	io.WriteString(stdout, obj.Disassemble())
	return 0
}

// loadObjectFile reads and loads a BPF ELF object.
func loadObjectFile(path string) (*bpf.Object, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	obj, err := elfload.Load(data)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	return obj, nil
}

// jitFlag adds the --jit flag (on, off or auto; default auto) to fs.
func jitFlag(fs *flag.FlagSet) *vm.JITMode {
	mode := vm.JITAuto
	fs.Func("jit", "engine: on (the JIT, or fail where there is none), off (the interpreter) or auto", func(s string) error {
		m, err := vm.ParseJITMode(s)
		mode = m
		return err
	})
	return &mode
}
