package corpus

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/zeroserve/zeroserve/internal/bpf"
)

// root returns the corpora folder or skips the test, saying why.
func root(t *testing.T) string {
	t.Helper()
	dir, err := Root(".")
	if err != nil {
		t.Skipf("corpora not found: %v", err)
	}
	return dir
}

// indexRow is one row of an INDEX.tsv file.
type indexRow struct {
	kind     string
	sections string
	slots    int
	memBytes int
	result   string
	error    string
}

func readIndex(t *testing.T, path string) map[string]indexRow {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows := map[string]indexRow{}
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	for sc.Scan() {
		c := strings.Split(sc.Text(), "\t")
		if len(c) < 7 {
			t.Fatalf("%s: short row %q", path, sc.Text())
		}
		slots, _ := strconv.Atoi(c[3])
		mem, _ := strconv.Atoi(c[4])
		rows[c[0]] = indexRow{kind: c[1], sections: c[2], slots: slots, memBytes: mem, result: c[5], error: c[6]}
	}
	return rows
}

// TestCorpora parses every .data file of both corpora and checks it
// against INDEX.tsv: section list, slot count, memory size, result and
// error expectation; the assembler-must-fail files must fail to assemble
// and every other asm must assemble.
func TestCorpora(t *testing.T) {
	dir := root(t)
	total := 0
	for _, sub := range []string{"bpf_conformance", "ubpf"} {
		index := readIndex(t, filepath.Join(dir, sub, "INDEX.tsv"))
		files, err := Files(filepath.Join(dir, sub))
		if err != nil {
			t.Fatal(err)
		}
		if len(files) != len(index) {
			t.Errorf("%s: %d .data files, INDEX.tsv has %d rows", sub, len(files), len(index))
		}
		for _, path := range files {
			rel, _ := filepath.Rel(filepath.Join(dir, sub), path)
			row, ok := index[rel]
			if !ok {
				t.Errorf("%s: not in INDEX.tsv", rel)
				continue
			}
			total++
			checkFile(t, path, rel, row)
		}
	}
	t.Logf("parsed %d corpus files", total)
}

func checkFile(t *testing.T, path, rel string, row indexRow) {
	tst, err := ParseFile(path)
	if rel == "negative/invalid_unknown_directive.data" {
		if err == nil {
			t.Errorf("%s: unknown section accepted", rel)
		}
		return
	}
	if err != nil {
		t.Errorf("%s: %v", rel, err)
		return
	}
	var names []string
	for _, s := range tst.Sections {
		names = append(names, s.Name)
	}
	// INDEX.tsv was generated before the C sources ("-- c" sections) were
	// dropped from the copies of four files.
	want := strings.TrimPrefix(row.sections, "c,")
	if got := strings.Join(names, ","); got != want {
		t.Errorf("%s: sections %q, want %q", rel, got, want)
	}
	if row.kind == "assembler-must-fail" {
		if tst.AssembleErr == nil {
			t.Errorf("%s: assembled, want an assembler error", rel)
		}
		return
	}
	if tst.AssembleErr != nil {
		t.Errorf("%s: %v", rel, tst.AssembleErr)
	}
	if len(tst.Program) != row.slots {
		t.Errorf("%s: %d slots, want %d", rel, len(tst.Program), row.slots)
	}
	if len(tst.Mem) != row.memBytes {
		t.Errorf("%s: %d bytes of mem, want %d", rel, len(tst.Mem), row.memBytes)
	}
	if tst.HasResult != (row.result != "") {
		t.Errorf("%s: HasResult %v, INDEX result %q", rel, tst.HasResult, row.result)
	} else if tst.HasResult {
		want, err := parseResult(row.result)
		if err != nil || want != tst.Result {
			t.Errorf("%s: result %#x, want %s", rel, tst.Result, row.result)
		}
	}
	if tst.ExpectError != (row.error != "") {
		t.Errorf("%s: ExpectError %v, INDEX error %q", rel, tst.ExpectError, row.error)
	}
}

// TestAsmMatchesRaw assembles the files that carry both asm and raw (the
// uBPF asm-encoding files and bpf_conformance's lddw) and wants exactly the
// raw slots.
func TestAsmMatchesRaw(t *testing.T) {
	dir := root(t)
	checked := 0
	for _, sub := range []string{"bpf_conformance", "ubpf"} {
		files, err := Files(filepath.Join(dir, sub))
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range files {
			tst, err := ParseFile(path)
			if err != nil || !tst.HasRaw || tst.Asm == "" {
				continue
			}
			checked++
			asm, err := bpf.Assemble(tst.Asm)
			if err != nil {
				t.Errorf("%s: %v", path, err)
				continue
			}
			if len(asm) != len(tst.Program) {
				t.Errorf("%s: %d slots assembled, raw has %d", path, len(asm), len(tst.Program))
				continue
			}
			for i := range asm {
				if asm[i] != tst.Program[i] {
					t.Errorf("%s: slot %d: assembled %+v, raw %+v", path, i, asm[i], tst.Program[i])
				}
			}
		}
	}
	if checked != 7 {
		t.Errorf("checked %d files with asm and raw, want 7", checked)
	}
}

// TestAssemblerMustFail prints why each negative assembler test fails, so
// that a wrong reason is visible in -v output.
func TestAssemblerMustFail(t *testing.T) {
	dir := root(t)
	files, err := filepath.Glob(filepath.Join(dir, "bpf_conformance/negative/invalid_*.data"))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range files {
		tst, err := ParseFile(path)
		if err != nil {
			t.Logf("%s: parse: %v", filepath.Base(path), err)
			continue
		}
		if tst.AssembleErr == nil {
			t.Errorf("%s: assembled", path)
			continue
		}
		t.Logf("%v", tst.AssembleErr)
	}
}
