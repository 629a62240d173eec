package helpers

import (
	"fmt"

	"github.com/zeroserve/zeroserve/internal/vm/abi"
)

// DefaultMemoryBudget is the host memory one request may allocate through
// helpers when Config.MemoryBudget is 0.
const DefaultMemoryBudget = 1 << 20

// MemBudget is the host-memory budget of one request: every script and
// callee that runs for it draws from the same budget, for everything the
// helpers allocate on the host on its behalf: JSON trees, clones and
// copies across zs_call, metadata, request header and URI changes.
// Allocations are estimated (see jsonNodeCost) and
// counted when made; freeing a handle does not give them back, so the
// budget bounds what a request allocates in total.
type MemBudget struct {
	// Limit is the budget in bytes; 0 means DefaultMemoryBudget.
	Limit int64
	// Used is what the request has allocated so far.
	Used int64
}

// BudgetError is a helper allocation the request's budget cannot cover.
// It matches abi.TrapMemoryBudget with errors.Is.
type BudgetError struct {
	Need, Used, Limit int64
}

// Error gives the sizes.
func (e *BudgetError) Error() string {
	return fmt.Sprintf("allocating %d bytes would exceed the request's memory budget (%d of %d bytes used)", e.Need, e.Used, e.Limit)
}

// Unwrap returns abi.TrapMemoryBudget, the trap it raises.
func (e *BudgetError) Unwrap() error { return abi.TrapMemoryBudget }

// Take counts n more bytes, or returns a *BudgetError and counts nothing
// when that would exceed the limit.
func (b *MemBudget) Take(n int64) error {
	limit := b.Limit
	if limit <= 0 {
		limit = DefaultMemoryBudget
	}
	if n < 0 || n > limit-b.Used {
		return &BudgetError{Need: n, Used: b.Used, Limit: limit}
	}
	b.Used += n
	return nil
}

// budget returns the request's budget, its limit taken from the
// configuration when it has none yet.
func (ex *Exchange) budget() *MemBudget {
	if ex.Mem.Limit == 0 && ex.Config != nil {
		ex.Mem.Limit = ex.Config.MemoryBudget
	}
	return &ex.Mem
}
