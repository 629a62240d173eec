package script

import (
	"errors"
	"testing"

	"github.com/zeroserve/zeroserve/internal/helpers"
	"github.com/zeroserve/zeroserve/internal/vm"
	"github.com/zeroserve/zeroserve/internal/vm/abi"
)

// runOp runs the chain for GET /?op=op (and extra query) and returns the
// exchange and the run's error.
func runOp(t *testing.T, ch *Chain, query string, hdr ...string) (*helpers.Exchange, error) {
	t.Helper()
	ex := newExchange("GET", "/", query, hdr...)
	return ex, ch.Run(ex, DefaultFuel)
}

// wantJSON checks a zs_json_respond response.
func wantJSON(t *testing.T, ex *helpers.Exchange, err error, status int, body string) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	if ex.Action != helpers.ActionRespond || ex.Response.Status != status || string(ex.Response.Body) != body {
		t.Errorf("got %v %d\n%s\nwant %d\n%s", ex.Action, ex.Response.Status, ex.Response.Body, status, body)
	}
	if ct := ex.Meta[helpers.ResponseHeaderPrefix+"content-type"]; ct != "application/json" {
		t.Errorf("content-type %q", ct)
	}
}

func TestJSONRead(t *testing.T) {
	eachEngine(t, func(t *testing.T, mode vm.JITMode) {
		ch := loadFixtures(t, mode, "json_api")
		ex, err := runOp(t, ch, "op=read")
		wantJSON(t, ex, err, 200, `{"bad_parse":-1,"root_type":5,"root_len":3,"a_ret":8,"a":12345678901,"a_as_string":-1,`+
			`"missing":-1,"get_on_array":-1,"b_len":4,"b0_ret":1,"b0":1,"b0_as_i64":-1,"b1_len":3,"b1_read":3,`+
			`"b1_buf2":169,"b1_nul":0,"b2_type":0,"b3_as_i64":-1,"b_oob":-1,"b_len_of_number":-1}`)
	})
}

func TestJSONBuild(t *testing.T) {
	eachEngine(t, func(t *testing.T, mode vm.JITMode) {
		ch := loadFixtures(t, mode, "json_api")
		ex, err := runOp(t, ch, "op=build")
		wantJSON(t, ex, err, 201, `{"push1":1,"push2":2,"aset":0,"aset_oob":-1,"push_to_object":-1,"set_on_array":-1,`+
			`"arr":"replaced","remove":0,"remove_again":-1,"clone_type":2,"after_reset":10}`)
		if ex.Mem.Used == 0 || ex.Mem.Used > helpers.DefaultMemoryBudget {
			t.Errorf("budget used %d", ex.Mem.Used)
		}
	})
}

func TestJSONTraps(t *testing.T) {
	eachEngine(t, func(t *testing.T, mode vm.JITMode) {
		ch := loadFixtures(t, mode, "json_api")
		var he *helpers.HandleError
		var be *helpers.BudgetError
		for _, c := range []struct {
			op    string
			check func(error) bool
		}{
			{"stale", func(err error) bool { return errors.As(err, &he) && he.Handle == 1 }},
			{"free_unknown", func(err error) bool { return errors.As(err, &he) && he.Handle == 2 }},
			{"free_twice", func(err error) bool { return errors.As(err, &he) }},
			{"i64_len", func(err error) bool { return errors.Is(err, abi.TrapHelper) }},
			{"bool_len", func(err error) bool { return errors.Is(err, abi.TrapHelper) }},
			{"handles", func(err error) bool { return errors.Is(err, abi.TrapHelper) }},
			{"budget", func(err error) bool { return errors.Is(err, abi.TrapMemoryBudget) && errors.As(err, &be) }},
			{"respond_twice", func(err error) bool { return errors.Is(err, abi.TrapHelper) }},
			{"bad_status", func(err error) bool { return errors.Is(err, abi.TrapHelper) }},
			{"bad_utf8", func(err error) bool { return errors.Is(err, abi.TrapHelper) }},
		} {
			_, err := runOp(t, ch, "op="+c.op)
			var re *RunError
			if !errors.As(err, &re) || !c.check(err) {
				t.Errorf("%s: got %v", c.op, err)
			}
		}
	})
}

// TestMemoryBudgetConfig: a smaller configured budget is shared by the
// request; a parse that does not fit traps with TrapMemoryBudget.
func TestMemoryBudgetConfig(t *testing.T) {
	ch := loadFixtures(t, vm.JITOff, "json_api")
	ex := newExchange("GET", "/", "op=read")
	ex.Config = &helpers.Config{MemoryBudget: 2000}
	err := ch.Run(ex, DefaultFuel)
	if !errors.Is(err, abi.TrapMemoryBudget) {
		t.Fatalf("got %v", err)
	}
	if ex.Mem.Limit != 2000 || ex.Mem.Used > 2000 {
		t.Errorf("budget %+v", ex.Mem)
	}
	ex.Reset()
	if ex.Mem != (helpers.MemBudget{}) {
		t.Errorf("Reset kept %+v", ex.Mem)
	}
}
