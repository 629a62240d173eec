package vm

import (
	"encoding/binary"
	"errors"
	"path/filepath"
	"testing"

	"github.com/zeroserve/zeroserve/internal/bpf"
	"github.com/zeroserve/zeroserve/internal/bpf/corpus"
	"github.com/zeroserve/zeroserve/internal/vm/abi"
)

// addCorpusSeeds adds every conformance program's bytecode as a seed.
func addCorpusSeeds(f *testing.F) {
	root := testdataRootF(f)
	for _, dir := range []string{"bpf_conformance/tests", "ubpf/tests"} {
		files, _ := corpus.Files(filepath.Join(root, dir))
		for _, path := range files {
			if tc, err := corpus.ParseFile(path); err == nil && tc.Program != nil && len(tc.Program) < 512 {
				f.Add(bpf.EncodeProgram(tc.Program))
			}
		}
	}
}

func testdataRootF(f *testing.F) string {
	if root, err := corpus.Root("."); err == nil {
		return root
	}
	return filepath.Join("..", "..", "..", "shared", "testdata")
}

// FuzzVerify: any bytes are either a program the validator accepts, which
// then runs without a Go panic within its fuel, or a *VerifyError.
func FuzzVerify(f *testing.F) {
	addCorpusSeeds(f)
	h := conformanceHelpers(f)
	f.Fuzz(func(t *testing.T, code []byte) {
		insns, err := bpf.DecodeProgram(code[:len(code)&^7])
		if err != nil {
			t.Fatal(err)
		}
		p, err := LoadCode(insns, Options{Helpers: h})
		if err != nil {
			var ve *VerifyError
			if !errors.As(err, &ve) {
				t.Fatalf("rejection is not a VerifyError: %v", err)
			}
			return
		}
		defer p.Close()
		runFuzzed(t, p, nil)
	})
}

// FuzzInterp: the input drives a generator of mostly valid programs (valid
// opcodes, registers and field values, short jumps, the conformance
// helpers); every program the validator accepts runs without a Go panic,
// ends within its fuel, and gives the same result twice.
func FuzzInterp(f *testing.F) {
	addCorpusSeeds(f)
	h := conformanceHelpers(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := LoadCode(generate(data), Options{Helpers: h})
		if err != nil {
			return
		}
		defer p.Close()
		runFuzzed(t, p, data[:min(len(data), abi.CalldataMax)])
	})
}

// runFuzzed runs p twice with a small budget; both runs must agree and any
// error must be a trap.
func runFuzzed(t *testing.T, p *Program, calldata []byte) {
	c, err := p.NewContext()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r1, err1 := c.Run(0, calldata, 20000)
	fuel1 := c.FuelLeft()
	r2, err2 := c.Run(0, calldata, 20000)
	if err1 != nil {
		var re *RunError
		if !errors.As(err1, &re) {
			t.Fatalf("run error is not a RunError: %v", err1)
		}
	}
	if r1 != r2 || (err1 == nil) != (err2 == nil) || fuel1 != c.FuelLeft() {
		t.Fatalf("runs differ: %#x %v fuel %d, then %#x %v fuel %d", r1, err1, fuel1, r2, err2, c.FuelLeft())
	}
}

// validOpcodes are the opcodes the validator accepts (no legacy packet loads).
var validOpcodes = func() []bpf.OpCode {
	var ops []bpf.OpCode
	for i := range 256 {
		op := bpf.OpCode(i)
		if op.Valid() && (op.Class() != bpf.ClassLD || op == bpf.OpLDDW) {
			ops = append(ops, op)
		}
	}
	return ops
}()

var atomicImms = []int32{bpf.AtomicAdd, bpf.AtomicOr, bpf.AtomicAnd, bpf.AtomicXor,
	bpf.AtomicAdd | bpf.AtomicFetch, bpf.AtomicOr | bpf.AtomicFetch, bpf.AtomicAnd | bpf.AtomicFetch,
	bpf.AtomicXor | bpf.AtomicFetch, bpf.AtomicXchg, bpf.AtomicCmpXchg}

