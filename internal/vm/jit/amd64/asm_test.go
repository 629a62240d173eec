package amd64

import (
	"bytes"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// encCase is one instruction: its Intel-syntax text for llvm-mc and the
// call that emits it with our encoder.
type encCase struct {
	text string
	emit func(a *Assembler)
}

var allRegs = []Reg{RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15}

func name(r Reg, size int) string {
	n64 := r.String()
	switch size {
	case 8:
		return n64
	case 4:
		if r >= R8 {
			return n64 + "d"
		}
		return "e" + n64[1:]
	case 2:
		if r >= R8 {
			return n64 + "w"
		}
		return n64[1:]
	default:
		if r >= R8 {
			return n64 + "b"
		}
		return map[Reg]string{RAX: "al", RCX: "cl", RDX: "dl", RBX: "bl", RSP: "spl", RBP: "bpl", RSI: "sil", RDI: "dil"}[r]
	}
}

func memText(m Mem, size int) string {
	ptr := map[int]string{1: "byte", 2: "word", 4: "dword", 8: "qword"}[size]
	s := ptr + " ptr [" + m.Base.String()
	if m.HasIndex {
		s += " + " + m.Index.String()
	}
	if m.Disp != 0 {
		s += fmt.Sprintf(" + %d", m.Disp)
	}
	return s + "]"
}

var testMems = func() []Mem {
	var ms []Mem
	for _, b := range allRegs {
		for _, d := range []int32{0, 8, -8, 200, -70000} {
			ms = append(ms, Mem{Base: b, Disp: d})
		}
		for _, x := range []Reg{RAX, R11, RBP, R13, R12} {
			ms = append(ms, Mem{Base: b, Index: x, HasIndex: true})
			ms = append(ms, Mem{Base: b, Index: x, HasIndex: true, Disp: 16})
		}
	}
	return ms
}()

func encCases() []encCase {
	var cs []encCase
	add := func(text string, f func(a *Assembler)) { cs = append(cs, encCase{text, f}) }
	alus := map[ALU]string{ADD: "add", OR: "or", AND: "and", SUB: "sub", XOR: "xor", CMP: "cmp"}
	for _, d := range allRegs {
		for _, s := range []Reg{RAX, RDX, RSP, RBP, R9, R12, R15} {
			d, s := d, s
			for op, n := range alus {
				op := op
				add(fmt.Sprintf("%s %s, %s", n, name(d, 8), name(s, 8)), func(a *Assembler) { a.AluRR(op, true, d, s) })
				add(fmt.Sprintf("%s %s, %s", n, name(d, 4), name(s, 4)), func(a *Assembler) { a.AluRR(op, false, d, s) })
			}
			add(fmt.Sprintf("mov %s, %s", name(d, 8), name(s, 8)), func(a *Assembler) { a.MovRR(true, d, s) })
			add(fmt.Sprintf("mov %s, %s", name(d, 4), name(s, 4)), func(a *Assembler) { a.MovRR(false, d, s) })
			add(fmt.Sprintf("test %s, %s", name(d, 8), name(s, 8)), func(a *Assembler) { a.TestRR(true, d, s) })
			add(fmt.Sprintf("imul %s, %s", name(d, 8), name(s, 8)), func(a *Assembler) { a.ImulRR(true, d, s) })
			add(fmt.Sprintf("imul %s, %s, 1000", name(d, 4), name(s, 4)), func(a *Assembler) { a.ImulRRI(false, d, s, 1000) })
			add(fmt.Sprintf("movzx %s, %s", name(d, 4), name(s, 1)), func(a *Assembler) { a.MovzxRR(1, d, s) })
			add(fmt.Sprintf("movzx %s, %s", name(d, 4), name(s, 2)), func(a *Assembler) { a.MovzxRR(2, d, s) })
			add(fmt.Sprintf("movsx %s, %s", name(d, 8), name(s, 1)), func(a *Assembler) { a.MovsxRR(true, 1, d, s) })
			add(fmt.Sprintf("movsx %s, %s", name(d, 4), name(s, 2)), func(a *Assembler) { a.MovsxRR(false, 2, d, s) })
			add(fmt.Sprintf("movsxd %s, %s", name(d, 8), name(s, 4)), func(a *Assembler) { a.MovsxRR(true, 4, d, s) })
		}
		for op, n := range alus {
			op := op
			add(fmt.Sprintf("%s %s, 5", n, name(d, 8)), func(a *Assembler) { a.AluRI(op, true, d, 5) })
			add(fmt.Sprintf("%s %s, -100000", n, name(d, 8)), func(a *Assembler) { a.AluRI(op, true, d, -100000) })
			add(fmt.Sprintf("%s %s, 300", n, name(d, 4)), func(a *Assembler) { a.AluRI(op, false, d, 300) })
		}
		for _, v := range []int64{0, 7, 0xffffffff, -1, -1 << 31, 1 << 40, -1 << 40} {
			v := v
			text := fmt.Sprintf("movabs %s, %d", name(d, 8), v)
			switch {
			case v >= 0 && v <= 0xffffffff:
				text = fmt.Sprintf("mov %s, %d", name(d, 4), v)
			case v >= -1<<31 && v < 1<<31:
				text = fmt.Sprintf("mov %s, %d", name(d, 8), v)
			}
			add(text, func(a *Assembler) { a.MovRI(d, v) })
		}
		unaries := map[Unary]string{NOT: "not", NEG: "neg", MUL: "mul", DIV: "div", IDIV: "idiv"}
		for op, n := range unaries {
			op := op
			add(fmt.Sprintf("%s %s", n, name(d, 8)), func(a *Assembler) { a.UnaryR(op, true, d) })
			add(fmt.Sprintf("%s %s", n, name(d, 4)), func(a *Assembler) { a.UnaryR(op, false, d) })
		}
		shifts := map[Shift]string{SHL: "shl", SHR: "shr", SAR: "sar"}
		for op, n := range shifts {
			op := op
			add(fmt.Sprintf("%s %s, cl", n, name(d, 8)), func(a *Assembler) { a.ShiftCL(op, true, d) })
			add(fmt.Sprintf("%s %s, 13", n, name(d, 4)), func(a *Assembler) { a.ShiftRI(op, false, d, 13) })
		}
		add(fmt.Sprintf("rol %s, 8", name(d, 2)), func(a *Assembler) { a.Rol16(d) })
		add(fmt.Sprintf("bswap %s", name(d, 8)), func(a *Assembler) { a.Bswap(true, d) })
		add(fmt.Sprintf("bswap %s", name(d, 4)), func(a *Assembler) { a.Bswap(false, d) })
		add(fmt.Sprintf("test %s, 255", name(d, 8)), func(a *Assembler) { a.TestRI(true, d, 255) })
		add(fmt.Sprintf("jmp %s", name(d, 8)), func(a *Assembler) { a.JmpR(d) })
	}
	for i, m := range testMems {
		m := m
		r := allRegs[i%len(allRegs)]
		for _, size := range []int{1, 2, 4, 8} {
			size := size
			if size <= 2 {
				add(fmt.Sprintf("movzx %s, %s", name(r, 4), memText(m, size)), func(a *Assembler) { a.Load(size, r, m) })
				add(fmt.Sprintf("movsx %s, %s", name(r, 8), memText(m, size)), func(a *Assembler) { a.LoadSX(size, r, m) })
			} else {
				add(fmt.Sprintf("mov %s, %s", name(r, size), memText(m, size)), func(a *Assembler) { a.Load(size, r, m) })
			}
			if size == 4 {
				add(fmt.Sprintf("movsxd %s, %s", name(r, 8), memText(m, size)), func(a *Assembler) { a.LoadSX(size, r, m) })
			}
			add(fmt.Sprintf("mov %s, %s", memText(m, size), name(r, size)), func(a *Assembler) { a.Store(size, m, r) })
			add(fmt.Sprintf("mov %s, -2", memText(m, size)), func(a *Assembler) { a.StoreImm(size, m, -2) })
		}
		for _, w := range []bool{true, false} {
			w := w
			size := 4
			if w {
				size = 8
			}
			add(fmt.Sprintf("lock add %s, %s", memText(m, size), name(r, size)), func(a *Assembler) { a.LockAlu(ADD, w, m, r) })
			add(fmt.Sprintf("lock xor %s, %s", memText(m, size), name(r, size)), func(a *Assembler) { a.LockAlu(XOR, w, m, r) })
			add(fmt.Sprintf("lock xadd %s, %s", memText(m, size), name(r, size)), func(a *Assembler) { a.LockXadd(w, m, r) })
			add(fmt.Sprintf("xchg %s, %s", memText(m, size), name(r, size)), func(a *Assembler) { a.Xchg(w, m, r) })
			add(fmt.Sprintf("lock cmpxchg %s, %s", memText(m, size), name(r, size)), func(a *Assembler) { a.LockCmpxchg(w, m, r) })
			add(fmt.Sprintf("sub %s, 3", memText(m, size)), func(a *Assembler) { a.AluMI(SUB, w, m, 3) })
		}
		add(fmt.Sprintf("lea %s, %s", name(r, 8), strings.TrimPrefix(memText(m, 8), "qword ptr ")), func(a *Assembler) { a.Lea(r, m) })
	}
	add("cqo", func(a *Assembler) { a.Cqo(true) })
	add("cdq", func(a *Assembler) { a.Cqo(false) })
	add("ret", func(a *Assembler) { a.Ret() })
	add("ud2", func(a *Assembler) { a.Ud2() })
	return cs
}

var encodingRE = regexp.MustCompile(`encoding: \[([^\]]*)\]`)

// TestEncodingMatchesLLVM assembles every case with llvm-mc and compares the
// bytes with ours.
func TestEncodingMatchesLLVM(t *testing.T) {
	mc, err := exec.LookPath("llvm-mc")
	if err != nil {
		t.Skip("llvm-mc not installed (apt-get install llvm)")
	}
	cs := encCases()
	var src strings.Builder
	src.WriteString(".intel_syntax noprefix\n")
	for _, c := range cs {
		src.WriteString(c.text + "\n")
	}
	cmd := exec.Command(mc, "-triple=x86_64", "-show-encoding")
	cmd.Stdin = strings.NewReader(src.String())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("llvm-mc: %v\n%s", err, out)
	}
	var want [][]byte
	for _, m := range encodingRE.FindAllStringSubmatch(string(out), -1) {
		var b []byte
		for _, f := range strings.Split(m[1], ",") {
			v, err := strconv.ParseUint(strings.TrimPrefix(f, "0x"), 16, 8)
			if err != nil {
				t.Fatalf("parse %q: %v", m[1], err)
			}
			b = append(b, byte(v))
		}
		want = append(want, b)
	}
	if len(want) != len(cs) {
		t.Fatalf("llvm-mc gave %d encodings for %d cases", len(want), len(cs))
	}
	bad := 0
	for i, c := range cs {
		var a Assembler
		c.emit(&a)
		got, err := a.Finish()
		if err != nil {
			t.Fatalf("%s: %v", c.text, err)
		}
		if !bytes.Equal(got, want[i]) {
			bad++
			if bad < 20 {
				t.Errorf("%s: got % x, llvm-mc % x", c.text, got, want[i])
			}
		}
	}
	t.Logf("%d instruction encodings match llvm-mc (%d differ)", len(cs)-bad, bad)
}

