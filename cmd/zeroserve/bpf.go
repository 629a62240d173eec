package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

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
	io.WriteString(stdout, disassembleObject(obj))
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

// disassembleObject prints every code section of o the way llvm-objdump
// -dr does: function labels, slot numbers relative to the section, helper
// calls by name ("call zs_log"), local calls with their callee, and a
// relocation line under each lddw of a data address. A summary of the data
// sections follows.
func disassembleObject(o *bpf.Object) string {
	labels := map[int]string{}
	for _, f := range o.Funcs {
		if _, ok := labels[f.Slot]; !ok {
			labels[f.Slot] = f.Name
		}
	}
	helpers := map[int]string{}
	for _, hc := range o.HelperCalls {
		helpers[hc.Slot] = hc.Name
	}
	refs := map[int]bpf.DataRef{}
	for _, ref := range o.DataRefs {
		refs[ref.Slot] = ref
	}
	var b strings.Builder
	for _, s := range o.Sections {
		if s.Len == 0 {
			continue
		}
		fmt.Fprintf(&b, "\nDisassembly of section %s", s.Name)
		if s.Kind != bpf.EntryNone {
			fmt.Fprintf(&b, " (entrypoint: %s)", s.Kind)
		}
		b.WriteString(":\n")
		text := bpf.Disassemble(o.Insns[s.Start : s.Start+s.Len])
		for line := range strings.Lines(text) {
			line = strings.TrimSuffix(line, "\n")
			colon := strings.IndexByte(line, ':')
			n, err := strconv.Atoi(strings.TrimSpace(line[:max(colon, 0)]))
			if colon < 0 || err != nil || n < 0 || n >= s.Len {
				b.WriteString(line + "\n")
				continue
			}
			slot := s.Start + n
			if name, ok := labels[slot]; ok {
				fmt.Fprintf(&b, "\n%016x <%s>:\n", n*bpf.SlotSize, name)
			}
			ins := o.Insns[slot]
			switch {
			case helpers[slot] != "":
				line = line[:strings.LastIndexByte(line, '\t')+1] + "call " + helpers[slot]
			case ins.OpCode.Class() == bpf.ClassJMP && ins.OpCode.JumpOp() == bpf.JumpCall && ins.Src == bpf.CallLocal:
				if name, ok := labels[slot+1+int(ins.Imm)]; ok {
					line += " <" + name + ">"
				}
			}
			b.WriteString(line + "\n")
			if ref, ok := refs[slot]; ok {
				fmt.Fprintf(&b, "\t\t%016x:  R_BPF_64_64\t%s+%#x\n", n*bpf.SlotSize, o.Data[ref.Section].Name, ref.Offset)
			}
		}
	}
	if len(o.Data) > 0 {
		b.WriteString("\nData sections:\n")
		for _, d := range o.Data {
			mode := "read-only"
			if d.Writable {
				mode = "writable"
			}
			if d.Contents == nil {
				mode += ", zeroed"
			}
			fmt.Fprintf(&b, "  %-20s %8d bytes  align %-4d %s\n", d.Name, d.Size, d.Align, mode)
		}
	}
	for _, p := range o.Pointers {
		fmt.Fprintf(&b, "  pointer at %s+%#x (%d bytes) to %s\n", o.Data[p.Section].Name, p.Offset, p.Size, o.Data[p.Target].Name)
	}
	if len(o.Helpers) > 0 {
		fmt.Fprintf(&b, "\nHelpers: %s\n", strings.Join(o.Helpers, ", "))
	}
	return b.String()
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
