package compile

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/zeroserve/zeroserve/internal/bpf/elfwrite"
	"github.com/zeroserve/zeroserve/internal/caddyconf"
	"github.com/zeroserve/zeroserve/internal/caddyfile"
	"github.com/zeroserve/zeroserve/internal/script"
	"github.com/zeroserve/zeroserve/internal/vm"
)

// caddyCorpus returns the Caddyfiles of Caddy's adapter corpus
// (caddytest/integration/caddyfile_adapt/*.caddyfiletest in the module
// cache) by file name, after changing into the directory their imports
// are relative to.
func caddyCorpus(t *testing.T) map[string]string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-json", "github.com/caddyserver/caddy/v2").Output()
	var m struct{ Dir string }
	if err != nil || json.Unmarshal(out, &m) != nil || m.Dir == "" {
		t.Skip("Caddy module not in the module cache: corpus not available")
	}
	files, _ := filepath.Glob(filepath.Join(m.Dir, "caddytest", "integration", "caddyfile_adapt", "*.caddyfiletest"))
	if len(files) == 0 {
		t.Skipf("no adapter corpus in %s", m.Dir)
	}
	t.Chdir(filepath.Join(m.Dir, "caddytest", "integration"))
	cases := map[string]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src, _, _ := strings.Cut(string(data), "----------")
		cases[filepath.Base(f)] = strings.TrimSpace(src) + "\n"
	}
	return cases
}

// TestCompileCorpus runs every case of Caddy's adapter corpus through
// Adapt → Parse → Lower → Compile (every server) and loads each object in
// the VM. Rejections are counted by reason, never failures; an object the
// VM refuses is.
func TestCompileCorpus(t *testing.T) {
	cases := caddyCorpus(t)
	names := make([]string, 0, len(cases))
	for n := range cases {
		names = append(names, n)
	}
	sort.Strings(names)
	h, err := script.NewHelpers()
	if err != nil {
		t.Fatal(err)
	}
	var compiled, rejected, notAdapted, objects int
	reasons := map[string]int{}
	for _, name := range names {
		js, _, err := caddyfile.Adapt("Caddyfile", []byte(cases[name]))
		if err != nil {
			notAdapted++
			continue
		}
		reason, n := compileAll(t, name, js, h)
		objects += n
		if reason == "" {
			compiled++
			continue
		}
		rejected++
		reasons[reason]++
	}
	type kv struct {
		k string
		n int
	}
	var top []kv
	for k, n := range reasons {
		top = append(top, kv{k, n})
	}
	sort.Slice(top, func(i, j int) bool { return top[i].n > top[j].n || top[i].n == top[j].n && top[i].k < top[j].k })
	var parts []string
	for i, e := range top {
		if i == 12 {
			break
		}
		parts = append(parts, fmt.Sprintf("%d× %s", e.n, e.k))
	}
	t.Logf("caddy compile corpus: %d compiled, %d rejected (top reasons: %s); %d not adapted by our adapter; %d objects loaded",
		compiled, rejected, strings.Join(parts, "; "), notAdapted, objects)
}

// compileAll compiles every server of an adapted config and loads each
// object; it returns the first rejection's reason ("" when all compile)
// and the number of objects loaded.
func compileAll(t *testing.T, name string, js []byte, h *vm.Helpers) (string, int) {
	cfg, err := caddyconf.Parse(js)
	if err != nil {
		return "parse: " + reasonOf(err), 0
	}
	prog, err := caddyconf.Lower(cfg)
	if err != nil {
		return "lower: " + reasonOf(err), 0
	}
	if len(prog.Servers) == 0 {
		return "no http server", 0
	}
	n := 0
	for _, sp := range prog.Servers {
		obj, err := Compile(prog, Options{Server: sp.Name})
		if err != nil {
			return reasonOf(err), n
		}
		elf, err := elfwrite.Write(obj)
		if err != nil {
			t.Errorf("%s: server %s: elfwrite: %v", name, sp.Name, err)
			continue
		}
		for _, jit := range engines {
			s, err := script.LoadObject("caddy", elf, h, script.Options{JIT: jit})
			if err != nil {
				t.Errorf("%s: server %s: the VM refuses the compiled object (%v): %v", name, sp.Name, jit, err)
				continue
			}
			s.Program().Close()
		}
		n++
	}
	return "", n
}

var quoted = regexp.MustCompile(`\[[0-9]+\]|\["[^"]*"\]|\.[A-Za-z0-9_-]+`)

// reasonOf reduces an error to a reason shared by similar errors: the
// message without its JSON path, or the unsupported module's kind and name.
func reasonOf(err error) string {
	var ue *caddyconf.UnsupportedError
	if errors.As(err, &ue) {
		return fmt.Sprintf("unsupported %s %q", ue.Kind, ue.Name)
	}
	var ce *Error
	if errors.As(err, &ce) {
		return ce.Msg
	}
	var pe *caddyconf.PathError
	if errors.As(err, &pe) {
		return pe.Msg
	}
	return quoted.ReplaceAllString(err.Error(), "")
}
