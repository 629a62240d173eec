package bpf_test

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/zeroserve/zeroserve/internal/bpf"
	"github.com/zeroserve/zeroserve/internal/bpf/corpus"
)

// corpusTests parses every .data file under the given corpus folders, or
// skips the test when the corpora are not found.
func corpusTests(t *testing.T, dirs ...string) []*corpus.Test {
	t.Helper()
	root, err := corpus.Root(".")
	if err != nil {
		t.Skipf("corpora not found: %v", err)
	}
	var tests []*corpus.Test
	for _, d := range dirs {
		files, err := corpus.Files(filepath.Join(root, d))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			tst, err := corpus.ParseFile(f)
			if err != nil {
				continue // corpus tests check the parser; here only programs matter
			}
			tests = append(tests, tst)
		}
	}
	return tests
}

// TestDisassembleCorpora disassembles every program of the positive
// corpora (bpf_conformance/tests, uBPF except errors/): no slot may print
// as .inv, and every slot but an lddw's second must pass Validate.
func TestDisassembleCorpora(t *testing.T) {
	tests := corpusTests(t, "bpf_conformance/tests", "ubpf/tests")
	slots := 0
	for _, tst := range tests {
		if strings.Contains(tst.Path, "/errors/") {
			continue
		}
		text := bpf.Disassemble(tst.Program)
		if strings.Contains(text, ".inv") {
			t.Errorf("%s:\n%s", tst.Path, text)
		}
		for pc := 0; pc < len(tst.Program); pc++ {
			slots++
			if err := tst.Program[pc].Validate(); err != nil {
				t.Errorf("%s: slot %d: %v", tst.Path, pc, err)
			}
			if tst.Program[pc].IsWide() {
				pc++
			}
		}
	}
	if slots < 3000 {
		t.Errorf("only %d slots checked; corpora incomplete?", slots)
	}
	t.Logf("disassembled %d programs, %d slots", len(tests), slots)
}

// TestUnusedFieldsRejected checks that the first slot of each of the 45
// negative/unused-*.data files fails Validate and prints as .inv.
func TestUnusedFieldsRejected(t *testing.T) {
	n := 0
	for _, tst := range corpusTests(t, "bpf_conformance/negative") {
		if !strings.HasPrefix(tst.Name, "unused-") {
			continue
		}
		n++
		if len(tst.Program) == 0 {
			t.Errorf("%s: no program", tst.Name)
			continue
		}
		if err := tst.Program[0].Validate(); err == nil {
			t.Errorf("%s: %v accepted", tst.Name, tst.Program[0])
		}
		if !strings.HasPrefix(tst.Program[0].String(), ".inv ") {
			t.Errorf("%s: prints as %q", tst.Name, tst.Program[0])
		}
	}
	if n != 45 {
		t.Errorf("%d unused-* files, want 45", n)
	}
}

// TestGroupsMatchIndex compares, for every bpf_conformance test, the
// conformance groups of its instructions with the groups INDEX.tsv took
// from bpf_conformance's own opcode table (which lists base32 always and
// no implied groups).
func TestGroupsMatchIndex(t *testing.T) {
	root, err := corpus.Root(".")
	if err != nil {
		t.Skipf("corpora not found: %v", err)
	}
	index, err := os.ReadFile(filepath.Join(root, "bpf_conformance", "INDEX.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	// bpf_conformance's table puts neg (0x87) in base32; RFC 9669 puts
	// every ALU64 instruction but mul/div/mod in base64.
	exceptions := map[string]string{"tests/neg64.data": "base32,base64"}
	n := 0
	for _, row := range strings.Split(string(index), "\n")[1:] {
		cols := strings.Split(row, "\t")
		if len(cols) < 9 || cols[1] != "exec" {
			continue
		}
		tst, err := corpus.ParseFile(filepath.Join(root, "bpf_conformance", cols[0]))
		if err != nil {
			t.Errorf("%s: %v", cols[0], err)
			continue
		}
		groups := map[string]bool{"base32": true}
		for pc := 0; pc < len(tst.Program); pc++ {
			groups[tst.Program[pc].Group().String()] = true
			if tst.Program[pc].IsWide() {
				pc++
			}
		}
		var names []string
		for g := range groups {
			names = append(names, g)
		}
		sort.Strings(names)
		want := cols[8]
		if e, ok := exceptions[cols[0]]; ok {
			want = e
		}
		n++
		if got := strings.Join(names, ","); got != want {
			t.Errorf("%s: groups %s, want %s", cols[0], got, want)
		}
	}
	t.Logf("checked the groups of %d tests", n)
}
