package script

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/zeroserve/zeroserve/internal/helpers"
	"github.com/zeroserve/zeroserve/internal/vm"
)

// TestZsCallDepth: call_rec nests n calls; the request is depth 0, so 7
// nested calls succeed and 8 or more get -1 (508 from call_main).
func TestZsCallDepth(t *testing.T) {
	eachEngine(t, func(t *testing.T, mode vm.JITMode) {
		ch := loadFixtures(t, mode, "call_main", "call_rec")
		for _, c := range []struct {
			n      int
			status int
		}{{1, 200}, {5, 200}, {7, 200}, {8, 508}, {50, 508}} {
			ex, err := runOp(t, ch, fmt.Sprintf("op=down&n=%d", c.n))
			if err != nil {
				t.Fatal(err)
			}
			if ex.Response.Status != c.status {
				t.Errorf("n=%d: status %d %q, want %d", c.n, ex.Response.Status, ex.Response.Body, c.status)
				continue
			}
			if c.status == 200 {
				if want := fmt.Sprintf(`{"frames":%d}`, c.n); string(ex.Response.Body) != want {
					t.Errorf("n=%d: %s, want %s", c.n, ex.Response.Body, want)
				}
				// The callees share the request and its metadata.
				if v, _ := ex.Req.Get("X-Callee"); v != "1" || ex.Meta["callee.saw"] != "yes" {
					t.Errorf("n=%d: callee changes not shared: %q %v", c.n, v, ex.Meta)
				}
			}
		}
	})
}

// TestZsCallFailures: every failure of the callee is -1 for the caller
// (and logged); an invalid input handle traps the caller.
func TestZsCallFailures(t *testing.T) {
	eachEngine(t, func(t *testing.T, mode vm.JITMode) {
		ch := loadFixtures(t, mode, "call_main", "call_rec")
		ex, err := runOp(t, ch, "op=dot_o&n=2")
		if err != nil || ex.Response.Status != 200 {
			t.Errorf("call_rec.o: %v %d", err, ex.Response.Status)
		}
		for _, c := range []struct{ op, log string }{
			{"noscript", "no such script"},
			{"nofunc", "no section zeroserve.call.nope"},
			{"trap", "no such handle"},
			{"negative", "no JSON handle"},
			{"nohandle", "no JSON handle"},
		} {
			var logs []string
			ex := newExchange("GET", "/", "op="+c.op)
			ex.Log = func(s, line string) { logs = append(logs, s+": "+line) }
			if err := ch.Run(ex, DefaultFuel); err != nil {
				t.Fatal(err)
			}
			if ex.Response.Status != 508 || len(logs) != 1 || !strings.Contains(logs[0], c.log) {
				t.Errorf("%s: status %d, logs %q", c.op, ex.Response.Status, logs)
			}
		}
		_, err = runOp(t, ch, "op=badinput")
		var he *helpers.HandleError
		if !errors.As(err, &he) || he.Handle != 17 {
			t.Errorf("bad input handle: got %v", err)
		}
	})
}

// TestZsCallFuel: callees spend the request's fuel, the same on both
// engines: the least fuel that serves n nested calls is found by bisection
// and must match between the interpreter and the JIT and grow with n.
func TestZsCallFuel(t *testing.T) {
	least := func(mode vm.JITMode, n int) uint64 {
		ch := loadFixtures(t, mode, "call_main", "call_rec")
		lo, hi := uint64(1), uint64(1_000_000) // fails at lo, serves at hi
		for hi-lo > 1 {
			mid := (lo + hi) / 2
			ex := newExchange("GET", "/", fmt.Sprintf("op=down&n=%d", n))
			if err := ch.Run(ex, mid); err == nil && ex.Response.Status == 200 {
				hi = mid
			} else {
				lo = mid
			}
		}
		return hi
	}
	one, seven := least(vm.JITOff, 1), least(vm.JITOff, 7)
	if jit := least(vm.JITAuto, 7); jit != seven {
		t.Errorf("n=7 needs %d fuel on the interpreter, %d with the JIT", seven, jit)
	}
	if seven <= one {
		t.Errorf("n=1 needs %d fuel, n=7 %d", one, seven)
	}
	t.Logf("least fuel: n=1 %d, n=7 %d", one, seven)
}