// generate turns each 8 bytes of data into one instruction with a valid
// opcode and mostly valid fields, and ends the program with exit.
func generate(data []byte) []bpf.Instruction {
	var insns []bpf.Instruction
	for len(data) >= 8 && len(insns) < 256 {
		b := data[:8]
		data = data[8:]
		ins := bpf.Instruction{
			OpCode: validOpcodes[int(b[0])%len(validOpcodes)],
			Dst:    bpf.Register(b[1] & 15 % 10),
			Src:    bpf.Register(b[1] >> 4 % 11),
			Offset: int16(int8(b[2])),
			Imm:    int32(binary.LittleEndian.Uint32(b[4:])),
		}
		op := ins.OpCode
		switch op.Class() {
		case bpf.ClassALU, bpf.ClassALU64:
			ins.Offset = 0
			switch {
			case op.ALUOp() == bpf.ALUNeg:
				ins.Src, ins.Imm = 0, 0
			case op.ALUOp() == bpf.ALUEnd:
				ins.Src, ins.Imm = 0, []int32{16, 32, 64}[b[4]%3]
			case op.Source() == bpf.SrcX:
				ins.Imm = 0
				if op.ALUOp() == bpf.ALUMov {
					ins.Offset = []int16{0, 8, 16}[b[3]%3]
				}
			default:
				ins.Src = 0
			}
			if op.ALUOp() == bpf.ALUDiv || op.ALUOp() == bpf.ALUMod {
				ins.Offset = int16(b[3] & 1)
			}
			if op.ALUOp() == bpf.ALUArsh || op.ALUOp() == bpf.ALULsh || op.ALUOp() == bpf.ALURsh {
				ins.Imm &= 0xff
			}
		case bpf.ClassJMP, bpf.ClassJMP32:
			switch op.JumpOp() {
			case bpf.JumpCall:
				switch {
				case op.Source() == bpf.SrcX:
					ins.Src, ins.Offset, ins.Imm = 0, 0, 0
				case b[3]&3 != 0:
					ins.Dst, ins.Src, ins.Offset, ins.Imm = 0, 0, 0, int32(b[4]%6)
				default:
					ins.Dst, ins.Src, ins.Offset, ins.Imm = 0, bpf.CallLocal, 0, int32(int8(b[4]))
				}
			case bpf.JumpExit:
				ins = bpf.Instruction{OpCode: op}
			case bpf.JumpJA:
				ins.Dst, ins.Src = 0, 0
				if op.Class() == bpf.ClassJMP32 {
					ins.Imm, ins.Offset = int32(ins.Offset), 0
				} else {
					ins.Imm = 0
				}
			default:
				if op.Source() == bpf.SrcX {
					ins.Imm = 0
				} else {
					ins.Src = 0
				}
			}
		case bpf.ClassLD:
			ins.Src, ins.Offset = 0, 0
			insns = append(insns, ins)
			ins = bpf.Instruction{Imm: int32(b[3])}
		case bpf.ClassLDX:
			ins.Imm = 0
			ins.Offset = int16(binary.LittleEndian.Uint16(b[2:]))
		case bpf.ClassST:
			ins.Src = 0
			ins.Offset = int16(binary.LittleEndian.Uint16(b[2:]))
		case bpf.ClassSTX:
			ins.Imm = 0
			if op.Mode() == bpf.ModeATOMIC {
				ins.Imm = atomicImms[int(b[3])%len(atomicImms)]
				ins.Src %= 10
			}
			ins.Offset = int16(binary.LittleEndian.Uint16(b[2:]))
		}
		insns = append(insns, ins)
	}
	insns = append(insns, bpf.Instruction{OpCode: bpf.OpCode(bpf.ClassJMP) | bpf.OpCode(bpf.JumpExit)})
	fixTargets(insns)
	return insns
}

// fixTargets folds jump and call targets into the program and r10-relative
// offsets into the frame, so more generated programs pass the validator.
func fixTargets(insns []bpf.Instruction) {
	n := len(insns)
	rel := func(pc int, raw int32) int32 {
		t := int(uint32(raw) % uint32(n))
		if t == pc {
			t = (t + 1) % n
		}
		return int32(t - pc - 1)
	}
	for pc := range insns {
		ins := &insns[pc]
		op := ins.OpCode
		switch op.Class() {
		case bpf.ClassJMP, bpf.ClassJMP32:
			switch {
			case op.JumpOp() == bpf.JumpExit || op.Source() == bpf.SrcX && op.JumpOp() == bpf.JumpCall:
			case op.JumpOp() == bpf.JumpCall:
				if ins.Src == bpf.CallLocal {
					ins.Imm = rel(pc, ins.Imm)
				}
			case op == bpf.OpCode(bpf.ClassJMP32)|bpf.OpCode(bpf.JumpJA):
				ins.Imm = rel(pc, ins.Imm)
			default:
				ins.Offset = int16(rel(pc, int32(ins.Offset)))
			}
		case bpf.ClassLDX:
			if ins.Src == bpf.R10 {
				ins.Offset = -8 * (1 + int16(uint16(ins.Offset)%512))
			}
		case bpf.ClassST, bpf.ClassSTX:
			if ins.Dst == bpf.R10 {
				ins.Offset = -8 * (1 + int16(uint16(ins.Offset)%512))
			}
		}
	}
}

// TestGenerateMostlyValid keeps the generator useful: a good share of
// random inputs must pass the validator and reach the interpreter.
func TestGenerateMostlyValid(t *testing.T) {
	h := conformanceHelpers(t)
	accepted := 0
	data := make([]byte, 8*24)
	for i := range 200 {
		for j := range data {
			data[j] = byte(uint32(i*7919+j*104729) >> 3)
		}
		if p, err := LoadCode(generate(data), Options{Helpers: h}); err == nil {
			accepted++
			runFuzzed(t, p, data)
			p.Close()
		}
	}
	t.Logf("generator: %d of 200 programs accepted", accepted)
	if accepted < 100 {
		t.Fatalf("only %d of 200 generated programs passed the validator", accepted)
	}
}
