package vm

import (
	"fmt"
	"slices"

	"github.com/zeroserve/zeroserve/internal/bpf"
	"github.com/zeroserve/zeroserve/internal/vm/abi"
)

// DefaultCodeSizeLimit is the default program size limit in bytes of
// bytecode: 65536 instruction slots.
const DefaultCodeSizeLimit = 65536 * bpf.SlotSize

// verifier checks a linked program before it is decoded. Its rules:
//
//   - the program is not empty and not over the size limit;
//   - every opcode is known and supported, every field the ISA leaves unused
//     is zero, immediates that select an operation are valid (byte-swap
//     widths, atomic operations, movsx widths, sdiv/smod offsets);
//   - registers are r0–r10, and nothing writes r10;
//   - lddw is complete, its second slot is clean and its source is 0
//     (relocations are applied before validation);
//   - jumps stay inside their function, never land on the second slot of an
//     lddw and never target themselves;
//   - local calls target a slot inside the program; a function (entry
//     section, function symbol or local call target) cannot fall through
//     into the next one or off the end;
//   - r10-relative accesses with a constant offset stay in the current
//     4 KiB frame;
//   - helper calls by immediate name a registered helper;
//   - without recursion, the static call depth is at most abi.MaxCallDepth.
type verifier struct {
	insns   []bpf.Instruction
	helpers []Helper
	second  []bool // slot is the second half of an lddw
	starts  []int  // sorted function starts
}

// verify validates insns; starts are the entry and function symbol slots.
func verify(insns []bpf.Instruction, starts []int, helpers []Helper, sizeLimit int) error {
	if sizeLimit <= 0 {
		sizeLimit = DefaultCodeSizeLimit
	}
	switch {
	case len(insns) == 0:
		return &VerifyError{PC: -1, Reason: "empty program"}
	case len(insns)*bpf.SlotSize > sizeLimit:
		return &VerifyError{PC: -1, Reason: fmt.Sprintf("program of %d slots (%d bytes) is over the code size limit of %d bytes", len(insns), len(insns)*bpf.SlotSize, sizeLimit)}
	}
	v := &verifier{insns: insns, helpers: helpers, second: make([]bool, len(insns))}
	for pc := 0; pc < len(insns); pc++ {
		if err := v.checkInsn(pc); err != nil {
			return err
		}
		if insns[pc].OpCode == bpf.OpLDDW {
			pc++
			v.second[pc] = true
		}
	}
	if err := v.findFunctions(starts); err != nil {
		return err
	}
	if err := v.checkFlow(); err != nil {
		return err
	}
	return v.checkCallDepth()
}

func (v *verifier) fail(pc int, format string, args ...any) error {
	return &VerifyError{PC: pc, Insn: v.insns[pc], Reason: fmt.Sprintf(format, args...)}
}

// checkInsn checks one instruction's encoding on its own.
func (v *verifier) checkInsn(pc int) error {
	ins := v.insns[pc]
	if ins.Dst > bpf.R10 {
		return v.fail(pc, "invalid destination register r%d", ins.Dst)
	}
	if ins.Src > bpf.R10 {
		return v.fail(pc, "invalid source register r%d", ins.Src)
	}
	var reason string
	switch ins.OpCode.Class() {
	case bpf.ClassALU, bpf.ClassALU64:
		reason = checkALU(ins)
	case bpf.ClassJMP, bpf.ClassJMP32:
		reason = checkJump(ins)
	case bpf.ClassLD:
		reason = v.checkLDDW(pc)
	case bpf.ClassLDX, bpf.ClassST, bpf.ClassSTX:
		reason = checkMemory(ins)
	}
	if reason != "" {
		return v.fail(pc, "%s", reason)
	}
	if ins.OpCode == bpf.OpCode(bpf.ClassJMP)|bpf.OpCode(bpf.JumpCall) && ins.Src == bpf.CallHelper {
		if id := uint32(ins.Imm); int(id) >= len(v.helpers) || v.helpers[id].Func == nil {
			return v.fail(pc, "call to unregistered helper %d", ins.Imm)
		}
	}
	return nil
}

