// Package helpers implements the zs_* host functions that eBPF scripts call
// (the helper table of sdk/zeroserve.h), one file per area, and the
// per-request state they work on (Exchange).
//
// Every helper is a vm.HelperFunc. Guest pointers are cage addresses: a
// helper reads them with vm.Context.Read and writes them with
// vm.Context.Write, which bounds-check every (pointer, length) and trap with
// abi.TrapMemory, so no helper can touch memory outside the cage or write to
// read-only data.
//
// String outputs follow one rule (documented in sdk/zeroserve.h): a helper
// given (out, out_len) copies at most out_len-1 bytes, always NUL-terminates
// when out_len > 0, and returns the full length of the value. The output
// fits when the return value is below out_len; out_len 0 asks for the
// length alone.
//
// Each script context has its own JSON handles (objects.go, at most
// MaxObjects live). Everything helpers allocate on the host for a request
// counts against one budget (Exchange.Mem, DefaultMemoryBudget), and
// process-level settings (the zs_env_get allow-list, the rate limiter, the
// budget size) come from Exchange.Config. zs_call and response hooks reach
// other scripts through Exchange.Caller (the script chain); the server runs
// the registered response hooks with RunHooks.
package helpers
