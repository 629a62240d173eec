package bpf

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// AsmError is an assembler error at a 1-based source line.
type AsmError struct {
	Line int
	Msg  string
}

func (e *AsmError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// Assemble translates assembly in the dialect of the bpf_conformance and
// uBPF test corpora (see testdata/README.md §2) into instruction slots:
//
//	mov32 %r0, 0          # ALU; "mov" or "mov64" is ALU64
//	ldxw %r1, [%r2+4]     # loads; stores are "stw [%r1], 5" and "stxw [%r1-8], %r2"
//	jne %r1, 3, done      # jumps take a label or a signed slot offset (+2, -1)
//	lock fetch add [%r10-8], %r1
//	call 5                # also "call local LABEL" and callx "call %r2"
//	lddw %r1, 0x1122334455667788
//	done:
//	exit                  # the first exit also defines the label "exit"
//
// '#' starts a comment. Operands other than registers, memory and jump
// targets are 32-bit immediates (decimal, or 0x hex as a raw pattern);
// lddw takes 64 bits. Registers %r11 to %r15 assemble, so that tests can
// check that the VM rejects them. Errors are *AsmError.
func Assemble(src string) ([]Instruction, error) {
	a := assembler{labels: map[string]int{}, firstExit: -1}
	for n, text := range strings.Split(src, "\n") {
		if i := strings.IndexByte(text, '#'); i >= 0 {
			text = text[:i]
		}
		text = strings.TrimSpace(text)
		if text == "" {
			continue
		}
		if err := a.statement(n+1, text); err != nil {
			return nil, &AsmError{Line: n + 1, Msg: err.Error()}
		}
	}
	if err := a.resolve(); err != nil {
		return nil, err
	}
	return a.insns, nil
}

// assembler holds the state of one Assemble call.
type assembler struct {
	insns     []Instruction
	labels    map[string]int // label → slot
	firstExit int            // slot of the first exit, the implicit label "exit"
	fixups    []fixup
}

// fixup is a jump whose target is a label, resolved once all labels are
// known. Jumps keep the distance in Offset, ja32 and local calls in Imm.
type fixup struct {
	line  int
	slot  int
	label string
	imm   bool
}

// resolve patches every label reference with its relative distance.
func (a *assembler) resolve() error {
	if _, ok := a.labels["exit"]; !ok && a.firstExit >= 0 {
		a.labels["exit"] = a.firstExit
	}
	for _, f := range a.fixups {
		slot, ok := a.labels[f.label]
		if !ok {
			return &AsmError{Line: f.line, Msg: fmt.Sprintf("undefined label %q", f.label)}
		}
		dist := slot - (f.slot + 1)
		if f.imm {
			a.insns[f.slot].Imm = int32(dist) // a program never has 2^31 slots
			continue
		}
		if dist < math.MinInt16 || dist > math.MaxInt16 {
			return &AsmError{Line: f.line, Msg: fmt.Sprintf("label %q is %d slots away, beyond a 16-bit offset", f.label, dist)}
		}
		a.insns[f.slot].Offset = int16(dist)
	}
	return nil
}

// statement assembles one non-empty line without its comment.
func (a *assembler) statement(line int, text string) error {
	tokens := strings.Fields(text)
	if name, ok := strings.CutSuffix(tokens[0], ":"); ok {
		switch {
		case len(tokens) > 1:
			return errors.New("a label must be alone on its line")
		case !validLabel(name):
			return fmt.Errorf("bad label name %q", name)
		}
		if _, dup := a.labels[name]; dup {
			return fmt.Errorf("label %q defined twice", name)
		}
		a.labels[name] = len(a.insns)
		return nil
	}
	mnemonic, rest := tokens[0], tokens[1:]
	switch mnemonic {
	case "lock":
		return a.atomic(rest)
	case "call":
		return a.call(line, rest)
	}
	ops, err := splitOperands(rest)
	if err != nil {
		return err
	}
	return a.instruction(line, mnemonic, ops)
}

// emit appends ins and returns its slot.
func (a *assembler) emit(ins Instruction) int {
	a.insns = append(a.insns, ins)
	return len(a.insns) - 1
}

// want checks the operand count of a mnemonic.
func want(mnemonic string, ops []string, n int) error {
	if len(ops) != n {
		return fmt.Errorf("%s takes %d operand(s), got %d", mnemonic, n, len(ops))
	}
	return nil
}

// target sets the jump target of the instruction at slot, either now (a
// signed number) or after all labels are known.
func (a *assembler) target(line, slot int, operand string, imm bool) error {
	if !isRelative(operand) {
		if !validLabel(operand) {
			return fmt.Errorf("bad jump target %q", operand)
		}
		a.fixups = append(a.fixups, fixup{line: line, slot: slot, label: operand, imm: imm})
		return nil
	}
	if imm {
		v, err := parseRelative(operand, math.MinInt32, math.MaxInt32)
		a.insns[slot].Imm = int32(v)
		return err
	}
	v, err := parseRelative(operand, math.MinInt16, math.MaxInt16)
	a.insns[slot].Offset = int16(v)
	return err
}

// sourceOperand fills Src or Imm from an operand that is a register or an
// immediate, and returns the matching source bit.
func sourceOperand(ins *Instruction, operand string) (Source, error) {
	if isRegister(operand) {
		r, err := parseRegister(operand)
		ins.Src = r
		return SrcX, err
	}
	v, err := parseImm32(operand)
	ins.Imm = v
	return SrcK, err
}

// instruction assembles every form except lock and call.
func (a *assembler) instruction(line int, m string, ops []string) error {
	switch {
	case m == "exit":
		if a.firstExit < 0 {
			a.firstExit = len(a.insns)
		}
		a.emit(Instruction{OpCode: OpCode(byte(ClassJMP) | byte(JumpExit))})
		return want(m, ops, 0)
	case m == "ja", m == "ja32":
		if err := want(m, ops, 1); err != nil {
			return err
		}
		class := ClassJMP
		if m == "ja32" {
			class = ClassJMP32
		}
		slot := a.emit(Instruction{OpCode: OpCode(byte(class) | byte(JumpJA))})
		return a.target(line, slot, ops[0], m == "ja32")
	case m == "lddw":
		if err := want(m, ops, 2); err != nil {
			return err
		}
		dst, err := parseRegister(ops[0])
		if err != nil {
			return err
		}
		v, err := parseImm64(ops[1])
		if err != nil {
			return err
		}
		pair := LDDW(dst, v)
		a.insns = append(a.insns, pair[:]...)
		return nil
	}
	if op, class, ok := jumpMnemonic(m); ok {
		return a.conditional(line, m, op, class, ops)
	}
	if ins, ok := loadStoreMnemonic(m); ok {
		return a.loadStore(m, ins, ops)
	}
	return a.alu(m, ops)
}

// jumpMnemonic recognises the conditional jumps, with an optional 32
// suffix for JMP32.
func jumpMnemonic(m string) (JumpOp, Class, bool) {
	class := ClassJMP
	if base, ok := strings.CutSuffix(m, "32"); ok {
		m, class = base, ClassJMP32
	}
	for i, name := range jumpNames {
		op := JumpOp(i << 4)
		if name == m && op != JumpJA && op != JumpCall && op != JumpExit {
			return op, class, true
		}
	}
	return 0, 0, false
}

// conditional assembles "jXX %rD, src, target".
func (a *assembler) conditional(line int, m string, op JumpOp, class Class, ops []string) error {
	if err := want(m, ops, 3); err != nil {
		return err
	}
	ins := Instruction{}
	dst, err := parseRegister(ops[0])
	if err != nil {
		return err
	}
	ins.Dst = dst
	source, err := sourceOperand(&ins, ops[1])
	if err != nil {
		return err
	}
	ins.OpCode = OpCode(byte(class) | byte(source) | byte(op))
	return a.target(line, a.emit(ins), ops[2], false)
}

// loadStoreMnemonic maps ldx*, ldxs*, st* and stx* to an opcode.
func loadStoreMnemonic(m string) (OpCode, bool) {
	var class Class
	mode := ModeMEM
	var rest string
	switch {
	case strings.HasPrefix(m, "ldxs"):
		class, mode, rest = ClassLDX, ModeMEMSX, m[4:]
	case strings.HasPrefix(m, "ldx"):
		class, rest = ClassLDX, m[3:]
	case strings.HasPrefix(m, "stx"):
		class, rest = ClassSTX, m[3:]
	case strings.HasPrefix(m, "st"):
		class, rest = ClassST, m[2:]
	default:
		return 0, false
	}
	for _, size := range []Size{SizeW, SizeH, SizeB, SizeDW} {
		if size.String() == rest && (mode == ModeMEM || size != SizeDW) {
			return OpCode(byte(class) | byte(size) | byte(mode)), true
		}
	}
	return 0, false
}

// loadStore assembles ldxX %rD, [mem]; stX [mem], imm; stxX [mem], %rS.
func (a *assembler) loadStore(m string, op OpCode, ops []string) error {
	if err := want(m, ops, 2); err != nil {
		return err
	}
	ins := Instruction{OpCode: op}
	var err error
	switch op.Class() {
	case ClassLDX:
		if ins.Dst, err = parseRegister(ops[0]); err != nil {
			return err
		}
		ins.Src, ins.Offset, err = parseMemory(ops[1])
	case ClassST:
		if ins.Dst, ins.Offset, err = parseMemory(ops[0]); err != nil {
			return err
		}
		ins.Imm, err = parseImm32(ops[1])
	default:
		if ins.Dst, ins.Offset, err = parseMemory(ops[0]); err != nil {
			return err
		}
		ins.Src, err = parseRegister(ops[1])
	}
	a.emit(ins)
	return err
}

// aluNamed maps an ALU mnemonic without its width suffix to its operation
// and offset (1 for the signed sdiv and smod).
func aluNamed(m string) (ALUOp, int16, bool) {
	switch m {
	case "sdiv":
		return ALUDiv, 1, true
	case "smod":
		return ALUMod, 1, true
	case "end":
		return 0, 0, false
	}
	for i, name := range aluNames {
		if name == m && name != "" {
			return ALUOp(i << 4), 0, true
		}
	}
	return 0, 0, false
}

// alu assembles arithmetic, byte swaps and movsx.
func (a *assembler) alu(m string, ops []string) error {
	if ins, ok := swapMnemonic(m); ok {
		if err := want(m, ops, 1); err != nil {
			return err
		}
		var err error
		ins.Dst, err = parseRegister(ops[0])
		a.emit(ins)
		return err
	}
	if ins, ok := movsxMnemonic(m); ok {
		if err := want(m, ops, 2); err != nil {
			return err
		}
		var err error
		if ins.Dst, err = parseRegister(ops[0]); err != nil {
			return err
		}
		ins.Src, err = parseRegister(ops[1])
		a.emit(ins)
		return err
	}
	class := ClassALU64
	base := m
	if b, ok := strings.CutSuffix(m, "32"); ok {
		base, class = b, ClassALU
	} else if b, ok := strings.CutSuffix(m, "64"); ok {
		base = b
	}
	op, offset, ok := aluNamed(base)
	if !ok {
		return fmt.Errorf("unknown mnemonic %q", m)
	}
	ins := Instruction{Offset: offset}
	if op == ALUNeg {
		if err := want(m, ops, 1); err != nil {
			return err
		}
		var err error
		ins.Dst, err = parseRegister(ops[0])
		ins.OpCode = OpCode(byte(class) | byte(op))
		a.emit(ins)
		return err
	}
	if err := want(m, ops, 2); err != nil {
		return err
	}
	dst, err := parseRegister(ops[0])
	if err != nil {
		return err
	}
	ins.Dst = dst
	source, err := sourceOperand(&ins, ops[1])
	ins.OpCode = OpCode(byte(class) | byte(source) | byte(op))
	a.emit(ins)
	return err
}

// swapMnemonic recognises le16/32/64 and be16/32/64 (ALU END) and
// bswap16/32/64 or swap16/32/64 (ALU64 END).
func swapMnemonic(m string) (Instruction, bool) {
	var op OpCode
	var width string
	switch {
	case strings.HasPrefix(m, "le"):
		op, width = OpCode(byte(ClassALU)|byte(ALUEnd)|byte(SrcK)), m[2:]
	case strings.HasPrefix(m, "be"):
		op, width = OpCode(byte(ClassALU)|byte(ALUEnd)|byte(SrcX)), m[2:]
	case strings.HasPrefix(m, "bswap"):
		op, width = OpCode(byte(ClassALU64)|byte(ALUEnd)), m[5:]
	case strings.HasPrefix(m, "swap"):
		op, width = OpCode(byte(ClassALU64)|byte(ALUEnd)), m[4:]
	default:
		return Instruction{}, false
	}
	switch width {
	case "16":
		return Instruction{OpCode: op, Imm: 16}, true
	case "32":
		return Instruction{OpCode: op, Imm: 32}, true
	case "64":
		return Instruction{OpCode: op, Imm: 64}, true
	}
	return Instruction{}, false
}

// movsxMnemonic recognises movsxWC: W = 8, 16 or 32 is the source width
// (in Offset) and C = 32 (ALU, W 8 or 16) or 64 (ALU64) the class.
func movsxMnemonic(m string) (Instruction, bool) {
	for _, form := range []struct {
		name  string
		class Class
		width int16
	}{
		{"movsx832", ClassALU, 8}, {"movsx1632", ClassALU, 16},
		{"movsx864", ClassALU64, 8}, {"movsx1664", ClassALU64, 16}, {"movsx3264", ClassALU64, 32},
	} {
		if form.name == m {
			return Instruction{OpCode: OpCode(byte(form.class) | byte(ALUMov) | byte(SrcX)), Offset: form.width}, true
		}
	}
	return Instruction{}, false
}

// call assembles "call N", "call helper N", "call runtime N" (helper by
// BTF id), "call local TARGET" and callx "call %rN".
func (a *assembler) call(line int, tokens []string) error {
	kind := ""
	if len(tokens) > 0 {
		switch tokens[0] {
		case "helper", "local", "runtime":
			kind, tokens = tokens[0], tokens[1:]
		}
	}
	ops, err := splitOperands(tokens)
	if err != nil {
		return err
	}
	if err := want("call", ops, 1); err != nil {
		return err
	}
	ins := Instruction{OpCode: opCall}
	switch {
	case kind == "local":
		ins.Src = CallLocal
		return a.target(line, a.emit(ins), ops[0], true)
	case kind == "" && isRegister(ops[0]):
		ins.OpCode |= OpCode(SrcX)
		ins.Dst, err = parseRegister(ops[0])
	case kind == "runtime":
		ins.Src = CallBTF
		ins.Imm, err = parseImm32(ops[0])
	default:
		ins.Imm, err = parseImm32(ops[0])
	}
	a.emit(ins)
	return err
}

// atomic assembles "lock [fetch] OP[32] [%rD+off], %rS" with OP one of
// add, or, and, xor, xchg and cmpxchg; xchg and cmpxchg always fetch and
// are written without "fetch".
func (a *assembler) atomic(tokens []string) error {
	fetch := len(tokens) > 0 && tokens[0] == "fetch"
	if fetch {
		tokens = tokens[1:]
	}
	if len(tokens) == 0 {
		return errors.New("lock needs an operation and two operands")
	}
	name := tokens[0]
	size := SizeDW
	if b, ok := strings.CutSuffix(name, "32"); ok {
		name, size = b, SizeW
	}
	var imm int32
	switch name {
	case "add":
		imm = AtomicAdd
	case "or":
		imm = AtomicOr
	case "and":
		imm = AtomicAnd
	case "xor":
		imm = AtomicXor
	case "xchg", "cmpxchg":
		if fetch {
			return fmt.Errorf("lock %s always fetches; write it without \"fetch\"", name)
		}
		imm = AtomicXchg
		if name == "cmpxchg" {
			imm = AtomicCmpXchg
		}
	default:
		return fmt.Errorf("unknown atomic operation %q", tokens[0])
	}
	if fetch {
		imm |= AtomicFetch
	}
	ops, err := splitOperands(tokens[1:])
	if err != nil {
		return err
	}
	if err := want("lock "+tokens[0], ops, 2); err != nil {
		return err
	}
	ins := Instruction{OpCode: OpCode(byte(ClassSTX) | byte(size) | byte(ModeATOMIC)), Imm: imm}
	if ins.Dst, ins.Offset, err = parseMemory(ops[0]); err != nil {
		return err
	}
	ins.Src, err = parseRegister(ops[1])
	a.emit(ins)
	return err
}
