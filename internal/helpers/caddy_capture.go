package helpers

import (
	"sync"
	"sync/atomic"
)

// captureKeys caches the placeholder names of regexp captures
// ("http.regexp.[name.]suffix"), so recording a capture does not build the
// same string on every request. A plugin may pass configurations of its
// own, so at most maxCaptureKeys names are kept.
var (
	captureKeys  sync.Map // captureName -> string
	captureCount atomic.Int64
)

const maxCaptureKeys = 4096

type captureName struct{ name, suffix string }

// captureKey returns "http.regexp.name.suffix", or "http.regexp.suffix"
// when name is "".
func captureKey(name, suffix string) string {
	k := captureName{name, suffix}
	if v, ok := captureKeys.Load(k); ok {
		return v.(string)
	}
	s := "http.regexp." + suffix
	if name != "" {
		s = "http.regexp." + name + "." + suffix
	}
	if captureCount.Add(1) <= maxCaptureKeys {
		captureKeys.Store(k, s)
	}
	return s
}
