package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeFile writes content to name in a new temporary directory.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// runCLI runs the CLI with args and returns exit code, stdout and stderr.
func runCLI(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestAdaptCommand(t *testing.T) {
	path := writeFile(t, "Caddyfile", "example.com {\n\trespond \"hi\"\n}\n")
	for _, args := range [][]string{
		{"adapt", "--config", path},
		{"adapt", "--config", path, "--pretty", "--validate"},
		{"--adapt-caddyfile", path},
	} {
		code, out, errOut := runCLI(args...)
		if code != 0 {
			t.Fatalf("%v: exit %d, stderr %q", args, code, errOut)
		}
		var cfg map[string]any
		if err := json.Unmarshal([]byte(out), &cfg); err != nil {
			t.Fatalf("%v: output is not JSON: %v\n%s", args, err, out)
		}
		if !strings.Contains(out, `"example.com"`) || !strings.Contains(out, `"static_response"`) {
			t.Errorf("%v: output lacks the site: %s", args, out)
		}
	}
	code, out, _ := runCLI("adapt", "--config", path, "--pretty")
	if code != 0 || !strings.Contains(out, "\n\t\"apps\"") {
		t.Errorf("--pretty output not indented with tabs: %q", out)
	}
}

func TestAdaptCommandErrors(t *testing.T) {
	bad := writeFile(t, "Caddyfile", "example.com {\n\tphp_fastcgi localhost:9000\n}\n")
	code, _, errOut := runCLI("adapt", "--config", bad)
	if code != 1 || !strings.Contains(errOut, "zeroserve: ") || !strings.Contains(errOut, `Caddyfile:2: unsupported directive "php_fastcgi"`) {
		t.Errorf("unsupported directive: exit %d, stderr %q", code, errOut)
	}
	code, _, _ = runCLI("adapt", "--config", filepath.Join(t.TempDir(), "missing"))
	if code != 1 {
		t.Errorf("missing file: exit %d, want 1", code)
	}
	for _, args := range [][]string{{"adapt"}, {"adapt", "--nope"}, {"adapt", "--config", bad, "extra"}, {"validate"}} {
		if code, _, errOut := runCLI(args...); code != 2 || errOut == "" {
			t.Errorf("%v: exit %d stderr %q, want usage and 2", args, code, errOut)
		}
	}
}

func TestAdaptCommandWarnings(t *testing.T) {
	// Not formatted (space indentation): adapts with a warning on stderr.
	path := writeFile(t, "Caddyfile", "example.com {\n  respond \"hi\"\n}\n")
	code, _, errOut := runCLI("adapt", "--config", path)
	if code != 0 || !strings.Contains(errOut, "zeroserve: warning: "+path+":2: Caddyfile input is not formatted") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func TestValidateCommand(t *testing.T) {
	good := writeFile(t, "Caddyfile", ":8080 {\n\trespond \"ok\"\n}\n")
	if code, out, errOut := runCLI("validate", "--config", good); code != 0 || !strings.Contains(out, "Valid configuration") {
		t.Errorf("good: exit %d out %q err %q", code, out, errOut)
	}
	// validate succeeds exactly when the (single) server compiles.
	for _, body := range []string{":8080 {\n\tencode gzip\n}\n", ":8080 {\n\trespond \"ok\"\n}\n"} {
		path := writeFile(t, "Caddyfile", body)
		_, compileErr := compileConfig(path, "caddyfile", "", io.Discard)
		code, _, errOut := runCLI("validate", "--config", path)
		if (compileErr == nil) != (code == 0) || (code != 0 && !strings.Contains(errOut, "zeroserve: server srv0: ")) {
			t.Errorf("%q: compile error %v, validate exit %d stderr %q", body, compileErr, code, errOut)
		}
	}
	bad := writeFile(t, "Caddyfile", "example.com {\n\tbogus_directive\n}\n")
	if code, _, errOut := runCLI("validate", "--config", bad); code != 1 || !strings.Contains(errOut, ":2: unsupported directive \"bogus_directive\"") {
		t.Errorf("bad: exit %d err %q", code, errOut)
	}
}

func TestFmtCommand(t *testing.T) {
	unformatted := "example.com {\n  respond \"hi\"\n}\n"
	formatted := "example.com {\n\trespond \"hi\"\n}\n"
	path := writeFile(t, "Caddyfile", unformatted)

	code, out, errOut := runCLI("fmt", path)
	if code != 1 || out != formatted || !strings.Contains(errOut, path+":2: Caddyfile input is not formatted") {
		t.Errorf("fmt: exit %d out %q err %q", code, out, errOut)
	}
	code, out, _ = runCLI("fmt", "--diff", path)
	if code != 1 || !strings.Contains(out, "-   respond \"hi\"\n") || !strings.Contains(out, "+ \trespond \"hi\"\n") || !strings.Contains(out, "  example.com {\n") {
		t.Errorf("fmt --diff: exit %d out %q", code, out)
	}
	if code, _, errOut := runCLI("fmt", "--overwrite", path); code != 0 {
		t.Fatalf("fmt --overwrite: exit %d err %q", code, errOut)
	}
	if got, _ := os.ReadFile(path); string(got) != formatted {
		t.Errorf("after --overwrite: %q", got)
	}
	if code, out, errOut := runCLI("fmt", path); code != 0 || out != formatted || errOut != "" {
		t.Errorf("formatted file: exit %d out %q err %q", code, out, errOut)
	}
	if code, _, _ := runCLI("fmt", "a", "b"); code != 2 {
		t.Errorf("two files: exit %d, want 2", code)
	}
}

func TestLineDiff(t *testing.T) {
	var buf bytes.Buffer
	writeLineDiff(&buf, []string{"a", "b", "c"}, []string{"a", "x", "c", "d"})
	want := "  a\n- b\n+ x\n  c\n+ d\n"
	if buf.String() != want {
		t.Errorf("diff = %q, want %q", buf.String(), want)
	}
}
