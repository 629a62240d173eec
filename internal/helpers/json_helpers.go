package helpers

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/zeroserve/zeroserve/internal/vm"
)

// The zs_json_* helpers and zs_object_free. Handles are per context
// (objects.go); an unknown, freed or stale handle traps, and so does a
// context that would hold more than MaxObjects handles or a request that
// would exceed its memory budget (budget.go). Wrong value kinds give -1.

// handleArg returns the running Call and the cursor of handle h.
func handleArg(c *vm.Context, h uint64) (*Call, *jsonRef, error) {
	k, err := current(c)
	if err != nil {
		return nil, nil, err
	}
	r, err := k.objects.lookup(h)
	return k, r, err
}

// chargeSince charges the run fuel for the bytes the request allocated
// since used was read: copying costs time as well as memory.
func chargeSince(c *vm.Context, k *Call, used int64) error {
	return c.Charge(uint64(k.Ex.Mem.Used - used))
}

// zsJSONParse is zs_json_parse(data, len) -> handle, or -1 for invalid
// JSON (or a document nested deeper than 256 levels).
func zsJSONParse(c *vm.Context, data, n, _, _, _ uint64) (uint64, error) {
	k, err := current(c)
	if err != nil {
		return 0, err
	}
	b, err := guestBytes(c, data, n)
	if err != nil {
		return 0, err
	}
	return parseToHandle(c, k, b)
}

// parseToHandle charges fuel for b, parses it as JSON into a new tree and
// returns a handle to it, or -1 for invalid JSON; going over the memory
// budget traps.
func parseToHandle(c *vm.Context, k *Call, b []byte) (uint64, error) {
	if err := c.Charge(uint64(len(b))); err != nil {
		return 0, err
	}
	root, err := parseJSON(b, k.Ex.budget())
	var be *BudgetError
	if errors.As(err, &be) {
		return 0, err
	}
	if err != nil {
		return minusOne, nil
	}
	return k.objects.addTree(root)
}

// zsJSONReset is zs_json_reset(h) -> 0: point h at its tree's root and
// make it valid again.
func zsJSONReset(c *vm.Context, h, _, _, _, _ uint64) (uint64, error) {
	k, err := current(c)
	if err != nil {
		return 0, err
	}
	if h == 0 || h > MaxObjects || k.objects.slots[h-1] == nil {
		return 0, &HandleError{h, "no such handle"}
	}
	r := k.objects.slots[h-1]
	r.node, r.epoch = r.tree.root, r.tree.epoch
	return 0, nil
}

// zsJSONGet is zs_json_get(h, key, len) -> handle to the member, or -1
// when h is not an object, the key is missing or not UTF-8.
func zsJSONGet(c *vm.Context, h, key, keyLen, _, _ uint64) (uint64, error) {
	k, r, err := handleArg(c, h)
	if err != nil {
		return 0, err
	}
	s, err := guestString(c, key, keyLen)
	if err != nil {
		return 0, err
	}
	if r.node.kind != jsonObject || !utf8.ValidString(s) {
		return minusOne, nil
	}
	if err := c.Charge(uint64(len(r.node.members))); err != nil {
		return 0, err
	}
	m := r.node.member(s)
	if m == nil {
		return minusOne, nil
	}
	return k.objects.add(&jsonRef{tree: r.tree, node: m, epoch: r.epoch})
}

// zsJSONArrayGet is zs_json_array_get(h, idx) -> handle to the element, or
// -1 when h is not an array or idx is out of range.
func zsJSONArrayGet(c *vm.Context, h, idx, _, _, _ uint64) (uint64, error) {
	k, r, err := handleArg(c, h)
	if err != nil {
		return 0, err
	}
	if r.node.kind != jsonArray || idx >= uint64(len(r.node.items)) {
		return minusOne, nil
	}
	return k.objects.add(&jsonRef{tree: r.tree, node: r.node.items[idx], epoch: r.epoch})
}

// zsJSONReadString is zs_json_read_string(h, out, out_len) -> length by
// the string-out rule, or -1 when h is not a string.
func zsJSONReadString(c *vm.Context, h, out, outLen, _, _ uint64) (uint64, error) {
	_, r, err := handleArg(c, h)
	if err != nil {
		return 0, err
	}
	if r.node.kind != jsonString {
		return minusOne, nil
	}
	return writeString(c, out, outLen, r.node.text)
}

// zsJSONReadI64 is zs_json_read_i64(h, out, out_len) -> 8, writing the
// value little-endian, or -1 when h is not an integer that fits in 64
// bits. out_len other than 8 traps.
func zsJSONReadI64(c *vm.Context, h, out, outLen, _, _ uint64) (uint64, error) {
	_, r, err := handleArg(c, h)
	if err != nil {
		return 0, err
	}
	if outLen != 8 {
		return 0, fmt.Errorf("zs_json_read_i64: out_len %d, want 8", outLen)
	}
	if r.node.kind != jsonNumber {
		return minusOne, nil
	}
	v, err := strconv.ParseInt(r.node.text, 10, 64)
	if err != nil {
		return minusOne, nil
	}
	b, err := c.Write(out, 8)
	if err != nil {
		return 0, err
	}
	binary.LittleEndian.PutUint64(b, uint64(v))
	return 8, nil
}

