package helpers

import (
	"fmt"
	"strings"

	"github.com/zeroserve/zeroserve/internal/vm"
)

// zsMetaGet is zs_meta_get(key, len, out, out_len): the metadata value, or
// "" (length 0) when the key is missing. The key is trimmed.
func zsMetaGet(c *vm.Context, key, keyLen, out, outLen, _ uint64) (uint64, error) {
	k, err := current(c)
	if err != nil {
		return 0, err
	}
	s, err := guestText(c, key, keyLen)
	if err != nil {
		return 0, err
	}
	return writeString(c, out, outLen, k.Ex.Meta[strings.TrimSpace(s)])
}

// zsMetaSet is zs_meta_set(key, len, val, len) -> 0. An empty key traps.
// Keys zs.response.header.<name> add a header to the response.
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
	if k.Ex.Meta == nil {
		k.Ex.Meta = map[string]string{}
	}
	k.Ex.Meta[s] = v
	return 0, nil
}
