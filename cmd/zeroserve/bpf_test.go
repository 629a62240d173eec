package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zeroserve/zeroserve/internal/bpf"
	"github.com/zeroserve/zeroserve/internal/bpf/corpus"
	"github.com/zeroserve/zeroserve/internal/vm"
)

// fixture returns the path of a BPF object from bpf/elfload's testdata.
func fixture(name string) string {
	return filepath.Join("..", "..", "internal", "bpf", "elfload", "testdata", name)
}

// runCmd runs the CLI and returns the exit code, stdout and stderr.
func runCmd(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestBPFDisasm(t *testing.T) {
	code, out, errOut := runCmd("bpf", "disasm", fixture("helpers.o"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"Disassembly of section zeroserve.request (entrypoint: request):",
		"<entry>:",
		"\tcall memset\n",
		"\tcall zs_log\n",
		"R_BPF_64_64\t.bss+0x0",
		"R_BPF_64_64\t.rodata.str1.1+0x5",
		"Disassembly of section zeroserve.tls (entrypoint: tls):",
		"Helpers: memset, memcpy, zs_req_header, zs_log",
		".bss                      256 bytes",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("disasm output lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = runCmd("bpf", "disasm", fixture("calls.o"))
	if code != 0 || !strings.Contains(out, "<twice>") || !strings.Contains(out, "<square>\n") || !strings.Contains(out, "(entrypoint: init)") {
		t.Errorf("calls.o: exit %d, output:\n%s", code, out)
	}
	code, out, _ = runCmd("bpf", "disasm", fixture("globals.o"))
	if code != 0 || !strings.Contains(out, "pointer at .data+0x8 (8 bytes) to .rodata.str1.1") {
		t.Errorf("globals.o: exit %d, output:\n%s", code, out)
	}
}

func TestBPFUsageErrors(t *testing.T) {
	notELF := filepath.Join(t.TempDir(), "x.o")
	os.WriteFile(notELF, []byte("not an ELF file"), 0o644)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"bpf"}, 2, "usage"},
		{[]string{"bpf", "frobnicate"}, 2, `unknown subcommand "frobnicate"`},
		{[]string{"bpf", "disasm"}, 2, "usage"},
		{[]string{"bpf", "disasm", "a.o", "b.o"}, 2, "usage"},
		{[]string{"bpf", "disasm", "--nope", "a.o"}, 2, "flag provided but not defined"},
		{[]string{"bpf", "disasm", "/nonexistent.o"}, 1, "no such file"},
		{[]string{"bpf", "disasm", notELF}, 1, "elf: read header"},
		{[]string{"bpf", "run"}, 2, "usage"},
		{[]string{"bpf", "run", fixture("loop.o"), "--jit=maybe"}, 2, "invalid JIT mode"},
		{[]string{"bpf", "run", fixture("loop.o"), "--mem", "zz"}, 2, "--mem"},
		{[]string{"bpf", "run", fixture("loop.o"), "--repeat", "-1"}, 2, "usage"},
		{[]string{"bpf", "run", fixture("calls.o"), "--section", "nope"}, 1, `no code section "nope"`},
		{[]string{"bpf", "run", fixture("entries.o")}, 0, ""},
		{[]string{"bpf", "run", fixture("strings.o")}, 0, "[log] strings: hello from rodata"},
		{[]string{"bpf", "conformance"}, 2, "usage"},
		{[]string{"bpf", "conformance", "/nonexistent"}, 1, "no such file"},
	} {
		code, _, errOut := runCmd(tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.want) {
			t.Errorf("%q: exit %d, stderr %q; want exit %d and %q", tc.args, code, errOut, tc.code, tc.want)
		}
	}
}

func TestBPFRunObjects(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{fixture("loop.o")}, "r0 = 0x181 (385)\n"},
		{[]string{fixture("globals.o")}, "r0 = 0x8f (143)\n"}, // 42 + table[2] + 'b'
		{[]string{fixture("calls.o")}, "r0 = 0x1c (28)\n"},    // twice(3) + call_helper(&3)
		{[]string{"--section", "zeroserve.init.config", fixture("calls.o")}, "r0 = 0x32 (50)\n"},
		{[]string{fixture("sqrti.o"), "--jit=off"}, "r0 = 0x2a (42)\n"},
		{[]string{fixture("tables.o")}, "r0 = 0xdb (219)\n"}, // pointers in .rodata // helper by name
		{[]string{fixture("entries.o"), "--section=zeroserve.tls"}, "r0 = 0x3 (3)\n"},
		// --mem is an object's calldata: r1 points to it.
		{[]string{fixture("entries.o"), "--section", "zeroserve.call.auth", "--mem", "26 00 00 00 00 00 00 00"}, "r0 = 0x2a (42)\n"},
	} {
		code, out, errOut := runCmd(append([]string{"bpf", "run"}, tc.args...)...)
		if code != 0 || out != tc.want {
			t.Errorf("bpf run %q: exit %d, stdout %q, stderr %q; want %q", tc.args, code, out, errOut, tc.want)
		}
	}
	code, out, errOut := runCmd("bpf", "run", fixture("loop.o"), "--repeat", "5")
	if code != 0 || !strings.Contains(out, "5 runs: ") || !strings.Contains(out, " ns/run") {
		t.Errorf("--repeat: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func TestBPFRunData(t *testing.T) {
	dir := t.TempDir()
	prog := filepath.Join(dir, "byte1.data")
	os.WriteFile(prog, []byte("-- asm\nldxb %r0, [%r1+1]\nexit\n-- mem\n11 22 33\n-- result\n0x22\n"), 0o644)
	store := filepath.Join(dir, "store.data")
	os.WriteFile(store, []byte("-- asm\nstb [%r1+2], 0x11\nldxw %r0, [%r1]\nexit\n-- mem\n01 02 03 04\n"), 0o644)
	spin := filepath.Join(dir, "spin.data")
	os.WriteFile(spin, []byte("-- asm\nmov %r0, 0\nloop:\nadd %r0, 1\nja loop\n"), 0o644)
	for _, tc := range []struct {
		args     []string
		code     int
		out, err string
	}{
		{[]string{prog}, 0, "r0 = 0x22 (34)\n", ""},
		{[]string{prog, "--mem", "aa bb"}, 0, "r0 = 0xbb (187)\n", ""},
		{[]string{store}, 0, "r0 = 0x4110201 (68223489)\n", ""}, // mem is writable
		{[]string{prog, "--section", "x"}, 1, "", "--section applies to ELF objects"},
		{[]string{spin, "--fuel", "1000"}, 1, "", "fuel"},
	} {
		code, out, errOut := runCmd(append([]string{"bpf", "run"}, tc.args...)...)
		if code != tc.code || out != tc.out || !strings.Contains(errOut, tc.err) {
			t.Errorf("bpf run %q: exit %d, stdout %q, stderr %q; want %d, %q, %q", tc.args, code, out, errOut, tc.code, tc.out, tc.err)
		}
	}
}

func TestBPFConformanceSmall(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"pass.data":   "-- asm\nmov %r0, 7\nexit\n-- result\n7\n",
		"reject.data": "-- asm\nmov %r10, 1\nexit\n-- error\nwrite to r10\n",
		"enc.data":    "-- asm\nexit\n-- raw\n0x0000000000000095\n",
		"mem.data":    "-- asm\nldxb %r0, [%r1]\nexit\n-- mem\n2a\n-- result\n0x2a\n",
	}
	for name, text := range files {
		os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644)
	}
	code, out, errOut := runCmd("bpf", "conformance", "--jit=off", dir)
	want := "bpf conformance: 3 passed, 0 failed, 1 skipped (1: assembler encoding test without a result)\n"
	if code != 0 || out != want {
		t.Errorf("exit %d, stdout %q, stderr %q; want %q", code, out, errOut, want)
	}
	os.WriteFile(filepath.Join(dir, "wrong.data"), []byte("-- asm\nmov %r0, 1\nexit\n-- result\n2\n"), 0o644)
	code, out, _ = runCmd("bpf", "conformance", dir)
	if code != 1 || !strings.Contains(out, "FAIL "+filepath.Join(dir, "wrong.data")+": r0 = 0x1, want 0x2") || !strings.Contains(out, "3 passed, 1 failed, 1 skipped") {
		t.Errorf("with a failing test: exit %d, stdout %q", code, out)
	}
	os.Remove(filepath.Join(dir, "wrong.data"))
	checkJITOn(t, "bpf", "conformance", dir)
}

