package elfload

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/zeroserve/zeroserve/internal/bpf"
)

// fixtures are the C sources in testdata, each with a check of the loaded
// object. The same check runs on the committed .o and, when clang is
// installed, on a fresh compile of the .c.
var fixtures = []struct {
	name  string
	check func(t *testing.T, o *bpf.Object)
}{
	{"loop", func(t *testing.T, o *bpf.Object) {
		wantSections(t, o, "zeroserve.request")
		if len(o.Helpers)+len(o.DataRefs)+len(o.Data)+len(o.Pointers) != 0 {
			t.Errorf("loop: unexpected helpers/data: %+v", o)
		}
		// The loop's back-edge is a conditional jump with a negative offset.
		back := false
		for _, ins := range o.Insns {
			class := ins.OpCode.Class()
			if (class == bpf.ClassJMP || class == bpf.ClassJMP32) && ins.Offset < 0 {
				back = true
			}
		}
		if !back {
			t.Error("loop: no backward jump")
		}
	}},
	{"strings", func(t *testing.T, o *bpf.Object) {
		wantSections(t, o, "zeroserve.request")
		wantHelpers(t, o, "zs_log")
		rodata := dataSection(t, o, ".rodata")
		if rodata.Writable || !bytes.HasPrefix(rodata.Contents, []byte("hello from rodata")) {
			t.Errorf(".rodata = %+v", rodata)
		}
		str := dataSection(t, o, ".rodata.str1.1")
		if !bytes.Contains(str.Contents, []byte("second\x00")) {
			t.Errorf(".rodata.str1.1 = %q", str.Contents)
		}
		if len(o.DataRefs) != 2 {
			t.Fatalf("DataRefs = %+v, want 2", o.DataRefs)
		}
		for _, ref := range o.DataRefs {
			got := o.Data[ref.Section].Contents[ref.Offset:]
			if !bytes.HasPrefix(got, []byte("hello from rodata")) && !bytes.HasPrefix(got, []byte("second\x00")) {
				t.Errorf("lddw at %d points at %q", ref.Slot, got)
			}
		}
	}},
	{"globals", func(t *testing.T, o *bpf.Object) {
		data := dataSection(t, o, ".data")
		bss := dataSection(t, o, ".bss")
		rodata := dataSection(t, o, ".rodata")
		if !data.Writable || !bss.Writable || rodata.Writable {
			t.Errorf("writable flags: .data %v .bss %v .rodata %v", data.Writable, bss.Writable, rodata.Writable)
		}
		if bss.Contents != nil || bss.Size != 16*8 {
			t.Errorf(".bss = %+v, want 128 bytes without contents", bss)
		}
		if rodata.Size != 32 || rodata.Contents[16] != 3 {
			t.Errorf(".rodata = %+v", rodata)
		}
		// names[] holds two pointers into .rodata.str1.1: the fields hold
		// offsets there.
		if len(o.Pointers) != 2 {
			t.Fatalf("Pointers = %+v, want 2", o.Pointers)
		}
		for i, want := range []string{"alpha", "beta"} {
			p := o.Pointers[i]
			if o.Data[p.Section].Name != ".data" || p.Size != 8 {
				t.Errorf("pointer %d = %+v", i, p)
			}
			off := leUint(o.Data[p.Section].Contents[p.Offset : p.Offset+8])
			if got := o.Data[p.Target].Contents[off:]; !bytes.HasPrefix(got, []byte(want+"\x00")) {
				t.Errorf("pointer %d points at %q, want %q", i, got, want)
			}
		}
		if len(o.DataRefs) != 4 {
			t.Errorf("DataRefs = %+v, want 4 (counter, scratch, table, names)", o.DataRefs)
		}
	}},
	{"tables", func(t *testing.T, o *bpf.Object) {
		rodata := dataSection(t, o, ".rodata")
		if rodata.Writable || rodata.Align != 8 {
			t.Errorf(".rodata = %+v", rodata)
		}
		// words[3] and two {name, value} entries: five pointers, all into
		// the string section.
		if len(o.Pointers) != 5 {
			t.Fatalf("Pointers = %+v, want 5", o.Pointers)
		}
		var got []string
		for _, p := range o.Pointers {
			off := leUint(o.Data[p.Section].Contents[p.Offset : p.Offset+8])
			str := o.Data[p.Target].Contents[off:]
			got = append(got, string(str[:bytes.IndexByte(str, 0)]))
		}
		slices.Sort(got)
		if want := []string{"aa", "bb", "one", "two", "zero"}; !reflect.DeepEqual(got, want) {
			t.Errorf("pointed-to strings = %q, want %q", got, want)
		}
	}},
	{"calls", func(t *testing.T, o *bpf.Object) {
		wantSections(t, o, ".text", "zeroserve.call.helper", "zeroserve.request", "zeroserve.init.config")
		req, _ := o.Section("zeroserve.request")
		cs, _ := o.Section("zeroserve.call.helper")
		// entry calls twice (in .text) and call_helper (another section);
		// call_helper calls the static square through a section symbol.
		wantCalls(t, o, req, "twice", "call_helper")
		wantCalls(t, o, cs, "square")
		init, _ := o.Section("zeroserve.init.config")
		wantCalls(t, o, init, "twice")
		if init.Kind != bpf.EntryInit || cs.Kind != bpf.EntryCall {
			t.Errorf("kinds: %v %v", init.Kind, cs.Kind)
		}
	}},
	{"helpers", func(t *testing.T, o *bpf.Object) {
		wantSections(t, o, "zeroserve.request", "zeroserve.tls")
		wantHelpers(t, o, "memset", "memcpy", "zs_req_header", "zs_log")
		if len(o.HelperCalls) != 5 {
			t.Errorf("HelperCalls = %+v, want 5", o.HelperCalls)
		}
		tls, _ := o.Section("zeroserve.tls")
		last := o.HelperCalls[len(o.HelperCalls)-1]
		if last.Name != "zs_log" || last.Slot < tls.Start {
			t.Errorf("last helper call %+v, want zs_log in zeroserve.tls", last)
		}
	}},
	{"sqrti", func(t *testing.T, o *bpf.Object) {
		wantSections(t, o, "zeroserve.request")
		wantHelpers(t, o, "sqrti")
		if len(o.HelperCalls) != 1 || o.Insns[o.HelperCalls[0].Slot].Imm != 0 {
			t.Errorf("HelperCalls = %+v", o.HelperCalls)
		}
	}},
	{"entries", func(t *testing.T, o *bpf.Object) {
		wantSections(t, o, "zeroserve.request", "zeroserve.tls.request", "zeroserve.tls", "zeroserve.call.auth", "zeroserve.init.acme_config")
		var kinds []bpf.EntryKind
		for _, s := range o.Sections {
			kinds = append(kinds, s.Kind)
		}
		want := []bpf.EntryKind{bpf.EntryRequest, bpf.EntryTLSRequest, bpf.EntryTLS, bpf.EntryCall, bpf.EntryInit}
		if !reflect.DeepEqual(kinds, want) {
			t.Errorf("kinds = %v, want %v", kinds, want)
		}
	}},
}

