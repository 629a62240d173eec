package vm

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/zeroserve/zeroserve/internal/bpf/corpus"
)

// conformanceSkips lists corpus files this runner does not run, each with
// its reason. A listed file that would pass fails the test until it is
// removed from the list.
var conformanceSkips = map[string]string{
	"ubpf/tests/errors/err-address-overflow-offset.data": "expects a runtime memory fault; the cage masks wild addresses instead of faulting (DESIGN §3), so the store lands in the cage and the program returns normally",
	"ubpf/tests/errors/err-address-underflow.data":       "expects a runtime memory fault; the cage masks wild addresses instead of faulting (DESIGN §3)",
	"ubpf/tests/errors/err-integer-overflow-bounds.data": "expects a runtime memory fault; the cage masks wild addresses instead of faulting (DESIGN §3)",
	"ubpf/tests/errors/err-unknown-opcode.data":          "expects opcode 0x06 to be unknown, but RFC 9669 defines it as ja32 (gotol), which bpf_conformance's ja32 tests require (testdata/README.md §5)",
	"ubpf/tests/reload.data":                             "uBPF VM-API test (loading code twice into one VM); no equivalent API",
}

// testdataRoot finds the corpora: $ZEROSERVE_TESTDATA, a testdata folder
// above this package, or the shared folder beside the repository.
func testdataRoot(t *testing.T) string {
	if root, err := corpus.Root("."); err == nil {
		return root
	}
	root := filepath.Join("..", "..", "..", "shared", "testdata")
	if _, err := os.Stat(filepath.Join(root, "bpf_conformance")); err != nil {
		t.Skipf("eBPF corpora not found (set ZEROSERVE_TESTDATA): %v", err)
	}
	return root
}

// engines are the JIT modes the corpora run under: the interpreter, and the
// JIT where this architecture has one.
func engines() []JITMode {
	if hasJIT {
		return []JITMode{JITOff, JITOn}
	}
	return []JITMode{JITOff}
}

// runCorpusTest loads and runs one test with the conformance helpers and mem
// (ConformanceObject), and returns r0 or the load or run error.
func runCorpusTest(tc *corpus.Test, mode JITMode) (uint64, error) {
	h := NewHelpers()
	if err := RegisterConformanceHelpers(h); err != nil {
		return 0, err
	}
	p, err := Load(ConformanceObject(tc.Program, tc.Mem), Options{Helpers: h, JIT: mode})
	if err != nil {
		return 0, err
	}
	defer p.Close()
	c, err := p.NewContext()
	if err != nil {
		return 0, err
	}
	defer c.Close()
	return c.Run(0, nil, 1<<24)
}

func TestConformance(t *testing.T) {
	root := testdataRoot(t)
	for _, mode := range engines() {
		t.Run("jit="+mode.String(), func(t *testing.T) { testConformance(t, root, mode) })
	}
}

func testConformance(t *testing.T, root string, mode JITMode) {
	var passed, failed, skipped int
	reasons := map[string]int{}
	for _, dir := range []string{"bpf_conformance/tests", "ubpf/tests", "bpf_conformance/negative"} {
		files, err := corpus.Files(filepath.Join(root, dir))
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range files {
			rel, _ := filepath.Rel(root, path)
			rel = filepath.ToSlash(rel)
			ok, skip := checkCorpusFile(t, rel, path, mode)
			switch {
			case skip != "":
				skipped++
				reasons[skip]++
			case ok:
				passed++
			default:
				failed++
			}
		}
	}
	var why []string
	for r, n := range reasons {
		why = append(why, r+": "+strconv.Itoa(n))
	}
	slices.Sort(why)
	t.Logf("bpf conformance (--jit=%v): %d passed, %d failed, %d skipped (%s)", mode, passed, failed, skipped, strings.Join(why, "; "))
}

// checkCorpusFile runs one file and reports pass, or a skip reason.
func checkCorpusFile(t *testing.T, rel, path string, mode JITMode) (bool, string) {
	t.Helper()
	tc, err := corpus.ParseFile(path)
	if strings.HasPrefix(rel, "bpf_conformance/negative/") {
		return checkNegative(t, rel, tc, err, mode)
	}
	if err != nil {
		t.Errorf("%s: %v", rel, err)
		return false, ""
	}
	if reason, ok := conformanceSkips[rel]; ok {
		if tc.Program != nil && (tc.HasResult || tc.ExpectError) {
			got, err := runCorpusTest(tc, mode)
			if passes(tc, got, err) {
				t.Errorf("%s: listed as skipped (%s) but passes; remove it from conformanceSkips", rel, reason)
				return false, ""
			}
		}
		return false, "documented exclusion"
	}
	switch {
	case tc.Has("pyelf"):
		return false, "uBPF ELF-loader mutation test described only in prose (covered by bpf/elfload's template tests)"
	case tc.Program == nil:
		t.Errorf("%s: no program: %v", rel, tc.AssembleErr)
		return false, ""
	case !tc.HasResult && !tc.ExpectError:
		return false, "assembler encoding test without a result (covered by package bpf)"
	}
	got, err := runCorpusTest(tc, mode)
	if !passes(tc, got, err) {
		t.Errorf("%s: got r0 %#x, err %v; want result %#x (has %v), error %v", rel, got, err, tc.Result, tc.HasResult, tc.ExpectError)
		return false, ""
	}
	return true, ""
}

// passes applies README §5: an error test passes when loading or running
// fails; a test with both error and result also passes with that result.
func passes(tc *corpus.Test, got uint64, err error) bool {
	if err != nil {
		return tc.ExpectError
	}
	return tc.HasResult && got == tc.Result
}

// checkNegative handles bpf_conformance/negative: the unused-field files
// must be rejected by the validator; the others test the assembler or the
// harness itself.
func checkNegative(t *testing.T, rel string, tc *corpus.Test, parseErr error, mode JITMode) (bool, string) {
	name := filepath.Base(rel)
	switch {
	case strings.HasPrefix(name, "unused-"):
		if parseErr != nil || tc.Program == nil {
			t.Errorf("%s: cannot read program: %v %v", rel, parseErr, tc)
			return false, ""
		}
		_, err := LoadCode(tc.Program, Options{JIT: mode})
		var ve *VerifyError
		if !errors.As(err, &ve) {
			t.Errorf("%s: validator accepted a reserved nonzero field (err %v)", rel, err)
			return false, ""
		}
		return true, ""
	case name == "incorrect_return_value_high_bits.data":
		// The expected value is deliberately wrong: the runner must see a mismatch.
		got, err := runCorpusTest(tc, mode)
		if err != nil || got == tc.Result {
			t.Errorf("%s: got %#x, %v: the runner must report a mismatch against %#x", rel, got, err, tc.Result)
			return false, ""
		}
		return true, ""
	case parseErr != nil || tc.AssembleErr != nil || tc.Program == nil:
		return false, "assembler or harness self-test (checked by package bpf/corpus)"
	case name == "error.data":
		return false, "expects the Linux verifier's uninitialised-register check; a plain VM runs it"
	}
	t.Errorf("%s: unclassified negative test", rel)
	return false, ""
}
