package vm_test

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/zeroserve/zeroserve/internal/bpf"
	"github.com/zeroserve/zeroserve/internal/vm"
	"github.com/zeroserve/zeroserve/internal/vm/abi"
)

// Example loads a program that calls a helper registered by name, runs it
// from the context pool with calldata and a fuel budget, and shows the trap
// an endless loop gets.
func Example() {
	h := vm.NewHelpers()
	double, _ := h.Register("double", func(_ *vm.Context, r1, _, _, _, _ uint64) (uint64, error) {
		return 2 * r1, nil
	})
	insns, err := bpf.Assemble(fmt.Sprintf("ldxdw %%r1, [%%r1]\ncall %d\nexit", double))
	if err != nil {
		panic(err)
	}
	prog, err := vm.LoadCode(insns, vm.Options{Helpers: h})
	if err != nil {
		panic(err)
	}
	defer prog.Close()
	c, err := prog.Get()
	if err != nil {
		panic(err)
	}
	r0, err := c.Run(0, binary.LittleEndian.AppendUint64(nil, 21), 1000)
	prog.Put(c)
	fmt.Println(r0, err)

	loop, _ := bpf.Assemble("L:\nja L\nexit")
	if _, err := vm.LoadCode(loop, vm.Options{}); err != nil {
		fmt.Println(err)
	}
	loop, _ = bpf.Assemble("L:\nadd %r0, 1\nja L\nexit")
	prog2, _ := vm.LoadCode(loop, vm.Options{})
	defer prog2.Close()
	c, _ = prog2.Get()
	_, err = c.Run(0, nil, 1_000_000)
	fmt.Println(errors.Is(err, abi.TrapFuelExhausted), err)
	// Output:
	// 42 <nil>
	// verify: pc 0: goto -1: jump to itself (an infinite loop)
	// true pc 0: fuel exhausted
}
