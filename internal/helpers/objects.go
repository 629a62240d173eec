package helpers

import (
	"fmt"
)

// MaxObjects is the number of live handles one script context may hold.
const MaxObjects = 32

// jsonTree is one JSON document that handles point into. Its epoch counts
// mutations: a handle made at an older epoch is stale.
type jsonTree struct {
	root  *jsonNode
	epoch uint64
}

// jsonRef is a handle: a cursor to a node of a tree, valid while the
// tree's epoch is the one it saw last.
type jsonRef struct {
	tree  *jsonTree
	node  *jsonNode
	epoch uint64
}

// objectTable is a script context's handles: handle h is slot h-1.
type objectTable struct {
	slots [MaxObjects]*jsonRef
}

// HandleError is a helper given a handle it may not use: unknown, freed
// or stale.
type HandleError struct {
	Handle uint64
	Reason string
}

// Error names the handle and why it is refused.
func (e *HandleError) Error() string {
	return fmt.Sprintf("JSON handle %d: %s", int64(e.Handle), e.Reason)
}

// errTooManyObjects is a context that already holds MaxObjects handles.
var errTooManyObjects = fmt.Errorf("more than %d live JSON handles", MaxObjects)

// add stores r in the lowest free slot and returns its handle.
func (t *objectTable) add(r *jsonRef) (uint64, error) {
	for i, s := range t.slots {
		if s == nil {
			t.slots[i] = r
			return uint64(i + 1), nil
		}
	}
	return 0, errTooManyObjects
}

// addTree makes a new tree of root and returns a handle to it.
func (t *objectTable) addTree(root *jsonNode) (uint64, error) {
	return t.add(&jsonRef{tree: &jsonTree{root: root}, node: root})
}

// lookup returns the handle's cursor, or a *HandleError when it is unknown
// or stale.
func (t *objectTable) lookup(h uint64) (*jsonRef, error) {
	if h == 0 || h > MaxObjects || t.slots[h-1] == nil {
		return nil, &HandleError{h, "no such handle"}
	}
	r := t.slots[h-1]
	if r.epoch != r.tree.epoch {
		return nil, &HandleError{h, "json reference is no longer valid: its tree changed through another handle (zs_json_reset revalidates it)"}
	}
	return r, nil
}

// free drops a handle; an unknown one is a *HandleError.
func (t *objectTable) free(h uint64) error {
	if h == 0 || h > MaxObjects || t.slots[h-1] == nil {
		return &HandleError{h, "no such handle"}
	}
	t.slots[h-1] = nil
	return nil
}

// mutated records a change made through r: every other cursor into its
// tree goes stale, r stays valid.
func (r *jsonRef) mutated() {
	r.tree.epoch++
	r.epoch = r.tree.epoch
}
