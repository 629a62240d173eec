package script

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zeroserve/zeroserve/internal/helpers"
	"github.com/zeroserve/zeroserve/internal/vm"
	"github.com/zeroserve/zeroserve/internal/vm/abi"
)

// engines are the VM modes every chain test runs under.
var engines = []vm.JITMode{vm.JITOff, vm.JITAuto}

// loadFixtures loads testdata/NAME.o for each name (precompiled, so these
// tests need no clang; TestFixturesUpToDate checks them against the .c).
func loadFixtures(t *testing.T, mode vm.JITMode, names ...string) *Chain {
	t.Helper()
	h, err := NewHelpers()
	if err != nil {
		t.Fatal(err)
	}
	var ss []*Script
	for _, n := range names {
		s, err := LoadFile(filepath.Join("testdata", n+".o"), h, Options{JIT: mode})
		if err != nil {
			t.Fatal(err)
		}
		ss = append(ss, s)
	}
	ch := NewChain(ss...)
	t.Cleanup(ch.Close)
	return ch
}

func newExchange(method, path, query string, hdr ...string) *helpers.Exchange {
	ex := &helpers.Exchange{Meta: map[string]string{}}
	ex.Req = helpers.Request{Method: method, Path: path, RawQuery: query, Scheme: "http", ProtoMajor: 1, ProtoMinor: 1, Peer: "127.0.0.1:5555"}
	for i := 0; i+1 < len(hdr); i += 2 {
		ex.Req.Header = append(ex.Req.Header, helpers.Field{Name: hdr[i], Value: hdr[i+1]})
	}
	return ex
}

func eachEngine(t *testing.T, f func(t *testing.T, mode vm.JITMode)) {
	for _, m := range engines {
		t.Run("jit="+m.String(), func(t *testing.T) { f(t, m) })
	}
}

func TestRespondAndLog(t *testing.T) {
	eachEngine(t, func(t *testing.T, mode vm.JITMode) {
		ch := loadFixtures(t, mode, "hello")
		var logs []string
		ex := newExchange("GET", "/a/b", "", "X-Name", "bob")
		ex.Log = func(script, line string) { logs = append(logs, script+": "+line) }
		if err := ch.Run(ex, DefaultFuel); err != nil {
			t.Fatal(err)
		}
		if ex.Action != helpers.ActionRespond || ex.Response.Status != 200 || string(ex.Response.Body) != "hello bob" {
			t.Fatalf("got action %v, %d %q", ex.Action, ex.Response.Status, ex.Response.Body)
		}
		if ex.Meta["zs.response.header.x-hello"] != "bob" {
			t.Errorf("meta = %v", ex.Meta)
		}
		var hdrs []string
		ex.ResponseHeaders(func(n, v string) { hdrs = append(hdrs, n+"="+v) })
		if len(hdrs) != 1 || hdrs[0] != "x-hello=bob" {
			t.Errorf("response headers %v", hdrs)
		}
		if len(logs) != 1 || logs[0] != "hello: GET /a/b" {
			t.Errorf("logs = %q", logs)
		}

		// Without the header the script declines and the chain ends with
		// no decision.
		ex = newExchange("GET", "/", "")
		if err := ch.Run(ex, DefaultFuel); err != nil || ex.Action != helpers.ActionNone {
			t.Fatalf("no header: %v, action %v", err, ex.Action)
		}
	})
}

// TestChainOrderAndRewrites: the first script rewrites the shared request
// and sets metadata; the second sees all of it.
func TestChainOrderAndRewrites(t *testing.T) {
	eachEngine(t, func(t *testing.T, mode vm.JITMode) {
		ch := loadFixtures(t, mode, "rewrite", "echo")
		ex := newExchange("GET", "/orig", "x=1", "X-Secret-Token", "s3cr3t", "X-Added", "old")
		if err := ch.Run(ex, DefaultFuel); err != nil {
			t.Fatal(err)
		}
		want := strings.Join([]string{
			"method=PUT",
			"uri=/rewritten/path?a=1&b=two%20words",
			"b=two words",
			"x-added=yes, again",
			"x-secret-token=",
			"stage=rewrite",
		}, "\n") + "\n"
		if got := string(ex.Response.Body); got != want {
			t.Fatalf("echo:\n%s\nwant:\n%s", got, want)
		}
	})
}

// TestFirstResponderWins: once a script responds, later scripts do not run.
func TestFirstResponderWins(t *testing.T) {
	eachEngine(t, func(t *testing.T, mode vm.JITMode) {
		ch := loadFixtures(t, mode, "hello", "echo")
		ex := newExchange("GET", "/", "", "X-Name", "amy")
		if err := ch.Run(ex, DefaultFuel); err != nil || string(ex.Response.Body) != "hello amy" {
			t.Fatalf("got %v %q", err, ex.Response.Body)
		}
	})
}

