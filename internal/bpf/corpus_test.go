package bpf_test

import (
	"path/filepath"
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