func checkALU(ins bpf.Instruction) string {
	is64 := ins.OpCode.Class() == bpf.ClassALU64
	op := ins.OpCode.ALUOp()
	x := ins.OpCode.Source() == bpf.SrcX
	if op > bpf.ALUEnd {
		return "unknown ALU operation"
	}
	if ins.Dst == bpf.R10 {
		return "write to r10, the read-only frame pointer"
	}
	switch op {
	case bpf.ALUNeg:
		if x || ins.Src != 0 || ins.Offset != 0 || ins.Imm != 0 {
			return "neg must have source K and zero src, offset and imm"
		}
		return ""
	case bpf.ALUEnd:
		if is64 && x {
			return "unknown opcode (bswap has no source bit)"
		}
		if ins.Src != 0 || ins.Offset != 0 {
			return "byte swap must have zero src and offset"
		}
		if ins.Imm != 16 && ins.Imm != 32 && ins.Imm != 64 {
			return fmt.Sprintf("invalid byte swap width %d (want 16, 32 or 64)", ins.Imm)
		}
		return ""
	}
	if x {
		if ins.Imm != 0 {
			return "register-source ALU instruction with nonzero imm"
		}
	} else if ins.Src != 0 {
		return "immediate-source ALU instruction with nonzero src"
	}
	switch {
	case ins.Offset == 0:
	case (op == bpf.ALUDiv || op == bpf.ALUMod) && ins.Offset == 1:
	case op == bpf.ALUMov && x && (ins.Offset == 8 || ins.Offset == 16 || (is64 && ins.Offset == 32)):
	default:
		return fmt.Sprintf("invalid offset %d", ins.Offset)
	}
	return ""
}

func checkJump(ins bpf.Instruction) string {
	is32 := ins.OpCode.Class() == bpf.ClassJMP32
	x := ins.OpCode.Source() == bpf.SrcX
	switch op := ins.OpCode.JumpOp(); op {
	case bpf.JumpJA:
		switch {
		case x:
			return "unknown opcode (ja has no source bit)"
		case ins.Dst != 0 || ins.Src != 0:
			return "ja must have zero dst and src"
		case !is32 && ins.Imm != 0:
			return "ja must have zero imm"
		case is32 && ins.Offset != 0:
			return "ja32 must have zero offset"
		}
	case bpf.JumpCall:
		switch {
		case is32:
			return "unknown opcode (call is JMP class only)"
		case x:
			if ins.Src != 0 || ins.Offset != 0 || ins.Imm != 0 {
				return "callx must have zero src, offset and imm"
			}
		case ins.Dst != 0 || ins.Offset != 0:
			return "call must have zero dst and offset"
		case ins.Src == bpf.CallBTF:
			return "calls to helpers by BTF id are not supported"
		case ins.Src != bpf.CallHelper && ins.Src != bpf.CallLocal:
			return fmt.Sprintf("invalid call kind src=%d", ins.Src)
		}
	case bpf.JumpExit:
		switch {
		case is32 || x:
			return "unknown opcode (exit is 0x95 only)"
		case ins.Dst != 0 || ins.Src != 0 || ins.Offset != 0 || ins.Imm != 0:
			return "exit must have zero dst, src, offset and imm"
		}
	default:
		if op > bpf.JumpJSLE {
			return "unknown jump operation"
		}
		if x && ins.Imm != 0 {
			return "register-source jump with nonzero imm"
		}
		if !x && ins.Src != 0 {
			return "immediate-source jump with nonzero src"
		}
	}
	return ""
}

func (v *verifier) checkLDDW(pc int) string {
	ins := v.insns[pc]
	switch {
	case ins.OpCode != bpf.OpLDDW:
		if m := ins.OpCode.Mode(); m == bpf.ModeABS || m == bpf.ModeIND {
			return "legacy packet access (LD ABS/IND) is not supported"
		}
		return "unknown opcode"
	case pc+1 >= len(v.insns):
		return "incomplete lddw: no second slot"
	case ins.Src != 0:
		return fmt.Sprintf("lddw source type %d is not supported (only 0: relocations are applied before loading)", ins.Src)
	case ins.Offset != 0:
		return "lddw with nonzero offset"
	case ins.Dst == bpf.R10:
		return "write to r10, the read-only frame pointer"
	}
	if next := v.insns[pc+1]; next.OpCode != 0 || next.Dst != 0 || next.Src != 0 || next.Offset != 0 {
		return "invalid lddw second slot: opcode, registers and offset must be zero"
	}
	return ""
}

