package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestSDKHeader(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"--dump-sdk"}, &out, &errb); code != 0 || !strings.Contains(out.String(), "#define ZS_ENTRY") {
		t.Fatalf("--dump-sdk: %d %q %q", code, out.String()[:min(out.Len(), 80)], errb.String())
	}
	if code := run([]string{"sdk", "header", "extra"}, &out, &errb); code != 2 {
		t.Errorf("sdk header extra: exit %d, want 2", code)
	}
	if code := run([]string{"sdk", "nope"}, &out, &errb); code != 2 {
		t.Errorf("sdk nope: exit %d, want 2", code)
	}
}

func TestSDKCompile(t *testing.T) {
	if _, err := exec.LookPath("clang"); err != nil {
		t.Skip("clang not installed")
	}
	dst := filepath.Join(t.TempDir(), "hello.o")
	var out, errb bytes.Buffer
	if code := run([]string{"sdk", "compile", "../../internal/script/testdata/hello.c", "-o", dst}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if code := run([]string{"bpf", "disasm", dst}, &out, &errb); code != 0 || !strings.Contains(out.String(), "call zs_req_header") {
		t.Fatalf("disasm of the compiled plugin: %d %s", code, errb.String())
	}
	bad := filepath.Join(t.TempDir(), "bad.c")
	os.WriteFile(bad, []byte("int x = ;\n"), 0o644)
	if code := run([]string{"sdk", "compile", bad}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "clang") {
		t.Fatalf("bad source: exit %d, %s", code, errb.String())
	}
}
