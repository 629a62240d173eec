package vm

import "fmt"

// HelperFunc is a Go function the program calls with r1–r5; its result goes
// to r0. An error ends the run with a trap (abi.TrapHelper wrapping it, or
// the abi.Trap the error wraps, such as abi.TrapMemory); ErrExit ends the run
// normally. The Context gives bounds-checked access to guest memory; slices
// it returns are valid only until the helper returns.
type HelperFunc func(c *Context, r1, r2, r3, r4, r5 uint64) (uint64, error)

// Helper is a registered helper.
type Helper struct {
	Name string
	Func HelperFunc
}

// MaxHelperID bounds helper ids, so the id-indexed table stays small.
const MaxHelperID = 1 << 16

// Helpers is a registry of helpers, by id and by name. Programs are linked
// against it by name (ELF objects call helpers as extern functions) and
// validated against it by id. Load takes a snapshot, so registering after
// Load does not change loaded programs. A Helpers is not safe for concurrent
// registration.
type Helpers struct {
	byName map[string]uint32
	byID   []Helper
}

// NewHelpers returns an empty registry.
func NewHelpers() *Helpers { return &Helpers{byName: map[string]uint32{}} }

// Register adds a helper under the next free id and returns the id.
func (h *Helpers) Register(name string, fn HelperFunc) (uint32, error) {
	id := uint32(len(h.byID))
	return id, h.RegisterID(id, name, fn)
}

// RegisterID adds a helper under a fixed id, as the conformance corpus's
// numbered helpers need.
func (h *Helpers) RegisterID(id uint32, name string, fn HelperFunc) error {
	switch {
	case fn == nil:
		return fmt.Errorf("helper %q: nil function", name)
	case name == "":
		return fmt.Errorf("helper %d: empty name", id)
	case id >= MaxHelperID:
		return fmt.Errorf("helper %q: id %d over the limit %d", name, id, MaxHelperID-1)
	}
	if old, ok := h.byName[name]; ok {
		return fmt.Errorf("helper %q: already registered as id %d", name, old)
	}
	if int(id) < len(h.byID) && h.byID[id].Func != nil {
		return fmt.Errorf("helper %q: id %d already taken by %q", name, id, h.byID[id].Name)
	}
	for int(id) >= len(h.byID) {
		h.byID = append(h.byID, Helper{})
	}
	h.byID[id] = Helper{Name: name, Func: fn}
	h.byName[name] = id
	return nil
}

// ID returns the id of the helper registered under name.
func (h *Helpers) ID(name string) (uint32, bool) {
	id, ok := h.byName[name]
	return id, ok
}

// Lookup returns the helper registered under id.
func (h *Helpers) Lookup(id uint32) (Helper, bool) {
	if int(id) >= len(h.byID) || h.byID[id].Func == nil {
		return Helper{}, false
	}
	return h.byID[id], true
}

// table returns a snapshot of the id-indexed table.
func (h *Helpers) table() []Helper {
	if h == nil {
		return nil
	}
	return append([]Helper(nil), h.byID...)
}