// checkJITOn runs a bpf command with --jit=off and with --jit=on: where
// this build has a JIT both must print the same, elsewhere --jit=on must
// fail with a clear error instead of interpreting.
func checkJITOn(t *testing.T, args ...string) {
	t.Helper()
	code, out, errOut := runCmd(append(args, "--jit=off")...)
	jcode, jout, jerr := runCmd(append(args, "--jit=on")...)
	if _, err := vm.LoadCode([]bpf.Instruction{{OpCode: 0x95}}, vm.Options{JIT: vm.JITOn}); errors.Is(err, vm.ErrNotSupported) {
		if jcode != 1 || !strings.Contains(jerr, "not supported") {
			t.Errorf("%q --jit=on without a JIT: exit %d, stderr %q; want exit 1 and \"not supported\"", args, jcode, jerr)
		}
		return
	}
	if code != 0 || jcode != 0 || out != jout {
		t.Errorf("%q: --jit=off gives exit %d, %q, %q; --jit=on gives exit %d, %q, %q", args, code, out, errOut, jcode, jout, jerr)
	}
}

func TestBPFRunJIT(t *testing.T) {
	checkJITOn(t, "bpf", "run", fixture("globals.o"))
	checkJITOn(t, "bpf", "run", fixture("calls.o"), "--section", "zeroserve.init.config")
	checkJITOn(t, "bpf", "run", fixture("sqrti.o"))
	checkJITOn(t, "bpf", "run", fixture("tables.o"))
}

