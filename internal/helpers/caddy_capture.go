package helpers

import (
	"regexp"
	"strconv"
)

// capturingRegexp is a regexp matcher's expression (path_regexp,
// header_regexp, vars_regexp) with the placeholder names its captures are
// recorded under, built once when the configuration is loaded.
type capturingRegexp struct {
	re *regexp.Regexp
	// byIndex[i] are group i's names by number ("http.regexp.i" and, with
	// a matcher name, "http.regexp.name.i"); byName[i] by its group name,
	// if it has one.
	byIndex, byName [][]string
}

func newCapturingRegexp(pattern, name string) (*capturingRegexp, error) {
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, err
	}
	keys := func(suffix string) []string {
		if name == "" {
			return []string{"http.regexp." + suffix}
		}
		return []string{"http.regexp." + name + "." + suffix, "http.regexp." + suffix}
	}
	c := &capturingRegexp{re: re}
	for i, sub := range re.SubexpNames() {
		c.byIndex = append(c.byIndex, keys(strconv.Itoa(i)))
		var named []string
		if i > 0 && sub != "" {
			named = keys(sub)
		}
		c.byName = append(c.byName, named)
	}
	return c, nil
}

// match is Caddy's MatchRegexp.Match: a match records its captures as
// {http.regexp.[name.]N} and by group name (names after numbers, so a
// group named like a number wins, as in Caddy).
func (c *capturingRegexp) match(input string, ex *Exchange) bool {
	m := c.re.FindStringSubmatch(input)
	if m == nil {
		return false
	}
	for _, keys := range [2][][]string{c.byIndex, c.byName} {
		for i, ks := range keys {
			for _, k := range ks {
				ex.caddy.setCapture(k, m[i])
			}
		}
	}
	return true
}