func leUint(b []byte) uint64 {
	var v uint64
	for i := len(b) - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v
}

func wantSections(t *testing.T, o *bpf.Object, names ...string) {
	t.Helper()
	var got []string
	for _, s := range o.Sections {
		got = append(got, s.Name)
	}
	if !reflect.DeepEqual(got, names) {
		t.Errorf("code sections = %q, want %q", got, names)
	}
}

func wantHelpers(t *testing.T, o *bpf.Object, names ...string) {
	t.Helper()
	if !reflect.DeepEqual(o.Helpers, names) {
		t.Errorf("Helpers = %q, want %q", o.Helpers, names)
	}
}

func dataSection(t *testing.T, o *bpf.Object, name string) bpf.DataSection {
	t.Helper()
	for _, d := range o.Data {
		if d.Name == name {
			return d
		}
	}
	t.Fatalf("no data section %q in %+v", name, o.Data)
	return bpf.DataSection{}
}

// wantCalls checks the local calls of section s, in order, by callee name.
func wantCalls(t *testing.T, o *bpf.Object, s bpf.CodeSection, callees ...string) {
	t.Helper()
	names := map[int]string{}
	for _, f := range o.Funcs {
		names[f.Slot] = f.Name
	}
	var got []string
	for i := s.Start; i < s.Start+s.Len; i++ {
		ins := o.Insns[i]
		if ins.OpCode == opCall && ins.Src == bpf.CallLocal {
			target := i + 1 + int(ins.Imm)
			name, ok := names[target]
			if !ok {
				name = fmt.Sprintf("slot %d", target)
			}
			got = append(got, name)
		}
	}
	if !reflect.DeepEqual(got, callees) {
		t.Errorf("%s calls %q, want %q", s.Name, got, callees)
	}
}

