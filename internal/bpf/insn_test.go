package bpf

import (
	"bytes"
	"testing"
)

// TestEncodeDecode checks Decode(Append(ins)) == ins for every opcode and
// field extremes, and the byte layout of one slot.
func TestEncodeDecode(t *testing.T) {
	for op := 0; op < 256; op++ {
		for _, f := range []Instruction{
			{Dst: 0, Src: 15, Offset: -32768, Imm: -1 << 31},
			{Dst: 15, Src: 0, Offset: 32767, Imm: 1<<31 - 1},
			{Dst: 10, Src: 1, Offset: -1, Imm: -1},
		} {
			f.OpCode = OpCode(op)
			b := f.Append(nil)
			if len(b) != SlotSize {
				t.Fatalf("%+v: %d bytes", f, len(b))
			}
			if got := Decode(b); got != f {
				t.Errorf("Decode(Append(%+v)) = %+v", f, got)
			}
		}
	}
	ins := Instruction{OpCode: 0x18, Dst: 1, Src: 2, Offset: 0x0102, Imm: 0x55667788}
	if got, want := ins.Append(nil), []byte{0x18, 0x21, 0x02, 0x01, 0x88, 0x77, 0x66, 0x55}; !bytes.Equal(got, want) {
		t.Errorf("Append = % x, want % x", got, want)
	}
}

func TestDecodeProgram(t *testing.T) {
	code := []byte{0xb7, 0, 0, 0, 1, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0}
	insns, err := DecodeProgram(code)
	if err != nil || len(insns) != 2 || insns[1].OpCode != 0x95 {
		t.Fatalf("DecodeProgram = %+v, %v", insns, err)
	}
	if !bytes.Equal(EncodeProgram(insns), code) {
		t.Errorf("EncodeProgram(DecodeProgram(code)) differs")
	}
	if _, err := DecodeProgram(code[:9]); err == nil {
		t.Errorf("9 bytes accepted")
	}
}
