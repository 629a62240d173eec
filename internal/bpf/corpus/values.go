package corpus

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/zeroserve/zeroserve/internal/bpf"
)

// parseRaw reads a raw section in either notation: 64-bit words
// ("0x5566778800000018", one slot read as a little-endian integer) or
// bytes in memory order ("18 00 00 00 88 77 66 55"). One section uses one.
func parseRaw(lines []string) ([]bpf.Instruction, error) {
	var code []byte
	words, bytes := 0, 0
	for _, l := range lines {
		for _, tok := range strings.Fields(l) {
			if digits, ok := strings.CutPrefix(tok, "0x"); ok && len(digits) == 16 {
				v, err := strconv.ParseUint(digits, 16, 64)
				if err != nil {
					return nil, fmt.Errorf("bad raw word %q", tok)
				}
				code = binary.LittleEndian.AppendUint64(code, v)
				words++
				continue
			}
			b, err := hexByte(tok)
			if err != nil {
				return nil, fmt.Errorf("raw token %q is neither 0x and 16 hex digits nor 2 hex digits", tok)
			}
			code = append(code, b)
			bytes++
		}
	}
	if words > 0 && bytes > 0 {
		return nil, fmt.Errorf("raw section mixes 64-bit words and bytes")
	}
	if len(code)%bpf.SlotSize != 0 {
		return nil, fmt.Errorf("raw section has %d bytes, not a whole number of 8-byte slots", len(code))
	}
	return bpf.DecodeProgram(code)
}

// hexByte reads exactly two hex digits.
func hexByte(tok string) (byte, error) {
	if len(tok) != 2 {
		return 0, fmt.Errorf("%q is not two hex digits", tok)
	}
	b, err := hex.DecodeString(tok)
	if err != nil {
		return 0, fmt.Errorf("%q is not two hex digits", tok)
	}
	return b[0], nil
}

// parseBytes reads a mem section: whitespace-separated two-digit hex bytes.
func parseBytes(lines []string) ([]byte, error) {
	mem := []byte{}
	for _, l := range lines {
		for _, tok := range strings.Fields(l) {
			b, err := hexByte(tok)
			if err != nil {
				return nil, fmt.Errorf("mem: %v", err)
			}
			mem = append(mem, b)
		}
	}
	return mem, nil
}

// parseHexdump reads a hexdump such as "0x0000:  0026 622f 4787": on each
// line everything up to the last ':' is an address, the rest pairs of hex
// digits. It returns the failing line on error.
func parseHexdump(text string) ([]byte, int, error) {
	mem := []byte{}
	for i, line := range strings.Split(text, "\n") {
		if c := strings.LastIndexByte(line, ':'); c >= 0 {
			line = line[c+1:]
		}
		digits := strings.Join(strings.Fields(line), "")
		b, err := hex.DecodeString(digits)
		if err != nil {
			return nil, i + 1, fmt.Errorf("bad hexdump line: %v", err)
		}
		mem = append(mem, b...)
	}
	return mem, 0, nil
}

// parseResult reads an expected r0: hex if it contains "0x", else unsigned
// decimal.
func parseResult(s string) (uint64, error) {
	if i := strings.Index(s, "0x"); i >= 0 {
		if i != 0 {
			return 0, fmt.Errorf("bad result %q", s)
		}
		v, err := strconv.ParseUint(s[2:], 16, 64)
		if err != nil || strings.ContainsAny(s[2:], "+-_") {
			return 0, fmt.Errorf("bad hex result %q", s)
		}
		return v, nil
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil || strings.ContainsAny(s, "+_") {
		return 0, fmt.Errorf("bad result %q", s)
	}
	return v, nil
}
