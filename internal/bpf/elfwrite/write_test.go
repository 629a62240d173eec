package elfwrite

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/zeroserve/zeroserve/internal/bpf"
	"github.com/zeroserve/zeroserve/internal/bpf/elfload"
)

// fixturePaths are clang-built objects elsewhere in the repository.
func fixturePaths() []string {
	var files []string
	for _, pat := range []string{"../elfload/testdata/*.o", "../../script/testdata/*.o"} {
		m, _ := filepath.Glob(pat)
		files = append(files, m...)
	}
	return files
}

func fixtures(t *testing.T) []string {
	files := fixturePaths()
	if len(files) < 5 {
		t.Fatalf("only %d fixtures found", len(files))
	}
	return files
}

// TestRoundTrip: loading what Write produced from a loaded clang object
// gives the same Object back.
func TestRoundTrip(t *testing.T) {
	for _, f := range fixtures(t) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		want, err := elfload.Load(data)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out, err := Write(want)
		if err != nil {
			t.Fatalf("%s: Write: %v", f, err)
		}
		got, err := elfload.Load(out)
		if err != nil {
			t.Fatalf("%s: loading the written object: %v", f, err)
		}
		got.Funcs, want.Funcs = onlyNamed(got.Funcs), onlyNamed(want.Funcs)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: round trip differs:\n got %+v\nwant %+v", f, got, want)
		}
	}
}

func onlyNamed(fs []bpf.Func) []bpf.Func {
	var out []bpf.Func
	for _, f := range fs {
		if !strings.HasPrefix(f.Name, ".L") {
			out = append(out, f)
		}
	}
	return out
}

// TestLLVMObjdumpReads checks that llvm-objdump disassembles what we write,
// with relocations naming the helpers.
func TestLLVMObjdumpReads(t *testing.T) {
	objdump, err := exec.LookPath("llvm-objdump")
	if err != nil {
		t.Skip("llvm-objdump not installed")
	}
	for _, f := range fixtures(t) {
		data, _ := os.ReadFile(f)
		obj, err := elfload.Load(data)
		if err != nil {
			t.Fatal(err)
		}
		out, err := Write(obj)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), filepath.Base(f))
		if err := os.WriteFile(path, out, 0o644); err != nil {
			t.Fatal(err)
		}
		text, err := exec.Command(objdump, "-dr", path).CombinedOutput()
		if err != nil || strings.Contains(string(text), "warning") {
			t.Fatalf("%s: llvm-objdump: %v\n%s", f, err, text)
		}
		for _, h := range obj.Helpers {
			if !strings.Contains(string(text), "R_BPF_64_32\t"+h) {
				t.Errorf("%s: llvm-objdump shows no relocation for %s:\n%s", f, h, text)
			}
		}
	}
}

func TestWriteRejectsInconsistentObjects(t *testing.T) {
	exit := bpf.Instruction{OpCode: bpf.OpCode(byte(bpf.ClassJMP) | byte(bpf.JumpExit))}
	for name, o := range map[string]*bpf.Object{
		"gap":          {Insns: []bpf.Instruction{exit, exit}, Sections: []bpf.CodeSection{{Name: "a", Start: 1, Len: 1}}},
		"uncovered":    {Insns: []bpf.Instruction{exit, exit}, Sections: []bpf.CodeSection{{Name: "a", Start: 0, Len: 1}}},
		"helper slot":  {Insns: []bpf.Instruction{exit}, Sections: []bpf.CodeSection{{Name: "a", Len: 1}}, HelperCalls: []bpf.HelperCall{{Slot: 3, Name: "x"}}},
		"data section": {Insns: []bpf.Instruction{exit}, Sections: []bpf.CodeSection{{Name: "a", Len: 1}}, DataRefs: []bpf.DataRef{{Slot: 0, Section: 0}}},
	} {
		if _, err := Write(o); err == nil {
			t.Errorf("%s: Write accepted %+v", name, o)
		}
	}
}
