package bpf

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// splitOperands turns the tokens after a mnemonic into operands. Every
// operand but the last ends with a comma attached to its token
// ("add %r0, %r1"); a missing or extra comma is an error.
func splitOperands(tokens []string) ([]string, error) {
	ops := make([]string, len(tokens))
	for i, t := range tokens {
		last := i == len(tokens)-1
		switch trimmed, hasComma := strings.CutSuffix(t, ","); {
		case last && hasComma:
			return nil, fmt.Errorf("trailing comma after %q", trimmed)
		case !last && !hasComma:
			return nil, fmt.Errorf("missing comma after %q", t)
		case trimmed == "" || strings.Contains(trimmed, ","):
			return nil, fmt.Errorf("malformed operand %q", t)
		default:
			ops[i] = trimmed
		}
	}
	return ops, nil
}

// parseRegister reads "%r0" to "%r15". Registers above r10 exist only so
// that invalid programs can be written; Validate rejects them.
func parseRegister(s string) (Register, error) {
	digits, ok := strings.CutPrefix(s, "%r")
	if !ok || digits == "" || len(digits) > 2 || (len(digits) == 2 && digits[0] == '0') {
		return 0, fmt.Errorf("%q is not a register (%%r0 to %%r10)", s)
	}
	n, err := strconv.ParseUint(digits, 10, 8)
	if err != nil {
		return 0, fmt.Errorf("%q is not a register (%%r0 to %%r10)", s)
	}
	if n > 15 {
		return 0, fmt.Errorf("register %s out of range (%%r0 to %%r15)", s)
	}
	return Register(n), nil
}

// isRegister reports whether an operand is written as a register.
func isRegister(s string) bool { return strings.HasPrefix(s, "%") }

// parseImm32 reads a 32-bit immediate: signed decimal in [-2^31, 2^31-1],
// or 0x hex in [0, 0xffffffff] giving the raw bit pattern.
func parseImm32(s string) (int32, error) {
	if hex, ok := strings.CutPrefix(s, "0x"); ok {
		v, err := strconv.ParseUint(hex, 16, 64)
		if err != nil || strings.HasPrefix(hex, "+") || strings.HasPrefix(hex, "-") {
			return 0, fmt.Errorf("bad hex immediate %q", s)
		}
		if v > math.MaxUint32 {
			return 0, fmt.Errorf("immediate %s out of range [0, 0xffffffff]", s)
		}
		return int32(uint32(v)), nil
	}
	if !isDecimal(s) {
		return 0, fmt.Errorf("bad immediate %q", s)
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v < math.MinInt32 || v > math.MaxInt32 {
		return 0, fmt.Errorf("immediate %s out of range [-2147483648, 2147483647]", s)
	}
	return int32(v), nil
}

// parseImm64 reads the immediate of lddw: hex of up to 16 digits,
// unsigned decimal up to 2^64-1, or negative decimal (two's complement).
func parseImm64(s string) (uint64, error) {
	if hex, ok := strings.CutPrefix(s, "0x"); ok {
		v, err := strconv.ParseUint(hex, 16, 64)
		if err != nil || strings.HasPrefix(hex, "+") || strings.HasPrefix(hex, "-") {
			return 0, fmt.Errorf("bad 64-bit immediate %q", s)
		}
		return v, nil
	}
	if !isDecimal(s) {
		return 0, fmt.Errorf("bad 64-bit immediate %q", s)
	}
	if strings.HasPrefix(s, "-") {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("64-bit immediate %s out of range", s)
		}
		return uint64(v), nil
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("64-bit immediate %s out of range", s)
	}
	return v, nil
}

// isDecimal reports whether s is an optional minus sign and decimal digits.
func isDecimal(s string) bool {
	s = strings.TrimPrefix(s, "-")
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// parseMagnitude reads an unsigned decimal or 0x hex number.
func parseMagnitude(s string) (uint64, bool) {
	base := 10
	if hex, ok := strings.CutPrefix(s, "0x"); ok {
		s, base = hex, 16
	}
	if s == "" || s[0] == '+' || s[0] == '-' {
		return 0, false
	}
	v, err := strconv.ParseUint(s, base, 64)
	return v, err == nil
}

// parseRelative reads a jump offset written with an explicit sign ("+4",
// "-3", "+0x10"), checking it against [lo, hi].
func parseRelative(s string, lo, hi int64) (int64, error) {
	neg := strings.HasPrefix(s, "-")
	m, ok := parseMagnitude(s[1:])
	if !ok {
		return 0, fmt.Errorf("bad jump offset %q", s)
	}
	v := int64(m & (1<<33 - 1))
	if neg {
		v = -v
	}
	if m >= 1<<33 || v < lo || v > hi {
		return 0, fmt.Errorf("jump offset %s out of range [%d, %+d]", s, lo, hi)
	}
	return v, nil
}

// isRelative reports whether a jump target is a signed number rather than
// a label.
func isRelative(s string) bool { return strings.HasPrefix(s, "+") || strings.HasPrefix(s, "-") }

// validLabel reports whether s can name a label: a letter, '_' or '.'
// followed by letters, digits, '_' or '.'.
func validLabel(s string) bool {
	for i, c := range []byte(s) {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_', c == '.':
		case c >= '0' && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return s != ""
}

// parseMemory reads a memory operand "[%rN]", "[%rN+off]" or "[%rN-off]".
// The offset is decimal or 0x hex and must fit in 16 bits: after '+' up to
// 32767 decimal or 0xffff hex (the raw pattern), after '-' up to 32768.
func parseMemory(s string) (Register, int16, error) {
	inner, ok := strings.CutPrefix(s, "[")
	if ok {
		inner, ok = strings.CutSuffix(inner, "]")
	}
	if !ok {
		return 0, 0, fmt.Errorf("memory operand %q is not [%%rN+offset]", s)
	}
	i := strings.IndexAny(inner, "+-")
	if i < 0 {
		r, err := parseRegister(inner)
		return r, 0, err
	}
	r, err := parseRegister(inner[:i])
	if err != nil {
		return 0, 0, err
	}
	text := inner[i+1:]
	m, ok := parseMagnitude(text)
	if !ok {
		return 0, 0, fmt.Errorf("bad offset %q in %s", text, s)
	}
	switch hex := strings.HasPrefix(text, "0x"); {
	case inner[i] == '-' && m <= 1<<15:
		return r, int16(-int64(m)), nil
	case inner[i] == '+' && m <= math.MaxInt16:
		return r, int16(m), nil
	case inner[i] == '+' && hex && m <= math.MaxUint16:
		return r, int16(uint16(m)), nil
	}
	return 0, 0, fmt.Errorf("offset in %s out of 16-bit range", s)
}
