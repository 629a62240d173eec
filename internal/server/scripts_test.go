package server

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zeroserve/zeroserve/internal/bpf/elfwrite"
	"github.com/zeroserve/zeroserve/internal/caddyconf"
	"github.com/zeroserve/zeroserve/internal/compile"
	"github.com/zeroserve/zeroserve/internal/loop"
	"github.com/zeroserve/zeroserve/internal/script"
	"github.com/zeroserve/zeroserve/internal/vm"
)

// scriptServer serves the named script fixtures (internal/script/testdata,
// precompiled) on backend b with the engine mode.
func scriptServer(t *testing.T, b loop.Backend, mode vm.JITMode, log io.Writer, names ...string) *Server {
	t.Helper()
	h, err := script.NewHelpers()
	if err != nil {
		t.Fatal(err)
	}
	var ss []*script.Script
	for _, n := range names {
		s, err := script.LoadFile(filepath.Join("..", "script", "testdata", n+".o"), h, script.Options{JIT: mode})
		if err != nil {
			t.Fatal(err)
		}
		ss = append(ss, s)
	}
	chain := script.NewChain(ss...)
	t.Cleanup(chain.Close)
	return startServer(t, b, Config{Handler: &Scripts{Chain: chain, Fuel: 2_000_000, Log: log}})
}

func get(t *testing.T, s *Server, path string, hdr ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", "http://"+s.Addr().String()+path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	c := &http.Client{Timeout: testTimeout}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// TestScripts serves C scripts through the real server on both backends and
// both engines: responses with metadata headers, request rewriting seen by
// a later script, a miss (404), traps (500, the server keeps serving), an
// infinite loop ended by the fuel budget and an abort.
func TestScripts(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		for _, mode := range []vm.JITMode{vm.JITOff, vm.JITAuto} {
			t.Run("jit="+mode.String(), func(t *testing.T) {
				var log syncBuffer
				s := scriptServer(t, b, mode, &log, "hostile", "hello", "rewrite", "echo")

				resp, body := get(t, s, "/x", "X-Name", "zoe")
				if resp.StatusCode != 200 || body != "hello zoe" || resp.Header.Get("X-Hello") != "zoe" {
					t.Errorf("hello: %d %q %v", resp.StatusCode, body, resp.Header)
				}
				// No X-Name: hello declines, rewrite changes the request,
				// echo answers with what it sees.
				resp, body = get(t, s, "/orig?q=1", "X-Secret-Token", "t")
				if resp.StatusCode != 200 || !strings.Contains(body, "method=PUT\nuri=/rewritten/path?a=1&b=two%20words\n") || !strings.Contains(body, "x-secret-token=\n") {
					t.Errorf("rewrite+echo: %d %q", resp.StatusCode, body)
				}
				for _, mode := range []string{"wild", "rodata", "status"} {
					resp, body = get(t, s, "/", "X-Mode", mode)
					if resp.StatusCode != 500 || body != "" {
						t.Errorf("%s: %d %q, want an empty 500", mode, resp.StatusCode, body)
					}
				}
				start := time.Now()
				resp, _ = get(t, s, "/", "X-Mode", "loop")
				if resp.StatusCode != 500 || time.Since(start) > 5*time.Second {
					t.Errorf("loop: %d after %v", resp.StatusCode, time.Since(start))
				}
				// Abort: the connection closes without a response.
				c := dial(t, s)
				fmt.Fprintf(c, "GET / HTTP/1.1\r\nHost: x\r\nX-Mode: abort\r\n\r\n")
				if n, err := bufio.NewReader(c).ReadByte(); err != io.EOF {
					t.Errorf("abort: read %q, %v; want EOF", n, err)
				}
				// Still serving after all of that.
				if resp, body = get(t, s, "/", "X-Name", "again"); body != "hello again" {
					t.Errorf("after traps: %d %q", resp.StatusCode, body)
				}
				deadline := time.Now().Add(testTimeout)
				for !strings.Contains(log.String(), "fuel exhausted") && time.Now().Before(deadline) {
					time.Sleep(10 * time.Millisecond)
				}
				if l := log.String(); !strings.Contains(l, `script "hostile" section "zeroserve.request" failed`) || !strings.Contains(l, "[user_log] hello: GET /x") {
					t.Errorf("log:\n%s", l)
				}
			})
		}
	})
}

// TestScriptHooks: a response hook asks for the request to run again; the
// second run's hook changes the status before it is written.
func TestScriptHooks(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		s := scriptServer(t, b, vm.JITAuto, nil, "rerun")
		resp, body := get(t, s, "/")
		if resp.StatusCode != 299 || body != "second" {
			t.Errorf("got %d %q, want 299 \"second\"", resp.StatusCode, body)
		}
	})
}

// TestScriptConnectionClose: a Caddy static_response with close sends
// "Connection: close" and closes the connection.
func TestScriptConnectionClose(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		h, err := script.NewHelpers()
		if err != nil {
			t.Fatal(err)
		}
		e := compileStatic(t, `{"apps":{"http":{"servers":{"srv0":{"listen":[":0"],"routes":[{"handle":[{"handler":"static_response","body":"bye","close":true}]}]}}}}}`)
		s, err := script.LoadObject("caddy", e, h, script.Options{})
		if err != nil {
			t.Fatal(err)
		}
		chain := script.NewChain(s)
		t.Cleanup(chain.Close)
		srv := startServer(t, b, Config{Handler: &Scripts{Chain: chain}})
		c := dial(t, srv)
		fmt.Fprintf(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		br := bufio.NewReader(c)
		resp, body := readResponse(t, br, "GET")
		if resp.StatusCode != 200 || body != "bye" || !resp.Close {
			t.Fatalf("got %d %q close=%v", resp.StatusCode, body, resp.Close)
		}
		if _, err := br.ReadByte(); err != io.EOF {
			t.Fatalf("connection still open: %v", err)
		}
	})
}

// compileStatic compiles a Caddy JSON config to an ELF object.
func compileStatic(t *testing.T, js string) []byte {
	t.Helper()
	cfg, err := caddyconf.Parse([]byte(js))
	if err != nil {
		t.Fatal(err)
	}
	prog, err := caddyconf.Lower(cfg)
	if err != nil {
		t.Fatal(err)
	}
	obj, err := compile.Compile(prog, compile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	elf, err := elfwrite.Write(obj)
	if err != nil {
		t.Fatal(err)
	}
	return elf
}
