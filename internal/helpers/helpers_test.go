package helpers

import (
	"errors"
	"fmt"
	"testing"

	"github.com/zeroserve/zeroserve/internal/bpf"
	"github.com/zeroserve/zeroserve/internal/vm"
	"github.com/zeroserve/zeroserve/internal/vm/abi"
)

func TestRequestHeaders(t *testing.T) {
	var r Request
	r.Header = []Field{{"Host", "a"}, {"X-Secret-One", "1"}, {"x-secret-two", "2"}, {"Accept", "x"}, {"accept", "y"}}
	if v, ok := r.Get("ACCEPT"); !ok || v != "x, y" {
		t.Errorf("Get(ACCEPT) = %q %v", v, ok)
	}
	r.Add("host", "b")
	if v, _ := r.Get("Host"); v != "b" {
		t.Errorf("Add(host) repeated Host: %q", v)
	}
	r.Delete("X-SECRET*")
	if _, ok := r.Get("x-secret-one"); ok {
		t.Error("prefix pattern kept x-secret-one")
	}
	r.Delete("*cept")
	if len(r.Header) != 1 {
		t.Errorf("after deletes: %v", r.Header)
	}
	r.Delete("*")
	if len(r.Header) != 0 {
		t.Errorf("* kept %v", r.Header)
	}
}

func TestSetURI(t *testing.T) {
	r := Request{Path: "/old"}
	for _, c := range []struct {
		in, path, query string
		bad             bool
	}{
		{in: "/a/./b/../c?x=1", path: "/a/c", query: "x=1"},
		{in: "?only=query", path: "/a/c", query: "only=query"},
		{in: "/%2e%2e/x", bad: true},
		{in: "relative", bad: true},
		{in: "", bad: true},
		{in: "/p?bad#frag", bad: true},
	} {
		err := r.SetURI(c.in)
		switch {
		case c.bad && err == nil:
			t.Errorf("SetURI(%q) accepted", c.in)
		case !c.bad && (err != nil || r.Path != c.path || r.RawQuery != c.query):
			t.Errorf("SetURI(%q) = %q ? %q, %v", c.in, r.Path, r.RawQuery, err)
		}
	}
}

// runHelper runs a tiny program that calls helper name with r1..r4 set by
// setup (assembler lines) and returns r0 and the first 16 stack bytes below
// r10-64 (where outputs are written).
func runHelper(t *testing.T, ex *Exchange, name, setup string) (uint64, []byte, error) {
	t.Helper()
	h := vm.NewHelpers()
	if err := Register(h); err != nil {
		t.Fatal(err)
	}
	id, ok := h.ID(name)
	if !ok {
		t.Fatalf("no helper %s", name)
	}
	src := setup + fmt.Sprintf("call %d\n", id) +
		"ldxdw %r1, [%r10-64]\nstxdw [%r10-80], %r1\n" + // keep output visible
		"exit\n"
	insns, err := bpf.Assemble(src)
	if err != nil {
		t.Fatal(err)
	}
	p, err := vm.LoadCode(insns, vm.Options{Helpers: h})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	c, err := p.NewContext()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.User = &Call{Ex: ex, Script: "t"}
	r0, err := c.Run(0, nil, 1000)
	out, rerr := c.Read(abi.StackTop-64, 16)
	if rerr != nil {
		t.Fatal(rerr)
	}
	return r0, append([]byte(nil), out...), err
}

// TestStringOutRule checks the documented rule: at most out_len-1 bytes, a
// NUL, the full length returned; out_len 0 writes nothing.
func TestStringOutRule(t *testing.T) {
	ex := &Exchange{Req: Request{Method: "DELETE"}}
	out := "mov %r1, %r10\nadd %r1, -64\nstdw [%r10-64], 0x4141\n"
	for _, c := range []struct {
		outLen int
		want   string
	}{
		{0, "AA\x00\x00\x00\x00\x00\x00"},
		{1, "\x00A\x00\x00\x00\x00\x00\x00"},
		{4, "DEL\x00\x00\x00\x00\x00"},
		{7, "DELETE\x00\x00"},
		{16, "DELETE\x00\x00"},
	} {
		r0, mem, err := runHelper(t, ex, "zs_req_method", out+fmt.Sprintf("mov %%r2, %d\n", c.outLen))
		if err != nil || r0 != 6 || string(mem[:8]) != c.want {
			t.Errorf("out_len %d: r0 %d, %q, %v; want 6, %q", c.outLen, r0, mem[:8], err, c.want)
		}
	}
}

func TestHelperTraps(t *testing.T) {
	ex := &Exchange{Req: Request{Method: "GET"}}
	// Output into read-only or out-of-cage memory traps with TrapMemory.
	for _, setup := range []string{
		"lddw %r1, 0x100000000\nmov %r2, 8\n",
		"mov %r1, %r10\nmov %r2, 0x7fffffff\n",
	} {
		_, _, err := runHelper(t, ex, "zs_req_method", setup)
		if !errors.Is(err, abi.TrapMemory) {
			t.Errorf("%q: got %v, want a memory trap", setup, err)
		}
	}
	// A request helper without a request traps.
	_, _, err := runHelper(t, nil, "zs_req_method", "mov %r1, 0\nmov %r2, 0\n")
	if !errors.Is(err, errNoExchange) {
		t.Errorf("no exchange: got %v", err)
	}
	// Bad statuses trap; a second response traps.
	for _, st := range []string{"99", "1000"} {
		_, _, err := runHelper(t, &Exchange{}, "zs_respond", "mov %r1, "+st+"\nmov %r2, 0\nmov %r3, 0\n")
		if !errors.Is(err, abi.TrapHelper) {
			t.Errorf("status %s: got %v, want a helper trap", st, err)
		}
	}
	ex = &Exchange{Action: ActionRespond}
	if _, _, err := runHelper(t, ex, "zs_respond", "mov %r1, 200\nmov %r2, 0\nmov %r3, 0\n"); !errors.Is(err, abi.TrapHelper) {
		t.Errorf("second response: got %v", err)
	}
}

func TestNamesAreUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, n := range Names() {
		if seen[n] {
			t.Errorf("duplicate helper %s", n)
		}
		seen[n] = true
	}
}