// checkInvariants checks what every Object from Load must satisfy, whatever
// the input.
func checkInvariants(o *bpf.Object) error {
	next := 0
	for _, s := range o.Sections {
		if s.Start != next || s.Len <= 0 {
			return fmt.Errorf("section %q at %d+%d, want start %d", s.Name, s.Start, s.Len, next)
		}
		next += s.Len
	}
	if next != len(o.Insns) || len(o.Insns) == 0 {
		return fmt.Errorf("sections cover %d slots of %d", next, len(o.Insns))
	}
	for _, hc := range o.HelperCalls {
		ins := o.Insns[hc.Slot]
		if ins.OpCode != opCall || ins.Src != bpf.CallHelper || int(ins.Imm) >= len(o.Helpers) || o.Helpers[ins.Imm] != hc.Name {
			return fmt.Errorf("helper call %+v: insn %+v", hc, ins)
		}
	}
	for _, ref := range o.DataRefs {
		if o.Insns[ref.Slot].OpCode != bpf.OpLDDW || ref.Slot+1 >= len(o.Insns) || ref.Section >= len(o.Data) || ref.Offset > o.Data[ref.Section].Size {
			return fmt.Errorf("bad data ref %+v", ref)
		}
		got := uint64(uint32(o.Insns[ref.Slot].Imm)) | uint64(uint32(o.Insns[ref.Slot+1].Imm))<<32
		if got != ref.Offset {
			return fmt.Errorf("data ref %+v: lddw holds %#x", ref, got)
		}
	}
	for i, ins := range o.Insns {
		if ins.OpCode == opCall && ins.Src == bpf.CallLocal {
			if t := i + 1 + int(ins.Imm); t < 0 || t >= len(o.Insns) {
				return fmt.Errorf("local call at %d to %d", i, t)
			}
		}
	}
	for _, d := range o.Data {
		if d.Contents != nil && uint64(len(d.Contents)) != d.Size {
			return fmt.Errorf("data %q: %d bytes of contents for size %d", d.Name, len(d.Contents), d.Size)
		}
	}
	for _, p := range o.Pointers {
		if p.Section >= len(o.Data) || p.Target >= len(o.Data) || o.Data[p.Section].Contents == nil || p.Offset+uint64(p.Size) > o.Data[p.Section].Size {
			return fmt.Errorf("bad pointer %+v", p)
		}
	}
	// The VM links every Object from Load without surprises.
	addrs := make([]uint64, len(o.Data))
	if _, err := o.Link(addrs, func(string) (int32, bool) { return 1, true }); err != nil {
		return err
	}
	if _, err := o.LinkData(addrs); err != nil {
		return err
	}
	return nil
}

func loadFile(t *testing.T, path string) *bpf.Object {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	o, err := Load(data)
	if err != nil {
		t.Fatalf("Load(%s): %v", path, err)
	}
	if err := checkInvariants(o); err != nil {
		t.Fatalf("Load(%s): %v", path, err)
	}
	again, err := Load(data)
	if err != nil || !reflect.DeepEqual(o, again) {
		t.Fatalf("Load(%s) twice gave different objects or error %v", path, err)
	}
	return o
}

func TestFixtures(t *testing.T) {
	for _, fx := range fixtures {
		t.Run(fx.name, func(t *testing.T) {
			fx.check(t, loadFile(t, filepath.Join("testdata", fx.name+".o")))
		})
	}
}

