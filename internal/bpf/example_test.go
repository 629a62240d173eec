package bpf_test

import (
	"fmt"

	"github.com/zeroserve/zeroserve/internal/bpf"
)

func ExampleDisassemble() {
	prog, err := bpf.Assemble(`
		mov32 %r0, 1
		lddw %r1, 0x1122334455667788
		stxw [%r10-8], %r1
		lock fetch add [%r10-8], %r0
		jgt %r1, %r0, done
		call 5
	done:
		exit
	`)
	if err != nil {
		panic(err)
	}
	fmt.Print(bpf.Disassemble(prog))
	// Output:
	//    0:	b4 00 00 00 01 00 00 00	w0 = 1
	//    1:	18 01 00 00 88 77 66 55 00 00 00 00 44 33 22 11	r1 = 0x1122334455667788 ll
	//    3:	63 1a f8 ff 00 00 00 00	*(u32 *)(r10 - 8) = r1
	//    4:	db 0a f8 ff 01 00 00 00	r0 = atomic_fetch_add((u64 *)(r10 - 8), r0)
	//    5:	2d 01 01 00 00 00 00 00	if r1 > r0 goto +1
	//    6:	85 00 00 00 05 00 00 00	call 5
	//    7:	95 00 00 00 00 00 00 00	exit
}