func TestJumpRelaxation(t *testing.T) {
	var a Assembler
	top := a.NewLabel()
	far := a.NewLabel()
	a.Bind(top)
	a.Jcc(CondE, far) // must become near: 200 bytes of code follow
	a.Jmp(top)        // short back-jump
	for i := 0; i < 100; i++ {
		a.Ud2()
	}
	a.Bind(far)
	a.Jmp(top) // near back-jump
	a.Ret()
	code, err := a.Finish()
	if err != nil {
		t.Fatal(err)
	}
	// jcc near (6) + jmp short (2) + 200 + jmp near (5) + ret (1)
	if len(code) != 214 {
		t.Fatalf("len = %d, want 214: % x", len(code), code[:8])
	}
	if code[0] != 0x0f || code[1] != 0x84 || int32(uint32(code[2])|uint32(code[3])<<8) != 202 {
		t.Errorf("near jcc = % x", code[:6])
	}
	if code[6] != 0xeb || int8(code[7]) != -8 {
		t.Errorf("short jmp = % x", code[6:8])
	}
	if code[208] != 0xe9 {
		t.Errorf("near jmp opcode = %x", code[208])
	}
	if got := a.LabelOffset(far); got != 208 {
		t.Errorf("LabelOffset(far) = %d, want 208", got)
	}
}

func TestLeaLabel(t *testing.T) {
	var a Assembler
	l := a.NewLabel()
	a.Jmp(l)
	a.LeaLabel(R9, l)
	a.Ret()
	a.Bind(l)
	a.Ret()
	code, err := a.Finish()
	if err != nil {
		t.Fatal(err)
	}
	// jmp short (2) + lea r9, [rip+1] (7) + ret; label at 10
	want := []byte{0xeb, 0x08, 0x4c, 0x8d, 0x0d, 1, 0, 0, 0, 0xc3, 0xc3}
	if !bytes.Equal(code, want) {
		t.Fatalf("got % x, want % x", code, want)
	}
}

func TestUnboundLabel(t *testing.T) {
	var a Assembler
	a.Jmp(a.NewLabel())
	if _, err := a.Finish(); err == nil {
		t.Fatal("Finish accepted a jump to an unbound label")
	}
}