// zsJSONReadBool is zs_json_read_bool(h, out, out_len) -> 1, writing 0 or
// 1, or -1 when h is not a boolean. out_len other than 1 traps.
func zsJSONReadBool(c *vm.Context, h, out, outLen, _, _ uint64) (uint64, error) {
	_, r, err := handleArg(c, h)
	if err != nil {
		return 0, err
	}
	if outLen != 1 {
		return 0, fmt.Errorf("zs_json_read_bool: out_len %d, want 1", outLen)
	}
	if r.node.kind != jsonBool {
		return minusOne, nil
	}
	b, err := c.Write(out, 1)
	if err != nil {
		return 0, err
	}
	b[0] = byte(boolResult(r.node.b))
	return 1, nil
}

// jsonNew returns zs_json_new_object or zs_json_new_array: () -> handle to
// a new empty tree.
func jsonNew(kind uint8) vm.HelperFunc {
	return func(c *vm.Context, _, _, _, _, _ uint64) (uint64, error) {
		k, err := current(c)
		if err != nil {
			return 0, err
		}
		if err := k.Ex.budget().Take(jsonNodeCost); err != nil {
			return 0, err
		}
		return k.objects.addTree(&jsonNode{kind: kind})
	}
}

// zsJSONClone is zs_json_clone(h) -> handle to a deep copy of h's value,
// in a new tree.
func zsJSONClone(c *vm.Context, h, _, _, _, _ uint64) (uint64, error) {
	k, r, err := handleArg(c, h)
	if err != nil {
		return 0, err
	}
	used := k.Ex.Mem.Used
	n, err := r.node.clone(k.Ex.budget())
	if err != nil {
		return 0, err
	}
	if err := chargeSince(c, k, used); err != nil {
		return 0, err
	}
	return k.objects.addTree(n)
}

// zsJSONType is zs_json_type(h) -> 0 null, 1 bool, 2 number, 3 string,
// 4 array, 5 object.
func zsJSONType(c *vm.Context, h, _, _, _, _ uint64) (uint64, error) {
	_, r, err := handleArg(c, h)
	if err != nil {
		return 0, err
	}
	return uint64(r.node.kind), nil
}

// zsJSONLen is zs_json_len(h) -> element count of an array or object,
// byte length of a string, else -1.
func zsJSONLen(c *vm.Context, h, _, _, _, _ uint64) (uint64, error) {
	_, r, err := handleArg(c, h)
	if err != nil {
		return 0, err
	}
	return uint64(r.node.length()), nil
}

// cloneArg deep-copies the value of handle val for insertion, charging it
// to the request.
func cloneArg(c *vm.Context, k *Call, val uint64) (*jsonNode, error) {
	v, err := k.objects.lookup(val)
	if err != nil {
		return nil, err
	}
	used := k.Ex.Mem.Used
	n, err := v.node.clone(k.Ex.budget())
	if err != nil {
		return nil, err
	}
	return n, chargeSince(c, k, used)
}

// zsJSONSet is zs_json_set(obj, key, len, val) -> 0: set key to a deep
// copy of val; -1 when obj is not an object. A key that is not UTF-8
// traps.
func zsJSONSet(c *vm.Context, obj, key, keyLen, val, _ uint64) (uint64, error) {
	k, r, err := handleArg(c, obj)
	if err != nil {
		return 0, err
	}
	s, err := guestText(c, key, keyLen)
	if err != nil {
		return 0, err
	}
	v, err := cloneArg(c, k, val)
	if err != nil {
		return 0, err
	}
	if r.node.kind != jsonObject {
		return minusOne, nil
	}
	if err := k.Ex.budget().Take(int64(len(s))); err != nil {
		return 0, err
	}
	if err := c.Charge(uint64(len(r.node.members))); err != nil {
		return 0, err
	}
	r.node.setMember(s, v)
	r.mutated()
	return 0, nil
}

// zsJSONRemove is zs_json_remove(obj, key, len) -> 0, or -1 when obj is
// not an object or has no such key.
func zsJSONRemove(c *vm.Context, obj, key, keyLen, _, _ uint64) (uint64, error) {
	_, r, err := handleArg(c, obj)
	if err != nil {
		return 0, err
	}
	s, err := guestString(c, key, keyLen)
	if err != nil {
		return 0, err
	}
	if r.node.kind != jsonObject {
		return minusOne, nil
	}
	if err := c.Charge(uint64(len(r.node.members))); err != nil {
		return 0, err
	}
	if !r.node.removeMember(s) {
		return minusOne, nil
	}
	r.mutated()
	return 0, nil
}

