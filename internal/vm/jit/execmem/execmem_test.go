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
