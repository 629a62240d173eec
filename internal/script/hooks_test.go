package script

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/zeroserve/zeroserve/internal/helpers"
	"github.com/zeroserve/zeroserve/internal/vm"
	"github.com/zeroserve/zeroserve/internal/vm/abi"
)

// TestResponseHooks: hooks run in order on the response, share metadata,
// a missing or trapping hook is logged and its changes undone, and hooks
// registered by hooks are dropped.
func TestResponseHooks(t *testing.T) {
	eachEngine(t, func(t *testing.T, mode vm.JITMode) {
		ch := loadFixtures(t, mode, "hooks")
		var logs []string
		ex := newExchange("GET", "/", "op=reg")
		ex.Log = func(s, line string) { logs = append(logs, s+": "+line) }
		if err := ch.Run(ex, DefaultFuel); err != nil || ex.Response.Status != 200 {
			t.Fatalf("%v %d", err, ex.Response.Status)
		}
		if len(ex.Hooks) != 6 {
			t.Fatalf("%d hooks registered, want 6", len(ex.Hooks))
		}
		res := helpers.HookResponse{Status: 200, Header: []helpers.Field{{Name: "Content-Type", Value: "text/plain"}}}
		helpers.RunHooks(ex, &res, DefaultFuel)
		if res.Status != 202 || !res.ContinueRequest {
			t.Errorf("response %+v, want status 202 and continue", res)
		}
		if ex.Meta["hooks.seen"] != "ab" || ex.Meta["hooks.ct"] != "text/plain" {
			t.Errorf("meta %v", ex.Meta)
		}
		if len(ex.Hooks) != 0 {
			t.Errorf("hooks left: %d", len(ex.Hooks))
		}
		want := []string{"no such script", "outside 100..999", "not allowed in a response hook"}
		if len(logs) != len(want) {
			t.Fatalf("logs %q", logs)
		}
		for i, w := range want {
			if !strings.Contains(logs[i], w) {
				t.Errorf("log %d: %q, want %q", i, logs[i], w)
			}
		}

		ex = newExchange("GET", "/", "op=clear")
		if err := ch.Run(ex, DefaultFuel); err != nil || len(ex.Hooks) != 0 {
			t.Errorf("clear: %v, %d hooks", err, len(ex.Hooks))
		}
		for _, op := range []string{"emptyfunc", "status", "setstatus", "header", "cont"} {
			_, err := runOp(t, ch, "op="+op)
			if !errors.Is(err, abi.TrapHelper) {
				t.Errorf("%s: got %v, want a helper trap", op, err)
			}
		}
	})
}

// TestZsCallResponseNotShared: a callee's response is its own and is
// thrown away.
func TestZsCallResponseNotShared(t *testing.T) {
	eachEngine(t, func(t *testing.T, mode vm.JITMode) {
		ch := loadFixtures(t, mode, "call_main", "call_rec")
		ex, err := runOp(t, ch, "op=responds&n=3")
		if err != nil || ex.Response.Status != 200 || string(ex.Response.Body) != `{"n":3}` {
			t.Errorf("%v %d %s", err, ex.Response.Status, ex.Response.Body)
		}
		if !slices.Equal(ex.Req.Header, newExchange("GET", "/", "").Req.Header) {
			t.Errorf("headers changed: %v", ex.Req.Header)
		}
	})
}