// TestBPFConformanceCorpora runs the shared corpora through the CLI, as the
// issue's acceptance check does.
func TestBPFConformanceCorpora(t *testing.T) {
	root, err := corpus.Root(".")
	if err != nil {
		root = filepath.Join("..", "..", "..", "shared", "testdata")
		if _, err := os.Stat(filepath.Join(root, "bpf_conformance")); err != nil {
			t.Skipf("eBPF corpora not found (set ZEROSERVE_TESTDATA): %v", err)
		}
	}
	dirs := []string{filepath.Join(root, "bpf_conformance", "tests"), filepath.Join(root, "ubpf", "tests")}
	code, out, errOut := runCmd(append([]string{"bpf", "conformance", "--jit=off"}, dirs...)...)
	t.Log(strings.TrimSpace(out))
	if code != 0 || !strings.Contains(out, " 0 failed,") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	checkJITOn(t, append([]string{"bpf", "conformance"}, dirs...)...)
}

// TestBPFRunClang compiles fixtures with clang for -mcpu=v3 (32-bit jumps
// and ALU32, the original's pipeline) and runs them on both engines.
func TestBPFRunClang(t *testing.T) {
	clang, err := exec.LookPath("clang")
	if err != nil {
		t.Skip("clang is not installed")
	}
	dir := t.TempDir()
	for name, want := range map[string]string{"loop": "r0 = 0x181 (385)\n", "calls": "r0 = 0x1c (28)\n", "tables": "r0 = 0xdb (219)\n"} {
		out := filepath.Join(dir, name+".o")
		if msg, err := exec.Command(clang, "-O2", "-target", "bpf", "-mcpu=v3", "-c", fixture(name+".c"), "-o", out).CombinedOutput(); err != nil {
			t.Fatalf("clang: %v\n%s", err, msg)
		}
		if code, got, errOut := runCmd("bpf", "run", out, "--jit=off"); code != 0 || got != want {
			t.Errorf("%s -mcpu=v3: exit %d, %q, %q; want %q", name, code, got, errOut, want)
		}
		checkJITOn(t, "bpf", "run", out)
	}
}

// TestBPFRunPlugin runs a C plugin's request entry with the sample request
// and prints the response it made.
func TestBPFRunPlugin(t *testing.T) {
	code, out, errOut := runCmd("bpf", "run", "../../internal/script/testdata/echo.o")
	if code != 0 || !strings.Contains(out, `response: 200 "method=GET\nuri=/\n`) {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}
