package helpers

import (
	"bytes"

	"github.com/zeroserve/zeroserve/internal/vm"
)

// zsMemcpy is memcpy/zs_memcpy(dst, src, n) -> dst: bounds-checked copy
// into writable guest memory (overlapping ranges behave like memmove).
func zsMemcpy(c *vm.Context, dst, src, n, _, _ uint64) (uint64, error) {
	if n == 0 {
		return dst, nil
	}
	s, err := c.Read(src, n)
	if err != nil {
		return 0, err
	}
	d, err := c.Write(dst, n)
	if err != nil {
		return 0, err
	}
	copy(d, s)
	return dst, nil
}

// zsMemset is memset/zs_memset(dst, c, n) -> dst.
func zsMemset(c *vm.Context, dst, ch, n, _, _ uint64) (uint64, error) {
	if n == 0 {
		return dst, nil
	}
	d, err := c.Write(dst, n)
	if err != nil {
		return 0, err
	}
	for i := range d {
		d[i] = byte(ch)
	}
	return dst, nil
}

// zsMemcmp is zs_memcmp(a, b, n): the signed difference of the first
// differing bytes, or 0.
func zsMemcmp(c *vm.Context, a, b, n, _, _ uint64) (uint64, error) {
	if n == 0 {
		return 0, nil
	}
	x, err := c.Read(a, n)
	if err != nil {
		return 0, err
	}
	y, err := c.Read(b, n)
	if err != nil {
		return 0, err
	}
	if i := mismatch(x, y); i >= 0 {
		return uint64(int64(x[i]) - int64(y[i])), nil
	}
	return 0, nil
}

func mismatch(x, y []byte) int {
	if bytes.Equal(x, y) {
		return -1
	}
	for i := range x {
		if x[i] != y[i] {
			return i
		}
	}
	return -1
}
