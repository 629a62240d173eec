//go:build linux

package execmem

import "testing"

func TestMemIsNotWritable(t *testing.T) {
	m, err := Map([]byte{0xc3})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Free()
	// The kernel reports each mapping's protection in /proc/self/maps.
	prot, ok := protectionOf(t, m.Addr())
	if !ok {
		t.Fatalf("mapping at %#x not found in /proc/self/maps", m.Addr())
	}
	if prot != "r-xp" {
		t.Fatalf("protection = %s, want r-xp", prot)
	}
	if err := m.Free(); err != nil {
		t.Fatal(err)
	}
	if err := m.Free(); err != nil {
		t.Fatalf("second Free: %v", err)
	}
}

func TestMemEmpty(t *testing.T) {
	if _, err := Map(nil); err == nil {
		t.Fatal("Map accepted empty code")
	}
}

// TestAllocSeal: code written through Alloc's writable view is mapped
// read+write until Seal and read+execute after, when it is no longer
// handed out for writing.
func TestAllocSeal(t *testing.T) {
	m, err := Alloc(3)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Free()
	w := m.Writable()
	if len(w) != 3 || m.Size() != 3 {
		t.Fatalf("writable %d bytes, size %d, want 3", len(w), m.Size())
	}
	copy(w, []byte{0x90, 0x90, 0xc3})
	if prot, _ := protectionOf(t, m.Addr()); prot != "rw-p" {
		t.Fatalf("before Seal: protection = %s, want rw-p", prot)
	}
	if err := m.Seal(); err != nil {
		t.Fatal(err)
	}
	if prot, _ := protectionOf(t, m.Addr()); prot != "r-xp" {
		t.Fatalf("after Seal: protection = %s, want r-xp", prot)
	}
	if m.Writable() != nil {
		t.Fatal("Writable after Seal")
	}
	if _, err := Alloc(0); err == nil {
		t.Fatal("Alloc accepted empty code")
	}
}
