package vm

import (
	"errors"
	"math/bits"
	"unsafe"

	"github.com/zeroserve/zeroserve/internal/vm/abi"
)

// interpret runs the program from slot pc with the registers in c.st.Regs
// and the fuel slice in c.st.Fuel until the outermost exit or a trap.
//
// Registers live in a local array of 16 (indexes are masked with 15, so
// the compiler drops bounds checks; the validator guarantees r0–r10).
// Memory goes through the cage masks: base + (addr & mask) is always inside
// the mapping (see abi.CageLayout), so loads and stores need no bounds check
// and use unsafe pointer arithmetic on the mmap'd cage.
func (c *Context) interpret(pc int) (uint64, error) {
	code := c.prog.code
	mem := c.cage.base
	lmask, smask := c.cage.layout.LoadMask(), c.cage.layout.StoreMask()
	var r [16]uint64
	copy(r[:11], c.st.Regs[:])
	fuel := c.st.Fuel
	var err error
	for {
		o := &code[pc]
		pc++
		d, s := o.dst&15, o.src&15
		switch o.code {
		case opAdd64K:
			r[d] += uint64(int64(o.imm))
		case opAdd64X:
			r[d] += r[s]
		case opSub64K:
			r[d] -= uint64(int64(o.imm))
		case opSub64X:
			r[d] -= r[s]
		case opMul64K:
			r[d] *= uint64(int64(o.imm))
		case opMul64X:
			r[d] *= r[s]
		case opDiv64K:
			r[d] = div64(r[d], uint64(int64(o.imm)))
		case opDiv64X:
			r[d] = div64(r[d], r[s])
		case opSdiv64K:
			r[d] = sdiv64(r[d], int64(o.imm))
		case opSdiv64X:
			r[d] = sdiv64(r[d], int64(r[s]))
		case opOr64K:
			r[d] |= uint64(int64(o.imm))
		case opOr64X:
			r[d] |= r[s]
		case opAnd64K:
			r[d] &= uint64(int64(o.imm))
		case opAnd64X:
			r[d] &= r[s]
		case opLsh64K:
			r[d] <<= uint64(o.imm) & 63
		case opLsh64X:
			r[d] <<= r[s] & 63
		case opRsh64K:
			r[d] >>= uint64(o.imm) & 63
		case opRsh64X:
			r[d] >>= r[s] & 63
		case opNeg64:
			r[d] = -r[d]
		case opMod64K:
			r[d] = mod64(r[d], uint64(int64(o.imm)))
		case opMod64X:
			r[d] = mod64(r[d], r[s])
		case opSmod64K:
			r[d] = smod64(r[d], int64(o.imm))
		case opSmod64X:
			r[d] = smod64(r[d], int64(r[s]))
		case opXor64K:
			r[d] ^= uint64(int64(o.imm))
		case opXor64X:
			r[d] ^= r[s]
		case opMov64K:
			r[d] = uint64(int64(o.imm))
		case opMov64X:
			r[d] = r[s]
		case opMovsx8to64:
			r[d] = uint64(int64(int8(r[s])))
		case opMovsx16to64:
			r[d] = uint64(int64(int16(r[s])))
		case opMovsx32to64:
			r[d] = uint64(int64(int32(r[s])))
		case opArsh64K:
			r[d] = uint64(int64(r[d]) >> (uint64(o.imm) & 63))
		case opArsh64X:
			r[d] = uint64(int64(r[d]) >> (r[s] & 63))
		case opBswap16, opBe16:
			r[d] = uint64(bits.ReverseBytes16(uint16(r[d])))
		case opBswap32, opBe32:
			r[d] = uint64(bits.ReverseBytes32(uint32(r[d])))
		case opBswap64, opBe64:
			r[d] = bits.ReverseBytes64(r[d])
		case opLe16:
			r[d] = uint64(uint16(r[d]))
		case opLe32:
			r[d] = uint64(uint32(r[d]))
		case opLe64:

		case opAdd32K:
			r[d] = uint64(uint32(r[d]) + uint32(o.imm))
		case opAdd32X:
			r[d] = uint64(uint32(r[d]) + uint32(r[s]))
		case opSub32K:
			r[d] = uint64(uint32(r[d]) - uint32(o.imm))
		case opSub32X:
			r[d] = uint64(uint32(r[d]) - uint32(r[s]))
		case opMul32K:
			r[d] = uint64(uint32(r[d]) * uint32(o.imm))
		case opMul32X:
			r[d] = uint64(uint32(r[d]) * uint32(r[s]))
		case opDiv32K:
			r[d] = uint64(div32(uint32(r[d]), uint32(o.imm)))
		case opDiv32X:
			r[d] = uint64(div32(uint32(r[d]), uint32(r[s])))
		case opSdiv32K:
			r[d] = uint64(sdiv32(uint32(r[d]), o.imm))
		case opSdiv32X:
			r[d] = uint64(sdiv32(uint32(r[d]), int32(r[s])))
		case opOr32K:
			r[d] = uint64(uint32(r[d]) | uint32(o.imm))
		case opOr32X:
			r[d] = uint64(uint32(r[d]) | uint32(r[s]))
		case opAnd32K:
			r[d] = uint64(uint32(r[d]) & uint32(o.imm))
		case opAnd32X:
			r[d] = uint64(uint32(r[d]) & uint32(r[s]))
		case opLsh32K:
			r[d] = uint64(uint32(r[d]) << (uint32(o.imm) & 31))
		case opLsh32X:
			r[d] = uint64(uint32(r[d]) << (uint32(r[s]) & 31))
		case opRsh32K:
			r[d] = uint64(uint32(r[d]) >> (uint32(o.imm) & 31))
		case opRsh32X:
			r[d] = uint64(uint32(r[d]) >> (uint32(r[s]) & 31))
		case opNeg32:
			r[d] = uint64(-uint32(r[d]))
		case opMod32K:
			r[d] = uint64(mod32(uint32(r[d]), uint32(o.imm)))
		case opMod32X:
			r[d] = uint64(mod32(uint32(r[d]), uint32(r[s])))
		case opSmod32K:
			r[d] = uint64(smod32(uint32(r[d]), o.imm))
		case opSmod32X:
			r[d] = uint64(smod32(uint32(r[d]), int32(r[s])))
		case opXor32K:
			r[d] = uint64(uint32(r[d]) ^ uint32(o.imm))
		case opXor32X:
			r[d] = uint64(uint32(r[d]) ^ uint32(r[s]))
		case opMov32K:
			r[d] = uint64(uint32(o.imm))
		case opMov32X:
			r[d] = uint64(uint32(r[s]))
		case opMovsx8to32:
			r[d] = uint64(uint32(int32(int8(r[s]))))
		case opMovsx16to32:
			r[d] = uint64(uint32(int32(int16(r[s]))))
		case opArsh32K:
			r[d] = uint64(uint32(int32(r[d]) >> (uint32(o.imm) & 31)))
		case opArsh32X:
			r[d] = uint64(uint32(int32(r[d]) >> (uint32(r[s]) & 31)))

		case opJa:
			pc = int(o.off)
			if fuel -= int64(o.cost); fuel < 0 {
				goto settle
			}
		case opJeqK:
			if r[d] == uint64(int64(o.imm)) {
				pc = int(o.off)
				if fuel -= int64(o.cost); fuel < 0 {
					goto settle
				}
			}
		case opJeqX:
			if r[d] == r[s] {
				pc = int(o.off)
				if fuel -= int64(o.cost); fuel < 0 {
					goto settle
				}
			}
		case opJgtK:
			if r[d] > uint64(int64(o.imm)) {
				pc = int(o.off)
				if fuel -= int64(o.cost); fuel < 0 {
					goto settle
				}
			}
		case opJgtX:
			if r[d] > r[s] {
				pc = int(o.off)
				if fuel -= int64(o.cost); fuel < 0 {
					goto settle
				}
			}
		case opJgeK:
			if r[d] >= uint64(int64(o.imm)) {
				pc = int(o.off)
				if fuel -= int64(o.cost); fuel < 0 {
					goto settle
				}
			}
		case opJgeX:
			if r[d] >= r[s] {
				pc = int(o.off)
				if fuel -= int64(o.cost); fuel < 0 {
					goto settle
				}
			}
		case opJsetK:
			if r[d]&uint64(int64(o.imm)) != 0 {
				pc = int(o.off)
				if fuel -= int64(o.cost); fuel < 0 {
					goto settle
				}
			}
		case opJsetX:
			if r[d]&r[s] != 0 {
				pc = int(o.off)
				if fuel -= int64(o.cost); fuel < 0 {
					goto settle
				}
			}
		case opJneK:
			if r[d] != uint64(int64(o.imm)) {
				pc = int(o.off)
				if fuel -= int64(o.cost); fuel < 0 {
					goto settle
				}
			}
		case opJneX:
			if r[d] != r[s] {
				pc = int(o.off)
				if fuel -= int64(o.cost); fuel < 0 {
					goto settle
				}
			}
		case opJsgtK:
			if int64(r[d]) > int64(o.imm) {
				pc = int(o.off)
				if fuel -= int64(o.cost); fuel < 0 {
					goto settle
				}
			}
		case opJsgtX:
			if int64(r[d]) > int64(r[s]) {
				pc = int(o.off)
				if fuel -= int64(o.cost); fuel < 0 {
					goto settle
				}
			}
		case opJsgeK:
			if int64(r[d]) >= int64(o.imm) {
				pc = int(o.off)
				if fuel -= int64(o.cost); fuel < 0 {
					goto settle
				}
			}
		case opJsgeX:
			if int64(r[d]) >= int64(r[s]) {
				pc = int(o.off)
				if fuel -= int64(o.cost); fuel < 0 {
					goto settle
				}
			}
		case opJltK:
			if r[d] < uint64(int64(o.imm)) {
				pc = int(o.off)
				if fuel -= int64(o.cost); fuel < 0 {
					goto settle
				}
			}
		case opJltX:
			if r[d] < r[s] {
				pc = int(o.off)
				if fuel -= int64(o.cost); fuel < 0 {
					goto settle
				}
			}
		case opJleK:
			if r[d] <= uint64(int64(o.imm)) {
				pc = int(o.off)
				if fuel -= int64(o.cost); fuel < 0 {
					goto settle
				}
			}
		case opJleX:
			if r[d] <= r[s] {
				pc = int(o.off)
				if fuel -= int64(o.cost); fuel < 0 {
					goto settle
				}
			}
		case opJsltK:
			if int64(r[d]) < int64(o.imm) {
				pc = int(o.off)
				if fuel -= int64(o.cost); fuel < 0 {
					goto settle
				}
			}
		case opJsltX:
			if int64(r[d]) < int64(r[s]) {
				pc = int(o.off)
				if fuel -= int64(o.cost); fuel < 0 {
					goto settle
				}
			}
		case opJsleK:
			if int64(r[d]) <= int64(o.imm) {
				pc = int(o.off)
				if fuel -= int64(o.cost); fuel < 0 {
					goto settle
				}
			}
		case opJsleX:
			if int64(r[d]) <= int64(r[s]) {
				pc = int(o.off)
				if fuel -= int64(o.cost); fuel < 0 {
					goto settle
				}
			}
		case opJeq32K:
			if uint32(r[d]) == uint32(o.imm) {
				pc = int(o.off)
				if fuel -= int64(o.cost); fuel < 0 {
					goto settle
				}
			}
		case opJeq32X:
			if uint32(r[d]) == uint32(r[s]) {
				pc = int(o.off)
				if fuel -= int64(o.cost); fuel < 0 {
					goto settle
				}
			}
		case opJgt32K:
			if uint32(r[d]) > uint32(o.imm) {
				pc = int(o.off)
				if fuel -= int64(o.cost); fuel < 0 {
					goto settle
				}
			}
		case opJgt32X:
			if uint32(r[d]) > uint32(r[s]) {
				pc = int(o.off)
				if fuel -= int64(o.cost); fuel < 0 {
					goto settle
				}
			}
		case opJge32K:
			if uint32(r[d]) >= uint32(o.imm) {
				pc = int(o.off)
				if fuel -= int64(o.cost); fuel < 0 {
					goto settle
				}
			}
		case opJge32X:
			if uint32(r[d]) >= uint32(r[s]) {
				pc = int(o.off)
				if fuel -= int64(o.cost); fuel < 0 {
					goto settle
				}
			}
		case opJset32K:
			if uint32(r[d])&uint32(o.imm) != 0 {
				pc = int(o.off)
				if fuel -= int64(o.cost); fuel < 0 {
					goto settle
				}
			}
		case opJset32X:
			if uint32(r[d])&uint32(r[s]) != 0 {
				pc = int(o.off)
				if fuel -= int64(o.cost); fuel < 0 {
					goto settle
				}
			}
		case opJne32K:
			if uint32(r[d]) != uint32(o.imm) {
				pc = int(o.off)
				if fuel -= int64(o.cost); fuel < 0 {
					goto settle
				}
			}
		case opJne32X:
			if uint32(r[d]) != uint32(r[s]) {
				pc = int(o.off)
				if fuel -= int64(o.cost); fuel < 0 {
					goto settle
				}
			}
		case opJsgt32K:
			if int32(r[d]) > o.imm {
				pc = int(o.off)
				if fuel -= int64(o.cost); fuel < 0 {
					goto settle
				}
			}
		case opJsgt32X:
			if int32(r[d]) > int32(r[s]) {
				pc = int(o.off)
				if fuel -= int64(o.cost); fuel < 0 {
					goto settle
				}
			}
		case opJsge32K:
			if int32(r[d]) >= o.imm {
				pc = int(o.off)
				if fuel -= int64(o.cost); fuel < 0 {
					goto settle
				}
			}
		case opJsge32X:
			if int32(r[d]) >= int32(r[s]) {
				pc = int(o.off)
				if fuel -= int64(o.cost); fuel < 0 {
					goto settle
				}
			}
		case opJlt32K:
			if uint32(r[d]) < uint32(o.imm) {
				pc = int(o.off)
				if fuel -= int64(o.cost); fuel < 0 {
					goto settle
				}
			}
		case opJlt32X:
			if uint32(r[d]) < uint32(r[s]) {
				pc = int(o.off)
				if fuel -= int64(o.cost); fuel < 0 {
					goto settle
				}
			}
		case opJle32K:
			if uint32(r[d]) <= uint32(o.imm) {
				pc = int(o.off)
				if fuel -= int64(o.cost); fuel < 0 {
					goto settle
				}
			}
		case opJle32X:
			if uint32(r[d]) <= uint32(r[s]) {
				pc = int(o.off)
				if fuel -= int64(o.cost); fuel < 0 {
					goto settle
				}
			}
		case opJslt32K:
			if int32(r[d]) < o.imm {
				pc = int(o.off)
				if fuel -= int64(o.cost); fuel < 0 {
					goto settle
				}
			}
		case opJslt32X:
			if int32(r[d]) < int32(r[s]) {
				pc = int(o.off)
				if fuel -= int64(o.cost); fuel < 0 {
					goto settle
				}
			}
		case opJsle32K:
			if int32(r[d]) <= o.imm {
				pc = int(o.off)
				if fuel -= int64(o.cost); fuel < 0 {
					goto settle
				}
			}
		case opJsle32X:
			if int32(r[d]) <= int32(r[s]) {
				pc = int(o.off)
				if fuel -= int64(o.cost); fuel < 0 {
					goto settle
				}
			}

		case opCall, opCallx:
			if fuel -= abi.CallCost; fuel < 0 {
				if fuel, err = c.settleFuel(fuel); err != nil {
					return 0, c.trap(err, pc-1, "")
				}
			}
			id := uint32(o.imm)
			if o.code == opCallx {
				id = uint32(r[d])
				if uint64(id) != r[d] || int(id) >= len(c.prog.helpers) || c.prog.helpers[id].Func == nil {
					c.st.Fuel = fuel
					return 0, &RunError{Trap: abi.TrapBadHelper, PC: pc - 1, Err: errBadHelperID(r[d])}
				}
			}
			h := &c.prog.helpers[id]
			c.st.Fuel = fuel
			v, herr := h.Func(c, r[1], r[2], r[3], r[4], r[5])
			if herr != nil {
				if errors.Is(herr, ErrExit) {
					return v, nil
				}
				return 0, c.trap(herr, pc-1, h.Name)
			}
			fuel = c.st.Fuel
			r[0] = v
		case opCallLocal:
			if fuel -= abi.CallCost; fuel < 0 {
				if fuel, err = c.settleFuel(fuel); err != nil {
					return 0, c.trap(err, pc-1, "")
				}
			}
			depth := c.st.Depth
			if depth+1 >= abi.MaxCallDepth {
				c.st.Fuel = fuel
				return 0, &RunError{Trap: abi.TrapCallDepth, PC: pc - 1}
			}
			f := &c.st.Frames[depth]
			f.Return = uint64(pc)
			f.Saved = [4]uint64{r[6], r[7], r[8], r[9]}
			c.st.Depth = depth + 1
			r[10] -= abi.StackFrameSize
			pc = int(o.off)
		case opExit:
			depth := c.st.Depth
			if depth == 0 {
				c.st.Fuel = fuel
				return r[0], nil
			}
			depth--
			f := &c.st.Frames[depth%abi.MaxCallDepth]
			r[6], r[7], r[8], r[9] = f.Saved[0], f.Saved[1], f.Saved[2], f.Saved[3]
			r[10] += abi.StackFrameSize
			c.st.Depth = depth
			pc = int(f.Return)

		case opLddw:
			r[d] = uint64(uint32(o.imm)) | uint64(code[pc].imm)<<32
			pc++
		case opLdxB:
			r[d] = uint64(*(*uint8)(unsafe.Add(mem, (r[s]+uint64(o.off))&lmask)))
		case opLdxH:
			r[d] = uint64(*(*uint16)(unsafe.Add(mem, (r[s]+uint64(o.off))&lmask)))
		case opLdxW:
			r[d] = uint64(*(*uint32)(unsafe.Add(mem, (r[s]+uint64(o.off))&lmask)))
		case opLdxDW:
			r[d] = *(*uint64)(unsafe.Add(mem, (r[s]+uint64(o.off))&lmask))
		case opLdxSB:
			r[d] = uint64(int64(*(*int8)(unsafe.Add(mem, (r[s]+uint64(o.off))&lmask))))
		case opLdxSH:
			r[d] = uint64(int64(*(*int16)(unsafe.Add(mem, (r[s]+uint64(o.off))&lmask))))
		case opLdxSW:
			r[d] = uint64(int64(*(*int32)(unsafe.Add(mem, (r[s]+uint64(o.off))&lmask))))
		case opStB:
			*(*uint8)(unsafe.Add(mem, (r[d]+uint64(o.off))&smask)) = uint8(o.imm)
		case opStH:
			*(*uint16)(unsafe.Add(mem, (r[d]+uint64(o.off))&smask)) = uint16(o.imm)
		case opStW:
			*(*uint32)(unsafe.Add(mem, (r[d]+uint64(o.off))&smask)) = uint32(o.imm)
		case opStDW:
			*(*uint64)(unsafe.Add(mem, (r[d]+uint64(o.off))&smask)) = uint64(int64(o.imm))
		case opStxB:
			*(*uint8)(unsafe.Add(mem, (r[d]+uint64(o.off))&smask)) = uint8(r[s])
		case opStxH:
			*(*uint16)(unsafe.Add(mem, (r[d]+uint64(o.off))&smask)) = uint16(r[s])
		case opStxW:
			*(*uint32)(unsafe.Add(mem, (r[d]+uint64(o.off))&smask)) = uint32(r[s])
		case opStxDW:
			*(*uint64)(unsafe.Add(mem, (r[d]+uint64(o.off))&smask)) = r[s]

		case opAtomic32Add, opAtomic32Or, opAtomic32And, opAtomic32Xor,
			opAtomic32FetchAdd, opAtomic32FetchOr, opAtomic32FetchAnd, opAtomic32FetchXor,
			opAtomic32Xchg, opAtomic32CmpXchg:
			p := (*uint32)(unsafe.Add(mem, (r[d]+uint64(o.off))&smask))
			atomic32(o.code, p, &r[s], &r[0])
		case opAtomic64Add, opAtomic64Or, opAtomic64And, opAtomic64Xor,
			opAtomic64FetchAdd, opAtomic64FetchOr, opAtomic64FetchAnd, opAtomic64FetchXor,
			opAtomic64Xchg, opAtomic64CmpXchg:
			p := (*uint64)(unsafe.Add(mem, (r[d]+uint64(o.off))&smask))
			atomic64(o.code, p, &r[s], &r[0])
		default:
			return 0, &RunError{Trap: abi.TrapNone, PC: pc - 1, Err: errBadOp(o.code)}
		}
		continue
	settle:
		// A taken back-edge spent the slice; pc is already its target.
		if fuel, err = c.settleFuel(fuel); err != nil {
			return 0, c.trap(err, pc, "")
		}
	}
}

