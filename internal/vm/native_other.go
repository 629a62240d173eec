//go:build !amd64

package vm

import "fmt"

// nativeCode is never set on architectures without a JIT.
type nativeCode struct{}

// hasJIT reports whether this build has a JIT.
const hasJIT = false

func (p *Program) compileNative(int) error {
	return fmt.Errorf("load: JIT requested: %w: no JIT for this architecture", ErrNotSupported)
}

func (c *Context) runNative(int) (uint64, error) {
	panic("BUG: runNative without a JIT")
}
