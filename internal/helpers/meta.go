package helpers

import (
	"fmt"
	"strings"

	"github.com/zeroserve/zeroserve/internal/vm"
)

// zsMetaSet is zs_meta_set(key, len, val, len) -> 0. An empty key traps.
// Keys zs.response.header.<name> add a header to the response. The key and
// value count against the request's memory budget.
func zsMetaSet(c *vm.Context, key, keyLen, val, valLen, _ uint64) (uint64, error) {
	k, err := current(c)
	if err != nil {
		return 0, err
	}
	s, err := guestText(c, key, keyLen)
	if err != nil {
		return 0, err
	}
	if s = strings.TrimSpace(s); s == "" {
		return 0, fmt.Errorf("zs_meta_set: empty key")
	}
	v, err := guestString(c, val, valLen)
	if err != nil {
		return 0, err
	}
	if name, ok := strings.CutPrefix(s, ResponseHeaderPrefix); ok && (!isToken(name) || !validFieldValue(v)) {
		return 0, fmt.Errorf("zs_meta_set: invalid response header %q", name)
	}
	if err := k.Ex.budget().Take(int64(len(s) + len(v))); err != nil {
		return 0, err
	}
	if k.Ex.Meta == nil {
		k.Ex.Meta = map[string]string{}
	}
	k.Ex.Meta[s] = v
	return 0, nil
}