// TestFixturesClang compiles each fixture's C source with the installed
// clang, for the default CPU and for -mcpu=v3 (what the original's pipeline
// uses: 32-bit jumps and ALU32), and checks the result the same way as the
// committed object.
func TestFixturesClang(t *testing.T) {
	clang, err := exec.LookPath("clang")
	if err != nil {
		t.Skip("clang is not installed: the committed .o fixtures are tested by TestFixtures")
	}
	dir := t.TempDir()
	for _, cpu := range []string{"", "-mcpu=v3"} {
		for _, fx := range fixtures {
			t.Run(fx.name+cpu, func(t *testing.T) {
				t.Parallel()
				src := filepath.Join("testdata", fx.name+".c")
				out := filepath.Join(dir, fx.name+cpu+".o")
				args := append([]string{"-O2", "-target", "bpf"}, clangFlags(t, src)...)
				if cpu != "" {
					args = append(args, cpu)
				}
				args = append(args, "-c", src, "-o", out)
				if msg, err := exec.Command(clang, args...).CombinedOutput(); err != nil {
					t.Fatalf("clang %s: %v\n%s", strings.Join(args, " "), err, msg)
				}
				fx.check(t, loadFile(t, out))
			})
		}
	}
}

// clangFlags returns the extra flags a fixture asks for on a line
// "// clang-flags: ...".
func clangFlags(t *testing.T, src string) []string {
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(data)) {
		if flags, ok := strings.CutPrefix(line, "// clang-flags:"); ok {
			return strings.Fields(flags)
		}
	}
	return nil
}

// TestClangDebugInfo loads an object with DWARF and BTF (-g): those sections
// and their relocations are ignored, and the license section too.
func TestClangDebugInfo(t *testing.T) {
	clang, err := exec.LookPath("clang")
	if err != nil {
		t.Skip("clang is not installed")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "debug.c")
	os.WriteFile(src, []byte(`
char _license[] __attribute__((section("license"), used)) = "GPL";
int g = 7;
__attribute__((section("zeroserve.request"), used)) long entry(void) { return g; }
`), 0o644)
	out := filepath.Join(dir, "debug.o")
	if msg, err := exec.Command(clang, "-g", "-O2", "-target", "bpf", "-c", src, "-o", out).CombinedOutput(); err != nil {
		t.Fatalf("clang: %v\n%s", err, msg)
	}
	o := loadFile(t, out)
	var names []string
	for _, d := range o.Data {
		names = append(names, d.Name)
	}
	if !reflect.DeepEqual(names, []string{".data"}) {
		t.Errorf("data sections = %q, want only .data (no license, BTF or DWARF)", names)
	}
	if len(o.DataRefs) != 1 {
		t.Errorf("DataRefs = %+v", o.DataRefs)
	}
}

// TestClangRejected checks real clang output that zeroserve does not load:
// a big-endian object and an object that needs BPF maps.
func TestClangRejected(t *testing.T) {
	clang, err := exec.LookPath("clang")
	if err != nil {
		t.Skip("clang is not installed")
	}
	dir := t.TempDir()
	maps := filepath.Join(dir, "maps.c")
	os.WriteFile(maps, []byte(`
struct { int type; int max_entries; } counts __attribute__((section(".maps"), used));
__attribute__((section("zeroserve.request"), used)) long entry(void) { return (long)&counts; }
`), 0o644)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-O2", "-target", "bpfeb", "-c", filepath.Join("testdata", "loop.c")}, "byte order ELFDATA2MSB"},
		{[]string{"-O2", "-target", "bpf", "-c", maps}, `section ".maps": BPF maps: not supported`},
	} {
		out := filepath.Join(dir, "out.o")
		if msg, err := exec.Command(clang, append(tc.args, "-o", out)...).CombinedOutput(); err != nil {
			t.Fatalf("clang %q: %v\n%s", tc.args, err, msg)
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Load(data); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("clang %q: Load error %v, want %q", tc.args, err, tc.want)
		}
	}
}

func TestErrorMessage(t *testing.T) {
	err := error(&Error{Section: "zeroserve.request", Symbol: "zs_foo", Err: fmt.Errorf("call: %w", ErrUnsupported)})
	if got, want := err.Error(), `elf: section "zeroserve.request": symbol "zs_foo": call: not supported`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(err, ErrUnsupported) {
		t.Error("errors.Is(ErrUnsupported) = false")
	}
	if got := (&Error{Err: errors.New("x")}).Error(); got != "elf: x" {
		t.Errorf("Error() = %q", got)
	}
}
