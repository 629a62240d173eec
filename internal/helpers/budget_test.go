package helpers

import (
	"errors"
	"testing"

	"github.com/zeroserve/zeroserve/internal/vm/abi"
)

// TestBudgetCoversMetaAndHeaders: metadata and header changes draw from
// the same per-request budget as JSON.
func TestBudgetCoversMetaAndHeaders(t *testing.T) {
	setup := "stdw [%r10-64], 0x41414141\nmov %r1, %r10\nadd %r1, -64\nmov %r2, 4\nmov %r3, %r1\nmov %r4, 4\n"
	for _, name := range []string{"zs_meta_set", "zs_req_set_header", "zs_req_append_header"} {
		for _, c := range []struct {
			limit int64
			trap  bool
		}{{7, true}, {8, false}} {
			ex := &Exchange{Config: &Config{MemoryBudget: c.limit}}
			_, _, err := runHelper(t, ex, name, setup)
			if c.trap != errors.Is(err, abi.TrapMemoryBudget) || !c.trap && err != nil {
				t.Errorf("%s with budget %d: %v", name, c.limit, err)
			}
			if want := int64(8); !c.trap && ex.Mem.Used != want {
				t.Errorf("%s: used %d, want %d", name, ex.Mem.Used, want)
			}
		}
	}
	var b MemBudget
	if err := b.Take(DefaultMemoryBudget + 1); !errors.Is(err, abi.TrapMemoryBudget) || b.Used != 0 {
		t.Errorf("default limit: %v, used %d", err, b.Used)
	}
}
