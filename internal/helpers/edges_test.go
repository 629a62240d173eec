package helpers

import (
	"errors"
	"testing"

	"github.com/zeroserve/zeroserve/internal/vm/abi"
)

// TestHelperEdges covers -1 and trap paths the C fixtures do not reach.
func TestHelperEdges(t *testing.T) {
	stack := "mov %r1, %r10\nadd %r1, -64\n"
	rl := &Config{RateLimiter: NewRateLimiter(0)}
	for _, c := range []struct {
		name, setup string
		cfg         *Config
		r0          uint64
		trap        error
	}{
		{"zs_rate_limit", stack + "mov %r2, 257\nmov %r3, 1\n", rl, minusOne, nil},
		{"zs_rate_limit", stack + "mov %r2, 256\nmov %r3, 1\n", rl, RateAllowed, nil},
		{"zs_rate_limit", stack + "mov %r2, 0\nmov %r3, 1\n", rl, minusOne, nil},
		{"zs_getrandom", "lddw %r1, 0x100000000\nmov %r2, 8\n", nil, 0, abi.TrapMemory},
		{"zs_getrandom", stack + "mov %r2, 8\n", nil, 8, nil},
		{"zs_env_get", stack + "stb [%r10-64], 0xff\nmov %r2, 1\nmov %r3, 0\nmov %r4, 0\n", nil, 0, abi.TrapHelper},
		{"zs_json_type", "mov %r1, 1\n", nil, 0, abi.TrapHelper},
		{"zs_json_reset", "mov %r1, 33\n", nil, 0, abi.TrapHelper},
		{"zs_object_free", "mov %r1, 0\n", nil, 0, abi.TrapHelper},
		{"zs_json_parse", stack + "stw [%r10-64], 0x5d315b\nmov %r2, 3\n", nil, 1, nil}, // "[1]"
		{"zs_json_parse", stack + "stw [%r10-64], 0x5d315b\nmov %r2, 2\n", nil, minusOne, nil},
		{"zs_call", "mov %r1, 0\nmov %r2, 0\nmov %r3, 0\nmov %r4, 0\nmov %r5, 1\n", nil, 0, abi.TrapHelper},
		{"zs_res_hooks_clear", "", nil, 0, nil},
		{"zs_res_status", "", nil, 0, abi.TrapHelper},
		{"zs_base64_decode_in_place", stack + "mov %r2, 0\nmov %r3, 7\n", nil, 0, abi.TrapHelper},
		{"zs_hex_decode_in_place", "lddw %r1, 0x100000000\nmov %r2, 2\n", nil, 0, abi.TrapMemory},
	} {
		ex := &Exchange{Config: c.cfg}
		r0, _, err := runHelper(t, ex, c.name, c.setup)
		if c.trap != nil {
			if !errors.Is(err, c.trap) {
				t.Errorf("%s %q: got %v, want %v", c.name, c.setup, err, c.trap)
			}
			continue
		}
		if err != nil || r0 != c.r0 {
			t.Errorf("%s %q: %d, %v; want %d", c.name, c.setup, int64(r0), err, int64(c.r0))
		}
	}
}
