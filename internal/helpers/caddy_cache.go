package helpers

import (
	"fmt"

	"github.com/zeroserve/zeroserve/internal/vm"
)

// cachedConfig returns the configuration at guest [p, p+n) parsed by parse.
// A configuration in the program's read-only data is parsed once per
// loaded program and cached by its address (vm.Program.Cache); one
// anywhere else (a plugin's stack or writable data can change) is parsed
// on every call. A parse error traps, naming helper.
func cachedConfig[T any](c *vm.Context, helper string, p, n uint64, parse func([]byte) (T, error)) (T, error) {
	var zero T
	l := c.Program().Layout()
	ro := p >= l.RODataAddr && n <= l.RODataSize && p-l.RODataAddr <= l.RODataSize-n
	key := vm.CacheKey{Helper: helper, Addr: p, Len: n}
	cache := c.Program().Cache()
	if ro {
		if v, ok := cache.Load(key); ok {
			return v.(T), nil
		}
	}
	b, err := guestBytes(c, p, n)
	if err != nil {
		return zero, err
	}
	v, err := parse(b)
	if err != nil {
		return zero, fmt.Errorf("%s: %w", helper, err)
	}
	if ro {
		cache.Store(key, v)
	}
	return v, nil
}

// CheckCaddyConfig parses the configuration of a zs_caddy_* helper
// ("zs_caddy_match", "zs_caddy_handle" or "zs_caddy_host_dispatch") with
// that helper's own parser, so the compiler rejects at compile time what
// the helper would reject at run time.
func CheckCaddyConfig(helper string, b []byte) error {
	var err error
	switch helper {
	case "zs_caddy_match":
		_, err = parseMatchSet(b)
	case "zs_caddy_handle":
		_, err = parseHandler(b)
	case "zs_caddy_host_dispatch":
		_, err = parseHostDispatch(b)
	default:
		err = fmt.Errorf("no helper %q", helper)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", helper, err)
	}
	return nil
}
