// Package corpus reads the .data test files of the bpf_conformance and uBPF
// eBPF test corpora (testdata/README.md §1): sections of assembly or raw
// bytecode, input memory, the expected result or an expected error.
package corpus

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/zeroserve/zeroserve/internal/bpf"
)

// Test is one parsed .data file.
type Test struct {
	// Path is the file's path as given to ParseFile; Name is its base name
	// without ".data".
	Path, Name string
	// Sections lists every section in file order.
	Sections []Section

	// Asm is the assembly source ("" without an asm section). AsmPath is
	// the file it came from: Path, or the FILE of "asm @ FILE".
	Asm, AsmPath string
	// AssembleErr is the error from assembling Asm, a *Error positioned in
	// AsmPath. The assembler-must-fail negative tests expect it.
	AssembleErr error
	// Program is the raw bytecode if the file has a raw section, else the
	// assembled Asm (nil if that failed). HasRaw tells which.
	Program []bpf.Instruction
	HasRaw  bool

	// Mem is the input memory (nil without a mem section).
	Mem []byte
	// Result is the expected r0 at exit, if HasResult.
	Result    uint64
	HasResult bool
	// ExpectError is set by an error or error pattern section: loading or
	// running must fail. ErrorText is that section's text, which belongs
	// to one implementation and should not be compared.
	ExpectError bool
	ErrorText   string
}

// Section is one section of a .data file: its header name as written
// ("asm", "error pattern", "mem @ pkt-sack.hex"), the 1-based line of the
// header, and its non-blank lines without comments.
type Section struct {
	Name  string
	Line  int
	Lines []string
}

// Has reports whether the test has a section with the given name (for
// "asm @ FILE" and "mem @ FILE", the name before '@').
func (t *Test) Has(name string) bool {
	for _, s := range t.Sections {
		if kind, _ := splitName(s.Name); kind == name {
			return true
		}
	}
	return false
}

// Error is a malformed test file, at a 1-based line (0 when the whole file
// is at fault).
type Error struct {
	Path string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line == 0 {
		return e.Path + ": " + e.Msg
	}
	return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
}

// splitName splits "asm @ FILE" into "asm" and "FILE".
func splitName(name string) (kind, file string) {
	kind, file, _ = strings.Cut(name, "@")
	return strings.TrimSpace(kind), strings.TrimSpace(file)
}

// ParseFile reads and parses the .data file at path. Files named by "asm @"
// and "mem @" are read relative to its folder. An unknown section, a
// repeated section or malformed raw, mem or result text is an *Error; an
// assembly error is not (it goes into Test.AssembleErr).
func ParseFile(path string) (*Test, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return parse(path, string(data))
}

// parse parses data as the contents of the .data file at path.
func parse(path, data string) (*Test, error) {
	t := &Test{Path: path, Name: strings.TrimSuffix(filepath.Base(path), ".data")}
	lines := strings.Split(data, "\n")
	var cur *Section
	for i, line := range lines {
		line = strings.TrimSuffix(line, "\r")
		if c := strings.IndexByte(line, '#'); c >= 0 {
			line = line[:c]
		}
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "--"):
			t.Sections = append(t.Sections, Section{Name: strings.TrimSpace(line[2:]), Line: i + 1})
			cur = &t.Sections[len(t.Sections)-1]
		case line == "":
		case cur == nil:
			return nil, &Error{path, i + 1, "text before the first section header"}
		default:
			cur.Lines = append(cur.Lines, line)
		}
	}
	seen := map[string]bool{}
	for i := range t.Sections {
		s := &t.Sections[i]
		kind, _ := splitName(s.Name)
		if seen[kind] {
			return nil, &Error{path, s.Line, fmt.Sprintf("section %q repeated", kind)}
		}
		seen[kind] = true
		if err := t.section(s, lines); err != nil {
			return nil, err
		}
	}
	if t.Asm != "" {
		prog, err := t.assemble()
		t.AssembleErr = err
		if !t.HasRaw {
			t.Program = prog
		}
	}
	return t, nil
}

// section interprets one section; lines is the whole file, so that inline
// assembly keeps its line numbers.
func (t *Test) section(s *Section, lines []string) error {
	kind, file := splitName(s.Name)
	errAt := func(msg string) error { return &Error{t.Path, s.Line, msg} }
	if file != "" && kind != "asm" && kind != "mem" {
		return errAt(fmt.Sprintf("section %q cannot name a file", kind))
	}
	switch kind {
	case "asm":
		if file != "" {
			return t.asmFile(s, file)
		}
		// Keep the file's line numbering: blank every line outside the
		// section (the assembler skips blank lines).
		src := make([]string, len(lines))
		for i := s.Line; i < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[i]), "--"); i++ {
			src[i] = strings.TrimSuffix(lines[i], "\r")
		}
		t.Asm, t.AsmPath = strings.Join(src, "\n"), t.Path
		if len(s.Lines) == 0 {
			t.Asm = ""
		}
	case "raw":
		prog, err := parseRaw(s.Lines)
		if err != nil {
			return errAt(err.Error())
		}
		t.Program, t.HasRaw = prog, true
	case "mem":
		if file != "" {
			return t.memFile(s, file)
		}
		mem, err := parseBytes(s.Lines)
		if err != nil {
			return errAt(err.Error())
		}
		t.Mem = mem
	case "result":
		if len(s.Lines) == 0 {
			return errAt("empty result section")
		}
		for _, l := range s.Lines {
			v, err := parseResult(l)
			if err != nil {
				return errAt(err.Error())
			}
			t.Result, t.HasResult = v, true
		}
	case "error", "error pattern":
		t.ExpectError, t.ErrorText = true, strings.Join(s.Lines, "\n")
	case "c", "description", "no jit", "no register offset", "pyelf", "reload", "unload":
		// Annotations and test kinds that callers read from Sections.
	default:
		return errAt(fmt.Sprintf("unknown section %q", s.Name))
	}
	return nil
}

// assemble assembles t.Asm, positioning errors in t.AsmPath.
func (t *Test) assemble() ([]bpf.Instruction, error) {
	prog, err := bpf.Assemble(t.Asm)
	if ae, ok := err.(*bpf.AsmError); ok {
		return nil, &Error{t.AsmPath, ae.Line, ae.Msg}
	}
	return prog, err
}

// sibling resolves the FILE of "asm @ FILE" or "mem @ FILE", which must
// stay inside the test's folder.
func (t *Test) sibling(s *Section, file string) (string, error) {
	if !filepath.IsLocal(file) {
		return "", &Error{t.Path, s.Line, fmt.Sprintf("included file %q is not a relative path inside the test folder", file)}
	}
	return filepath.Join(filepath.Dir(t.Path), file), nil
}

func (t *Test) asmFile(s *Section, file string) error {
	path, err := t.sibling(s, file)
	if err != nil {
		return err
	}
	if len(s.Lines) != 0 {
		return &Error{t.Path, s.Line, "asm @ FILE section must be empty"}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return &Error{t.Path, s.Line, err.Error()}
	}
	t.Asm, t.AsmPath = string(data), path
	return nil
}

func (t *Test) memFile(s *Section, file string) error {
	path, err := t.sibling(s, file)
	if err != nil {
		return err
	}
	if len(s.Lines) != 0 {
		return &Error{t.Path, s.Line, "mem @ FILE section must be empty"}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return &Error{t.Path, s.Line, err.Error()}
	}
	mem, line, err := parseHexdump(string(data))
	if err != nil {
		return &Error{path, line, err.Error()}
	}
	t.Mem = mem
	return nil
}
