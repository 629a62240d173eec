package corpus

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zeroserve/zeroserve/internal/bpf"
)

func TestParse(t *testing.T) {
	tst, err := parse("x.data", `# license
-- asm
mov32 %r0, 1 # set r0
exit
-- mem
00 ff
FF 0a
-- result
0x21C3677C82B40000
-- no jit
reason
`)
	if err != nil {
		t.Fatal(err)
	}
	want := []bpf.Instruction{{OpCode: 0xb4, Imm: 1}, {OpCode: 0x95}}
	if len(tst.Program) != 2 || tst.Program[0] != want[0] || tst.Program[1] != want[1] || tst.HasRaw {
		t.Errorf("Program = %+v, HasRaw %v", tst.Program, tst.HasRaw)
	}
	if !bytes.Equal(tst.Mem, []byte{0, 0xff, 0xff, 0x0a}) {
		t.Errorf("Mem = % x", tst.Mem)
	}
	if !tst.HasResult || tst.Result != 0x21C3677C82B40000 || tst.ExpectError {
		t.Errorf("Result %#x %v, ExpectError %v", tst.Result, tst.HasResult, tst.ExpectError)
	}
	if !tst.Has("no jit") || tst.Has("raw") || tst.Name != "x" {
		t.Errorf("sections %+v, name %q", tst.Sections, tst.Name)
	}
}

func TestParseRaw(t *testing.T) {
	words, err := parse("w.data", "-- raw\n0x5566778800000018 0x1122334400000000\n0x0000000000000095\n-- asm\nexit\n-- error\n")
	if err != nil {
		t.Fatal(err)
	}
	if len(words.Program) != 3 || bpf.Imm64(words.Program[0], words.Program[1]) != 0x1122334455667788 || !words.HasRaw {
		t.Errorf("word notation: %+v", words.Program)
	}
	if !words.ExpectError || words.ErrorText != "" {
		t.Errorf("empty error section: %v %q", words.ExpectError, words.ErrorText)
	}
	bytesNote, err := parse("b.data", "-- raw\n07 00 01 00 01 00 00 00\n95 00 00 00 00 00 00 00\n-- result\n17\n")
	if err != nil {
		t.Fatal(err)
	}
	if len(bytesNote.Program) != 2 || bytesNote.Program[0] != (bpf.Instruction{OpCode: 7, Offset: 1, Imm: 1}) {
		t.Errorf("byte notation: %+v", bytesNote.Program)
	}
	if bytesNote.Result != 17 {
		t.Errorf("decimal result %d", bytesNote.Result)
	}
}

func TestParseAsmError(t *testing.T) {
	tst, err := parse("a.data", "# header\n\n-- asm\nmov %r0, 1\n\nja nowhere\n-- result\n0x1\n")
	if err != nil {
		t.Fatal(err)
	}
	var e *Error
	if !errors.As(tst.AssembleErr, &e) || e.Path != "a.data" || e.Line != 6 {
		t.Errorf("AssembleErr = %v, want a.data:6", tst.AssembleErr)
	}
	if tst.Program != nil {
		t.Errorf("Program = %+v after an assembly error", tst.Program)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		data string
		line int
	}{
		{"-- asm\nexit\n-- Unknown directive\n", 3},
		{"junk\n-- asm\n", 1},
		{"-- result\n1\n-- result\n2\n", 3},
		{"-- raw\n0x0000000000000095 95 00 00 00 00 00 00 00\n", 1},
		{"-- raw\n95 00 00\n", 1},
		{"-- raw\n0x95\n", 1},
		{"-- mem\n0g\n", 1},
		{"-- mem\n000\n", 1},
		{"-- result\n0xzz\n", 1},
		{"-- result\n-1\n", 1},
		{"-- result\n", 1},
		{"-- result @ f\n", 1},
		{"-- asm @ ../x.asm\n", 1},
		{"-- asm @ missing.asm\n", 1},
		{"-- mem @ x.hex\n00\n", 1},
	} {
		_, err := parse("e.data", tc.data)
		var e *Error
		if !errors.As(err, &e) || e.Line != tc.line {
			t.Errorf("%q: %v, want an error at line %d", tc.data, err, tc.line)
		}
	}
}

func TestIncludes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("p.asm", "mov %r0, 2\nexit\n")
	write("pkt.hex", "0x0000:  0026 622f\n0x0004:  ab\n")
	write("t.data", "-- asm @ p.asm\n-- mem @ pkt.hex\n-- result\n2\n")
	write("bad.hex", "0x0000:  0026 6\n")
	write("u.data", "-- asm @ p.asm\n-- mem @ bad.hex\n")
	write("v.data", "-- asm\nmov %r0, 1\n")
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	write("sub/w.data", "-- asm\nexit\n")

	tst, err := ParseFile(filepath.Join(dir, "t.data"))
	if err != nil {
		t.Fatal(err)
	}
	if len(tst.Program) != 2 || tst.AsmPath != filepath.Join(dir, "p.asm") {
		t.Errorf("asm @: %+v from %s", tst.Program, tst.AsmPath)
	}
	if !bytes.Equal(tst.Mem, []byte{0x00, 0x26, 0x62, 0x2f, 0xab}) {
		t.Errorf("mem @: % x", tst.Mem)
	}
	var e *Error
	if _, err := ParseFile(filepath.Join(dir, "u.data")); !errors.As(err, &e) || e.Path != filepath.Join(dir, "bad.hex") || e.Line != 1 {
		t.Errorf("bad hexdump: %v", err)
	}
	files, err := Files(dir)
	if err != nil {
		t.Fatal(err)
	}
	var rel []string
	for _, f := range files {
		r, _ := filepath.Rel(dir, f)
		rel = append(rel, r)
	}
	if got := strings.Join(rel, " "); got != "sub/w.data t.data u.data v.data" {
		t.Errorf("Files = %s", got)
	}
}

func TestRoot(t *testing.T) {
	dir := t.TempDir()
	deep := filepath.Join(dir, "a", "b")
	if err := os.MkdirAll(filepath.Join(dir, "testdata", "bpf_conformance"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ZEROSERVE_TESTDATA", "")
	if got, err := Root(deep); err != nil || got != filepath.Join(dir, "testdata") {
		t.Errorf("Root = %q, %v", got, err)
	}
	t.Setenv("ZEROSERVE_TESTDATA", "/elsewhere")
	if got, _ := Root(deep); got != "/elsewhere" {
		t.Errorf("Root with ZEROSERVE_TESTDATA = %q", got)
	}
}

// FuzzParse checks that parse never panics and returns a test or an
// *Error, never both or neither.
func FuzzParse(f *testing.F) {
	f.Add("-- asm\nmov %r0, 1\nexit\n-- result\n0x1\n")
	f.Add("-- raw\n07 00 01 00 01 00 00 00\n-- error\n")
	f.Add("-- raw\n0x5566778800000018\n0x1122334400000000\n-- mem\n00 01\n")
	f.Add("-- asm @ x.asm\n-- mem @ y.hex\n")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data string) {
		tst, err := parse(filepath.Join(dir, "f.data"), data)
		if (tst == nil) == (err == nil) {
			t.Fatalf("test %v and error %v", tst, err)
		}
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error %T %v is not an *Error", err, err)
			}
		}
	})
}
