package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zeroserve/zeroserve/internal/bpf/elfload"
)

// TestCompileCommand compiles the bundled example with `compile` and its
// alias `--caddy-compile`, checks both objects are identical and load, and
// that llvm-objdump disassembles them with the zs_caddy_* relocations.
func TestCompileCommand(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.o"), filepath.Join(dir, "b.o")
	for _, args := range [][]string{
		{"compile", "--config", "../../examples/Caddyfile", "-o", a},
		{"--caddy-compile", "../../examples/Caddyfile", "-o", b},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(args, &stdout, &stderr); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr.String())
		}
	}
	da, _ := os.ReadFile(a)
	db, _ := os.ReadFile(b)
	if len(da) == 0 || !bytes.Equal(da, db) {
		t.Fatalf("compile and --caddy-compile wrote different objects (%d and %d bytes)", len(da), len(db))
	}
	obj, err := elfload.Load(da)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if len(obj.Sections) == 0 || obj.Sections[0].Name != "zeroserve.request" {
		t.Fatalf("sections %+v, want zeroserve.request first", obj.Sections)
	}
	objdump, err := exec.LookPath("llvm-objdump")
	if err != nil {
		t.Skip("llvm-objdump not installed")
	}
	text, err := exec.Command(objdump, "-dr", a).CombinedOutput()
	if err != nil || strings.Contains(string(text), "warning") {
		t.Fatalf("llvm-objdump: %v\n%s", err, text)
	}
	for _, want := range []string{"<zeroserve.request>:", "R_BPF_64_32\tzs_caddy_match", "R_BPF_64_32\tzs_caddy_handle", "R_BPF_64_32\tzs_respond"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("llvm-objdump output lacks %q:\n%s", want, text)
		}
	}
}

// TestCompileCommandErrors checks a rejected config exits 1 naming the
// unsupported field and its JSON path, and bad usage exits 2.
func TestCompileCommandErrors(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "Caddyfile")
	if err := os.WriteFile(cfg, []byte(":80 {\n\tfile_server browse\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"compile", "--config", cfg, "-o", filepath.Join(dir, "x.o")}, &stdout, &stderr); code != 1 ||
		!strings.Contains(stderr.String(), `unsupported file_server field "browse" at apps.http.servers.srv0.routes[0].handle[0].browse`) {
		t.Errorf("file_server browse: exit %d, stderr %q", code, stderr.String())
	}
	if code := run([]string{"compile"}, &stdout, &stderr); code != 2 {
		t.Errorf("no --config: exit %d, want 2", code)
	}
}