// atomic32 applies a 32-bit atomic op; one run uses a context at a time, so
// plain memory operations are atomic with respect to the program.
func atomic32(code opcode, p *uint32, src, r0 *uint64) {
	old := *p
	switch code {
	case opAtomic32Add, opAtomic32FetchAdd:
		*p = old + uint32(*src)
	case opAtomic32Or, opAtomic32FetchOr:
		*p = old | uint32(*src)
	case opAtomic32And, opAtomic32FetchAnd:
		*p = old & uint32(*src)
	case opAtomic32Xor, opAtomic32FetchXor:
		*p = old ^ uint32(*src)
	case opAtomic32Xchg:
		*p = uint32(*src)
	case opAtomic32CmpXchg:
		if old == uint32(*r0) {
			*p = uint32(*src)
		}
		*r0 = uint64(old)
		return
	}
	if code >= opAtomic32FetchAdd {
		*src = uint64(old)
	}
}

// atomic64 applies a 64-bit atomic op (see atomic32).
func atomic64(code opcode, p *uint64, src, r0 *uint64) {
	old := *p
	switch code {
	case opAtomic64Add, opAtomic64FetchAdd:
		*p = old + *src
	case opAtomic64Or, opAtomic64FetchOr:
		*p = old | *src
	case opAtomic64And, opAtomic64FetchAnd:
		*p = old & *src
	case opAtomic64Xor, opAtomic64FetchXor:
		*p = old ^ *src
	case opAtomic64Xchg:
		*p = *src
	case opAtomic64CmpXchg:
		if old == *r0 {
			*p = *src
		}
		*r0 = old
		return
	}
	if code >= opAtomic64FetchAdd {
		*src = old
	}
}

func div64(a, b uint64) uint64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func mod64(a, b uint64) uint64 {
	if b == 0 {
		return a
	}
	return a % b
}

func sdiv64(a uint64, b int64) uint64 {
	switch b {
	case 0:
		return 0
	case -1:
		return -a
	}
	return uint64(int64(a) / b)
}

func smod64(a uint64, b int64) uint64 {
	switch b {
	case 0:
		return a
	case -1:
		return 0
	}
	return uint64(int64(a) % b)
}

func div32(a, b uint32) uint32 {
	if b == 0 {
		return 0
	}
	return a / b
}

func mod32(a, b uint32) uint32 {
	if b == 0 {
		return a
	}
	return a % b
}

func sdiv32(a uint32, b int32) uint32 {
	switch b {
	case 0:
		return 0
	case -1:
		return -a
	}
	return uint32(int32(a) / b)
}

func smod32(a uint32, b int32) uint32 {
	switch b {
	case 0:
		return a
	case -1:
		return 0
	}
	return uint32(int32(a) % b)
}