func checkMemory(ins bpf.Instruction) string {
	op := ins.OpCode
	size, mode := op.Size(), op.Mode()
	var base bpf.Register
	switch op.Class() {
	case bpf.ClassLDX:
		switch {
		case mode != bpf.ModeMEM && !(mode == bpf.ModeMEMSX && size != bpf.SizeDW):
			return "unknown opcode"
		case ins.Imm != 0:
			return "load with nonzero imm"
		case ins.Dst == bpf.R10:
			return "write to r10, the read-only frame pointer"
		}
		base = ins.Src
	case bpf.ClassST:
		switch {
		case mode != bpf.ModeMEM:
			return "unknown opcode"
		case ins.Src != 0:
			return "store of an immediate with nonzero src"
		}
		base = ins.Dst
	case bpf.ClassSTX:
		switch {
		case mode == bpf.ModeMEM:
			if ins.Imm != 0 {
				return "store of a register with nonzero imm"
			}
		case mode == bpf.ModeATOMIC && (size == bpf.SizeW || size == bpf.SizeDW):
			switch ins.Imm {
			case bpf.AtomicAdd, bpf.AtomicOr, bpf.AtomicAnd, bpf.AtomicXor:
			case bpf.AtomicAdd | bpf.AtomicFetch, bpf.AtomicOr | bpf.AtomicFetch, bpf.AtomicAnd | bpf.AtomicFetch,
				bpf.AtomicXor | bpf.AtomicFetch, bpf.AtomicXchg, bpf.AtomicCmpXchg:
				if ins.Src == bpf.R10 {
					return "atomic fetch into r10, the read-only frame pointer"
				}
			default:
				return fmt.Sprintf("unknown atomic operation %#x", ins.Imm)
			}
		default:
			return "unknown opcode"
		}
		base = ins.Dst
	}
	if base == bpf.R10 {
		off, n := int(ins.Offset), size.Bytes()
		if off < -abi.StackFrameSize || off+n > 0 {
			return fmt.Sprintf("stack access [r10%+d] of %d bytes outside the %d-byte frame", off, n, abi.StackFrameSize)
		}
	}
	return ""
}

// target returns the slot a jump or local call at pc goes to, and whether
// the instruction has one.
func (v *verifier) target(pc int) (int, bool) {
	ins := v.insns[pc]
	op := ins.OpCode
	switch op.Class() {
	case bpf.ClassJMP, bpf.ClassJMP32:
	default:
		return 0, false
	}
	switch op.JumpOp() {
	case bpf.JumpExit:
		return 0, false
	case bpf.JumpCall:
		if op.Source() == bpf.SrcX || ins.Src != bpf.CallLocal {
			return 0, false
		}
		return pc + 1 + int(ins.Imm), true
	case bpf.JumpJA:
		if op.Class() == bpf.ClassJMP32 {
			return pc + 1 + int(ins.Imm), true
		}
	}
	return pc + 1 + int(ins.Offset), true
}

func isLocalCall(ins bpf.Instruction) bool {
	return ins.OpCode == bpf.OpCode(bpf.ClassJMP)|bpf.OpCode(bpf.JumpCall) && ins.Src == bpf.CallLocal
}

// findFunctions collects function starts: entries, symbols, call targets.
func (v *verifier) findFunctions(starts []int) error {
	v.starts = append(v.starts, 0)
	for _, s := range starts {
		if s < 0 || s >= len(v.insns) || v.second[s] {
			return &VerifyError{PC: -1, Reason: fmt.Sprintf("function or entrypoint at slot %d is not an instruction of the program", s)}
		}
		v.starts = append(v.starts, s)
	}
	for pc, ins := range v.insns {
		if v.second[pc] || !isLocalCall(ins) {
			continue
		}
		t, _ := v.target(pc)
		if t < 0 || t >= len(v.insns) {
			return v.fail(pc, "local call target %d out of bounds [0, %d)", t, len(v.insns))
		}
		if v.second[t] {
			return v.fail(pc, "local call into the middle of lddw at %d", t-1)
		}
		v.starts = append(v.starts, t)
	}
	slices.Sort(v.starts)
	v.starts = slices.Compact(v.starts)
	return nil
}

