package caddyfile

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// byteSizeUnits are the unit suffixes (lower case) accepted by
// parseByteSize, as github.com/dustin/go-humanize's ParseBytes (which
// Caddy uses for buffer sizes): SI and IEC multiples, with or without "b".
var byteSizeUnits = map[string]uint64{
	"": 1, "b": 1,
	"k": 1e3, "kb": 1e3, "ki": 1 << 10, "kib": 1 << 10,
	"m": 1e6, "mb": 1e6, "mi": 1 << 20, "mib": 1 << 20,
	"g": 1e9, "gb": 1e9, "gi": 1 << 30, "gib": 1 << 30,
	"t": 1e12, "tb": 1e12, "ti": 1 << 40, "tib": 1 << 40,
	"p": 1e15, "pb": 1e15, "pi": 1 << 50, "pib": 1 << 50,
	"e": 1e18, "eb": 1e18, "ei": 1 << 60, "eib": 1 << 60,
}

// parseByteSize parses a human byte size such as "64KB", "1.5 MiB" or
// "4096" with the semantics of humanize.ParseBytes: a decimal number
// (commas ignored), optional spaces, a case-insensitive unit.
func parseByteSize(s string) (uint64, error) {
	end := 0
	for end < len(s) && (s[end] >= '0' && s[end] <= '9' || s[end] == '.' || s[end] == ',') {
		end++
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(s[:end], ",", ""), 64)
	if err != nil {
		return 0, err
	}
	unit := strings.ToLower(strings.TrimSpace(s[end:]))
	m, ok := byteSizeUnits[unit]
	if !ok {
		return 0, fmt.Errorf("unhandled size name: %v", unit)
	}
	f *= float64(m)
	if f >= math.MaxUint64 {
		return 0, fmt.Errorf("too large: %v", s)
	}
	return uint64(f), nil
}
