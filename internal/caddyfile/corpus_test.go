package caddyfile

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// caddyModuleDir returns the directory of the Caddy module in the module
// cache, or "" if it is not downloaded.
func caddyModuleDir(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-json", "github.com/caddyserver/caddy/v2").Output()
	if err != nil {
		return ""
	}
	var m struct{ Dir string }
	if json.Unmarshal(out, &m) != nil || m.Dir == "" {
		return ""
	}
	if _, err := os.Stat(m.Dir); err != nil {
		return ""
	}
	return m.Dir
}

// corpusCase is one .caddyfiletest: a Caddyfile and the expected JSON or
// the expected error text.
type corpusCase struct {
	name, filename, caddyfile, expected string
}

// loadCorpus reads every *.caddyfiletest of Caddy's adapter corpus.
func loadCorpus(t *testing.T) []corpusCase {
	t.Helper()
	dir := caddyModuleDir(t)
	if dir == "" {
		t.Skip("Caddy module not in the module cache (go mod download github.com/caddyserver/caddy/v2): corpus not available")
	}
	files, err := filepath.Glob(filepath.Join(dir, "caddytest", "integration", "caddyfile_adapt", "*.caddyfiletest"))
	if err != nil || len(files) == 0 {
		t.Skipf("no adapter corpus in %s", dir)
	}
	sort.Strings(files)
	// Imports of files in the corpus are relative to Caddy's integration
	// test directory; Caddy resolves them against the working directory of
	// process start, so those cases name a Caddyfile in that directory.
	integration := filepath.Join(dir, "caddytest", "integration")
	// Certificate files the corpus names are relative to that directory too.
	t.Chdir(integration)
	var cases []corpusCase
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		caddyfile, expected, _ := strings.Cut(string(data), "----------")
		filename := "Caddyfile"
		if strings.Contains(string(data), "import testdata/") {
			filename = filepath.Join(integration, "Caddyfile")
		}
		cases = append(cases, corpusCase{
			name:      filepath.Base(f),
			filename:  filename,
			caddyfile: strings.TrimSpace(caddyfile) + "\n",
			expected:  strings.ReplaceAll(strings.TrimSpace(expected), "\r\n", "\n"),
		})
	}
	return cases
}

// TestCaddyCorpus adapts every case of Caddy's adapter corpus: the JSON
// must equal Caddy's (as JSON values), or the case must be rejected as
// unsupported; expected-error cases must fail. Any other outcome fails.
func TestCaddyCorpus(t *testing.T) {
	cases := loadCorpus(t)
	var identical, rejected, errorsMatched int
	var rejectedList, mismatches []string
	for _, c := range cases {
		out, _, err := Adapt(c.filename, []byte(c.caddyfile))
		var unsup *UnsupportedError
		if !strings.HasPrefix(c.expected, "{") {
			if err != nil {
				errorsMatched++
			} else {
				mismatches = append(mismatches, c.name+": expected an error containing "+c.expected+", got none")
			}
			continue
		}
		if errors.As(err, &unsup) {
			rejected++
			rejectedList = append(rejectedList, c.name+": "+err.Error())
			continue
		}
		if err != nil {
			mismatches = append(mismatches, c.name+": "+err.Error())
			continue
		}
		var got, want any
		if err := json.Unmarshal(out, &got); err != nil {
			mismatches = append(mismatches, c.name+": our output is not JSON: "+err.Error())
			continue
		}
		if err := json.Unmarshal([]byte(c.expected), &want); err != nil {
			t.Fatalf("%s: expected JSON does not parse: %v", c.name, err)
		}
		if !reflect.DeepEqual(got, want) {
			wantCompact, _ := json.Marshal(want)
			mismatches = append(mismatches, c.name+":\n  got  "+string(out)+"\n  want "+string(wantCompact))
			continue
		}
		identical++
	}
	t.Logf("rejected cases (unsupported):\n  %s", strings.Join(rejectedList, "\n  "))
	for _, m := range mismatches {
		t.Errorf("mismatch: %s", m)
	}
	t.Logf("caddy adapt corpus: %d identical, %d rejected (unsupported), %d expected-errors matched, %d mismatched",
		identical, rejected, errorsMatched, len(mismatches))
}