// function returns the [start, end) of the function holding pc.
func (v *verifier) function(pc int) (int, int) {
	i, found := slices.BinarySearch(v.starts, pc)
	if !found {
		i--
	}
	end := len(v.insns)
	if i+1 < len(v.starts) {
		end = v.starts[i+1]
	}
	return v.starts[i], end
}

func isUnconditional(ins bpf.Instruction) bool {
	op := ins.OpCode
	return op == bpf.OpCode(bpf.ClassJMP)|bpf.OpCode(bpf.JumpExit) ||
		op == bpf.OpCode(bpf.ClassJMP)|bpf.OpCode(bpf.JumpJA) ||
		op == bpf.OpCode(bpf.ClassJMP32)|bpf.OpCode(bpf.JumpJA)
}

// checkFlow checks jump targets and function ends.
func (v *verifier) checkFlow() error {
	for i, s := range v.starts {
		end := len(v.insns)
		if i+1 < len(v.starts) {
			end = v.starts[i+1]
		}
		last := end - 1
		if v.second[last] {
			last--
		}
		if !isUnconditional(v.insns[last]) {
			if end == len(v.insns) {
				return v.fail(last, "falls off the end of the program (the last instruction must be exit or ja)")
			}
			return v.fail(last, "function at slot %d falls through into the function at slot %d", s, end)
		}
	}
	for pc, ins := range v.insns {
		if v.second[pc] || isLocalCall(ins) {
			continue
		}
		t, ok := v.target(pc)
		if !ok {
			continue
		}
		start, end := v.function(pc)
		switch {
		case t == pc:
			return v.fail(pc, "jump to itself (an infinite loop)")
		case t < 0 || t >= len(v.insns):
			return v.fail(pc, "jump target %d out of bounds [0, %d)", t, len(v.insns))
		case t < start || t >= end:
			return v.fail(pc, "jump target %d outside its function [%d, %d)", t, start, end)
		case v.second[t]:
			return v.fail(pc, "jump into the middle of lddw at %d", t-1)
		}
	}
	return nil
}

// checkCallDepth rejects call chains deeper than abi.MaxCallDepth frames
// when the call graph has no cycle; recursion is bounded at run time.
func (v *verifier) checkCallDepth() error {
	index := make(map[int]int, len(v.starts))
	for i, s := range v.starts {
		index[s] = i
	}
	callees := make([][]int, len(v.starts))
	for pc, ins := range v.insns {
		if v.second[pc] || !isLocalCall(ins) {
			continue
		}
		t, _ := v.target(pc)
		f := index[v.functionStart(pc)]
		callees[f] = append(callees[f], index[t])
	}
	const (
		unvisited = 0
		active    = -1
	)
	depth := make([]int, len(v.starts)) // frames used by a call chain from here
	var visit func(f int) bool          // false: a cycle was found
	visit = func(f int) bool {
		if depth[f] == active {
			return false
		}
		if depth[f] != unvisited {
			return true
		}
		depth[f] = active
		d := 1
		for _, c := range callees[f] {
			if !visit(c) {
				return false
			}
			d = max(d, 1+depth[c])
		}
		depth[f] = d
		return true
	}
	for f := range v.starts {
		if !visit(f) {
			return nil // recursion: the depth limit is enforced at run time
		}
		if depth[f] > abi.MaxCallDepth {
			return &VerifyError{PC: -1, Reason: fmt.Sprintf("function at slot %d needs %d nested frames, over the limit of %d", v.starts[f], depth[f], abi.MaxCallDepth)}
		}
	}
	return nil
}

func (v *verifier) functionStart(pc int) int {
	s, _ := v.function(pc)
	return s
}