// zsJSONArrayPush is zs_json_array_push(arr, val) -> the new length, after
// appending a deep copy of val; -1 when arr is not an array.
func zsJSONArrayPush(c *vm.Context, arr, val, _, _, _ uint64) (uint64, error) {
	k, r, err := handleArg(c, arr)
	if err != nil {
		return 0, err
	}
	v, err := cloneArg(c, k, val)
	if err != nil {
		return 0, err
	}
	if r.node.kind != jsonArray {
		return minusOne, nil
	}
	r.node.items = append(r.node.items, v)
	r.mutated()
	return uint64(len(r.node.items)), nil
}

// zsJSONArraySet is zs_json_array_set(arr, idx, val) -> 0, replacing the
// element with a deep copy of val; -1 when arr is not an array or idx is
// out of range.
func zsJSONArraySet(c *vm.Context, arr, idx, val, _, _ uint64) (uint64, error) {
	k, r, err := handleArg(c, arr)
	if err != nil {
		return 0, err
	}
	v, err := cloneArg(c, k, val)
	if err != nil {
		return 0, err
	}
	if r.node.kind != jsonArray || idx >= uint64(len(r.node.items)) {
		return minusOne, nil
	}
	r.node.items[idx] = v
	r.mutated()
	return 0, nil
}

// jsonReplace returns a zs_json_set_* helper (h, ...) -> 0 that replaces
// h's node in place with the value make builds from the arguments.
func jsonReplace(build func(c *vm.Context, a, b uint64) (jsonNode, error)) vm.HelperFunc {
	return func(c *vm.Context, h, a, b, _, _ uint64) (uint64, error) {
		k, r, err := handleArg(c, h)
		if err != nil {
			return 0, err
		}
		n, err := build(c, a, b)
		if err != nil {
			return 0, err
		}
		if err := k.Ex.budget().Take(int64(len(n.text))); err != nil {
			return 0, err
		}
		*r.node = n
		r.mutated()
		return 0, nil
	}
}

// The zs_json_set_string(h, s, len), zs_json_set_i64(h, v),
// zs_json_set_bool(h, b) and zs_json_set_null(h) builders. A string that
// is not UTF-8 traps.
var (
	zsJSONSetString = jsonReplace(func(c *vm.Context, s, n uint64) (jsonNode, error) {
		t, err := guestText(c, s, n)
		return jsonNode{kind: jsonString, text: t}, err
	})
	zsJSONSetI64 = jsonReplace(func(_ *vm.Context, v, _ uint64) (jsonNode, error) {
		return jsonNode{kind: jsonNumber, text: strconv.FormatInt(int64(v), 10)}, nil
	})
	zsJSONSetBool = jsonReplace(func(_ *vm.Context, v, _ uint64) (jsonNode, error) {
		return jsonNode{kind: jsonBool, b: v != 0}, nil
	})
	zsJSONSetNull = jsonReplace(func(*vm.Context, uint64, uint64) (jsonNode, error) {
		return jsonNode{kind: jsonNull}, nil
	})
)

// zsJSONRespond is zs_json_respond(status, h) -> 0: respond with h
// serialized, and set the content-type to application/json. The rules of
// zs_respond apply (status range, one response).
func zsJSONRespond(c *vm.Context, status, h, _, _, _ uint64) (uint64, error) {
	k, r, err := handleArg(c, h)
	if err != nil {
		return 0, err
	}
	if status < 100 || status > 999 {
		return 0, fmt.Errorf("zs_json_respond: status %d outside 100..999", int64(status))
	}
	if k.Ex.Action != ActionNone {
		return 0, fmt.Errorf("zs_json_respond: the request already has a response")
	}
	body := r.node.appendJSON(k.Ex.Response.Body[:0])
	if len(body) > MaxBodyBytes {
		return 0, fmt.Errorf("zs_json_respond: body of %d bytes over the %d-byte limit", len(body), MaxBodyBytes)
	}
	if err := c.Charge(uint64(len(body))); err != nil {
		return 0, err
	}
	if k.Ex.Meta == nil {
		k.Ex.Meta = map[string]string{}
	}
	k.Ex.Meta[ResponseHeaderPrefix+"content-type"] = "application/json"
	k.Ex.Response = Response{Status: int(status), Body: body}
	k.Ex.Action = ActionRespond
	return 0, nil
}

// zsObjectFree is zs_object_free(h) -> 0: drop the handle; an unknown
// handle traps.
func zsObjectFree(c *vm.Context, h, _, _, _, _ uint64) (uint64, error) {
	k, err := current(c)
	if err != nil {
		return 0, err
	}
	return 0, k.objects.free(h)
}