func TestHostileScripts(t *testing.T) {
	eachEngine(t, func(t *testing.T, mode vm.JITMode) {
		ch := loadFixtures(t, mode, "hostile", "hello")
		for _, c := range []struct {
			mode string
			trap abi.Trap
		}{
			{"loop", abi.TrapFuelExhausted},
			{"wild", abi.TrapMemory},
			{"rodata", abi.TrapMemory},
			{"status", abi.TrapHelper},
		} {
			ex := newExchange("GET", "/", "", "X-Mode", c.mode, "X-Name", "z")
			start := time.Now()
			err := ch.Run(ex, 1_000_000)
			var re *RunError
			if !errors.As(err, &re) || !errors.Is(err, c.trap) || re.Script != "hostile" || re.Section != "zeroserve.request" {
				t.Errorf("%s: got %v, want a %v trap in hostile", c.mode, err, c.trap)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("%s: took %v", c.mode, d)
			}
		}
		ex := newExchange("GET", "/", "", "X-Mode", "abort", "X-Name", "z")
		if err := ch.Run(ex, DefaultFuel); err != nil || ex.Action != helpers.ActionAbort {
			t.Errorf("abort: %v, action %v", err, ex.Action)
		}
		// The chain keeps working after traps.
		ex = newExchange("GET", "/", "", "X-Name", "after")
		if err := ch.Run(ex, DefaultFuel); err != nil || string(ex.Response.Body) != "hello after" {
			t.Errorf("after traps: %v %q", err, ex.Response.Body)
		}
	})
}

// TestFixturesUpToDate recompiles the fixtures with clang (when installed)
// and checks the committed objects load to the same programs.
func TestFixturesUpToDate(t *testing.T) {
	if _, err := exec.LookPath("clang"); err != nil {
		t.Skip("clang not installed")
	}
	h, err := NewHelpers()
	if err != nil {
		t.Fatal(err)
	}
	cs, _ := filepath.Glob("testdata/*.c")
	for _, c := range cs {
		obj, err := CompileC(c)
		if err != nil {
			t.Fatal(err)
		}
		fresh, err := LoadObject(Name(c), obj, h, Options{JIT: vm.JITOff})
		if err != nil {
			t.Fatal(err)
		}
		committed, err := LoadFile(strings.TrimSuffix(c, ".c")+".o", h, Options{JIT: vm.JITOff})
		if err != nil {
			t.Fatal(err)
		}
		a, b := fresh.Program().Instructions(), committed.Program().Instructions()
		if len(a) != len(b) {
			t.Errorf("%s: fresh build has %d slots, committed .o %d: rebuild the fixture (see testdata/README)", c, len(a), len(b))
		}
		fresh.Program().Close()
		committed.Program().Close()
	}
}

func TestCompileCErrors(t *testing.T) {
	if _, err := exec.LookPath("clang"); err != nil {
		t.Skip("clang not installed")
	}
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.c")
	os.WriteFile(bad, []byte("#include \"zeroserve.h\"\nZS_ENTRY zs_u64 entry(void) { return undefined_thing; }\n"), 0o644)
	_, err := CompileC(bad)
	if err == nil || !strings.Contains(err.Error(), "undefined_thing") {
		t.Fatalf("got %v, want clang's diagnostic", err)
	}
	h, _ := NewHelpers()
	unknown := filepath.Join(dir, "unknown.c")
	os.WriteFile(unknown, []byte("#include \"zeroserve.h\"\nextern zs_s64 zs_not_a_helper(void);\nZS_ENTRY zs_u64 entry(void) { return zs_not_a_helper(); }\n"), 0o644)
	_, err = LoadFile(unknown, h, Options{})
	if err == nil || !strings.Contains(err.Error(), "zs_not_a_helper") {
		t.Fatalf("got %v, want an unknown-helper error naming it", err)
	}
}

func TestName(t *testing.T) {
	for in, want := range map[string]string{"a/b/io.su3.aws-sigv4.c": "io.su3.aws-sigv4", "x.o": "x", "plain": "plain"} {
		if got := Name(in); got != want {
			t.Errorf("Name(%q) = %q, want %q", in, got, want)
		}
	}
	ch := NewChain(&Script{Name: "auth"})
	if _, ok := ch.Find("auth.o"); !ok {
		t.Error("Find(auth.o) missed auth")
	}
}
