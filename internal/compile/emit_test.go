package compile

import (
	"testing"

	"github.com/zeroserve/zeroserve/internal/bpf"
	"github.com/zeroserve/zeroserve/internal/bpf/elfload"
	"github.com/zeroserve/zeroserve/internal/bpf/elfwrite"
	"github.com/zeroserve/zeroserve/internal/helpers"
	"github.com/zeroserve/zeroserve/internal/script"
	"github.com/zeroserve/zeroserve/internal/vm"
)

// runObject loads obj as a script (after an ELF round trip, as a compiled
// Caddyfile is loaded) and runs it for a GET of path.
func runObject(t *testing.T, obj *bpf.Object, path string) *helpers.Exchange {
	t.Helper()
	elf, err := elfwrite.Write(obj)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := elfload.Load(elf); err != nil {
		t.Fatalf("reloading the written object: %v", err)
	}
	h, err := script.NewHelpers()
	if err != nil {
		t.Fatal(err)
	}
	s, err := script.LoadObject("caddy", elf, h, script.Options{JIT: vm.JITAuto})
	if err != nil {
		t.Fatal(err)
	}
	ch := script.NewChain(s)
	defer ch.Close()
	ex := &helpers.Exchange{Meta: map[string]string{}}
	ex.Req = helpers.Request{Method: "GET", Path: path}
	if err := ch.Run(ex, script.DefaultFuel); err != nil {
		t.Fatal(err)
	}
	return ex
}

// TestEmitterProgram emits a request entry that calls a local function,
// which compares the path length and responds with one of two interned
// strings.
func TestEmitterProgram(t *testing.T) {
	e := NewEmitter()
	e.Section("zeroserve.request")
	respond := e.NewLabel()
	e.Call(respond)
	e.Mov64Imm(bpf.R0, 0)
	e.Exit()

	e.Section(".text")
	e.Func(respond, "respond")
	// r6 = zs_req_path(0, 0): the path's length.
	e.Mov64Imm(bpf.R1, 0)
	e.Mov64Imm(bpf.R2, 0)
	e.CallHelper("zs_req_path")
	e.Mov64Reg(bpf.R6, bpf.R0)
	long := e.NewLabel()
	e.JumpImm(bpf.JumpJGT, bpf.R6, 3, long)
	e.Mov64Imm(bpf.R1, 200)
	e.LoadString(bpf.R2, bpf.R3, "short path")
	e.CallHelper("zs_respond")
	e.Exit()
	e.Bind(long)
	e.Mov64Imm(bpf.R1, 404)
	e.LoadString(bpf.R2, bpf.R3, "long path")
	e.CallHelper("zs_respond")
	e.Exit()

	obj, err := e.Object()
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{"/a": "200 short path", "/abcd": "404 long path"} {
		ex := runObject(t, obj, path)
		if got := itoa(ex.Response.Status) + " " + string(ex.Response.Body); got != want {
			t.Errorf("%s: got %q, want %q", path, got, want)
		}
	}
}

func itoa(n int) string {
	b := []byte{}
	for n > 0 || len(b) == 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}

func TestEmitterErrors(t *testing.T) {
	e := NewEmitter()
	e.Mov64Imm(bpf.R0, 0)
	if _, err := e.Object(); err == nil {
		t.Error("instruction outside a section accepted")
	}
	e = NewEmitter()
	e.Section("zeroserve.request")
	e.Jump(e.NewLabel())
	if _, err := e.Object(); err == nil {
		t.Error("unbound label accepted")
	}
	e = NewEmitter()
	e.Section("zeroserve.bogus")
	if _, err := e.Object(); err == nil {
		t.Error("unknown entry section accepted")
	}
}
