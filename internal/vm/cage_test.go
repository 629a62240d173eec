package vm

import (
	"testing"
)

// TestResetSkipsOnlyCleanCages: a program without store instructions keeps
// its cage uncleared between runs only while no helper wrote guest
// memory; a helper write makes the next run start from zeroes, and shorter
// calldata never leaves the tail of longer calldata behind.
func TestResetSkipsOnlyCleanCages(t *testing.T) {
	h := NewHelpers()
	get := func(c *Context, p, _, _, _, _ uint64) (uint64, error) {
		b, err := c.Read(p, 1)
		if err != nil {
			return 0, err
		}
		return uint64(b[0]), nil
	}
	put := func(c *Context, p, _, _, _, _ uint64) (uint64, error) {
		b, err := c.Write(p, 1)
		if err != nil {
			return 0, err
		}
		b[0] = 0xab
		return 0, nil
	}
	if _, err := h.Register("get", get); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Register("put", put); err != nil {
		t.Fatal(err)
	}
	// r0 = the stack byte at r10-8 before this run's optional put (done
	// when calldata is not empty).
	src := `mov %r7, %r2
mov %r1, %r10
add %r1, -8
call 0
mov %r6, %r0
jeq %r7, 0, done
mov %r1, %r10
add %r1, -8
call 1
done:
mov %r0, %r6
exit`
	for _, mode := range []JITMode{JITOff, JITAuto} {
		c := loadMode(t, src, h, mode)
		if c.Program().stores {
			t.Fatal("program without store instructions marked as storing")
		}
		for i, calldata := range []string{"abcd", "x", "", "abcd", "", "x", ""} {
			r0, err := c.Run(0, []byte(calldata), 100)
			if err != nil || r0 != 0 {
				t.Fatalf("%v run %d: got %#x, %v; want 0 (a helper's write survived)", mode, i, r0, err)
			}
			if cd, _ := c.Read(c.Program().Layout().CalldataAddr, 4); calldata == "x" && string(cd) != "x\x00\x00\x00" {
				t.Fatalf("%v run %d: calldata region %q, want the old tail cleared", mode, i, cd)
			}
			if dirty := c.cage.dirty; dirty != (calldata != "") {
				t.Fatalf("%v run %d: dirty %v after a run that wrote %v", mode, i, dirty, calldata != "")
			}
		}
	}
}
