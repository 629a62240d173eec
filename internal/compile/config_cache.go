package compile

// checkedConfigs remembers, for one compilation, the helper
// configurations that passed their checks (by helper and JSON text), so
// each distinct one is checked once: a 256-site Caddyfile repeats the
// same matchers on every site, and the helper's parser would otherwise
// compile the same regexps 256 times. A nil checkedConfigs remembers
// nothing. Only successes are kept: a failing configuration is checked
// again where it occurs, so its error names that place.
type checkedConfigs map[checkedKey]struct{}

// checkedKey is one checked configuration: the check (a helper name or
// "placeholders") and the JSON it passed on.
type checkedKey struct {
	helper, json string
}

func (cc checkedConfigs) has(k checkedKey) bool {
	_, ok := cc[k]
	return ok
}

func (cc checkedConfigs) add(k checkedKey) {
	if cc != nil {
		cc[k] = struct{}{}
	}
}
