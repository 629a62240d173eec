package script

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/zeroserve/zeroserve/internal/bpf"
	"github.com/zeroserve/zeroserve/internal/bpf/elfload"
	"github.com/zeroserve/zeroserve/internal/helpers"
	"github.com/zeroserve/zeroserve/internal/vm"
	"github.com/zeroserve/zeroserve/sdk"
)

// Options configure loading.
type Options struct {
	// JIT selects the engine (vm.JITAuto by default).
	JIT vm.JITMode
	// CodeSizeLimit is the largest program in bytes of bytecode (0: the
	// VM's default).
	CodeSizeLimit int
}

// NewHelpers returns a registry with every helper of package helpers.
func NewHelpers() (*vm.Helpers, error) {
	h := vm.NewHelpers()
	if err := helpers.Register(h); err != nil {
		return nil, err
	}
	return h, nil
}

// Name returns the script name of a file: its base name without ".c" or
// ".o".
func Name(path string) string {
	base := filepath.Base(path)
	return strings.TrimSuffix(strings.TrimSuffix(base, ".c"), ".o")
}

// LoadObject loads an eBPF ELF object as a script.
func LoadObject(name string, object []byte, h *vm.Helpers, opts Options) (*Script, error) {
	obj, err := elfload.Load(object)
	if err != nil {
		return nil, fmt.Errorf("load script %q: %w", name, err)
	}
	return LoadCompiled(name, obj, h, opts)
}

// LoadCompiled loads a script from an object already in memory, such as
// the compiler's output, without the ELF round trip: elfload of
// elfwrite's file gives back the compiler's object unchanged (the
// compiler's tests check it), so this loads the same program.
func LoadCompiled(name string, obj *bpf.Object, h *vm.Helpers, opts Options) (*Script, error) {
	prog, err := vm.Load(obj, vm.Options{Helpers: h, JIT: opts.JIT, CodeSizeLimit: opts.CodeSizeLimit})
	if err != nil {
		return nil, fmt.Errorf("load script %q: %w", name, err)
	}
	return NewScript(name, prog), nil
}

// LoadFile loads a script from a .o object or a .c source (compiled with
// CompileC).
func LoadFile(path string, h *vm.Helpers, opts Options) (*Script, error) {
	var object []byte
	var err error
	switch filepath.Ext(path) {
	case ".c":
		object, err = CompileC(path)
	case ".o":
		object, err = os.ReadFile(path)
	default:
		err = fmt.Errorf("want a .c or .o file")
	}
	if err != nil {
		return nil, fmt.Errorf("load script %s: %w", path, err)
	}
	return LoadObject(Name(path), object, h, opts)
}

// ErrNoClang is returned by CompileC when clang is not installed.
var ErrNoClang = errors.New("clang not found in PATH: C plugins need clang with the BPF target (Debian: apt-get install clang)")

// ClangArgs are the flags CompileC passes to clang besides the include
// directory, input and output.
var ClangArgs = []string{"-O2", "-g0", "-Wall", "-target", "bpf", "-mcpu=v3", "-fno-builtin", "-c"}

// CompileC compiles a C plugin with clang against sdk/zeroserve.h and
// returns the object.
func CompileC(path string) ([]byte, error) {
	clang, err := exec.LookPath("clang")
	if err != nil {
		return nil, ErrNoClang
	}
	dir, err := os.MkdirTemp("", "zeroserve-sdk-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, sdk.HeaderName), []byte(sdk.Header), 0o644); err != nil {
		return nil, err
	}
	out := filepath.Join(dir, "out.o")
	args := append(append([]string{}, ClangArgs...), "-I", dir, path, "-o", out)
	var stderr bytes.Buffer
	cmd := exec.Command(clang, args...)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("clang: %v\n%s", err, stderr.String())
	}
	return os.ReadFile(out)
}
