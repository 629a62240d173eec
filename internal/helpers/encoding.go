package helpers

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"

	"github.com/zeroserve/zeroserve/internal/vm"
)

// Encoding helpers. Outputs are binary (not NUL-terminated) and the
// results are byte counts. An encoder given out_len 0 returns the length
// it needs; a smaller non-zero buffer traps. Decoders work in place and
// return -1 for invalid input, which may leave the buffer changed.

// base64Encodings are the zs_base64_* encodings by number: 0 standard,
// 1 standard without padding, 2 URL-safe, 3 URL-safe without padding.
var base64Encodings = [...]*base64.Encoding{
	base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding,
}

// base64Encoding returns encoding number enc; an unknown one traps.
func base64Encoding(helper string, enc uint64) (*base64.Encoding, error) {
	if enc >= uint64(len(base64Encodings)) {
		return nil, fmt.Errorf("%s: unknown encoding %d (0..3)", helper, enc)
	}
	return base64Encodings[enc], nil
}

// encodeOut returns the output buffer of an encoder that needs need bytes:
// nil for out_len 0, a trap for a short buffer.
func encodeOut(c *vm.Context, helper string, out, outLen, need uint64) ([]byte, error) {
	if outLen == 0 {
		return nil, nil
	}
	if outLen < need {
		return nil, fmt.Errorf("%s: output of %d bytes does not fit in %d", helper, need, outLen)
	}
	return c.Write(out, need)
}

// zsBase64Encode is zs_base64_encode(data, len, out, out_len, enc) -> the
// encoded length.
func zsBase64Encode(c *vm.Context, data, n, out, outLen, enc uint64) (uint64, error) {
	e, err := base64Encoding("zs_base64_encode", enc)
	if err != nil {
		return 0, err
	}
	src, err := guestBytes(c, data, n)
	if err != nil {
		return 0, err
	}
	need := uint64(e.EncodedLen(len(src)))
	dst, err := encodeOut(c, "zs_base64_encode", out, outLen, need)
	if dst == nil || err != nil {
		return need, err
	}
	if err := c.Charge(need); err != nil {
		return 0, err
	}
	e.Encode(dst, src)
	return need, nil
}

// zsBase64DecodeInPlace is zs_base64_decode_in_place(buf, len, enc) ->
// the decoded length, or -1 for invalid input.
func zsBase64DecodeInPlace(c *vm.Context, buf, n, enc, _, _ uint64) (uint64, error) {
	e, err := base64Encoding("zs_base64_decode_in_place", enc)
	if err != nil || n == 0 {
		return 0, err
	}
	b, err := c.Write(buf, n)
	if err != nil {
		return 0, err
	}
	if err := c.Charge(n); err != nil {
		return 0, err
	}
	src := append([]byte(nil), b...)
	m, err := e.Decode(b, src)
	if err != nil {
		return minusOne, nil
	}
	return uint64(m), nil
}

// zsHexEncode is zs_hex_encode(data, len, out, out_len, upper) -> 2*len;
// upper 0 writes lower case, 1 upper case, anything else traps.
func zsHexEncode(c *vm.Context, data, n, out, outLen, upper uint64) (uint64, error) {
	if upper > 1 {
		return 0, fmt.Errorf("zs_hex_encode: unknown case %d (0 lower, 1 upper)", upper)
	}
	src, err := guestBytes(c, data, n)
	if err != nil {
		return 0, err
	}
	need := uint64(hex.EncodedLen(len(src)))
	dst, err := encodeOut(c, "zs_hex_encode", out, outLen, need)
	if dst == nil || err != nil {
		return need, err
	}
	if err := c.Charge(need); err != nil {
		return 0, err
	}
	digits := "0123456789abcdef"
	if upper == 1 {
		digits = "0123456789ABCDEF"
	}
	for i, v := range src {
		dst[2*i], dst[2*i+1] = digits[v>>4], digits[v&15]
	}
	return need, nil
}

// zsHexDecodeInPlace is zs_hex_decode_in_place(buf, len) -> len/2, or -1
// for an odd length or a character that is not a hex digit (either case).
func zsHexDecodeInPlace(c *vm.Context, buf, n, _, _, _ uint64) (uint64, error) {
	if n == 0 {
		return 0, nil
	}
	b, err := c.Write(buf, n)
	if err != nil {
		return 0, err
	}
	if err := c.Charge(n); err != nil {
		return 0, err
	}
	m, err := hex.Decode(b, b) // writes b[i/2] after reading b[i] and b[i+1]
	if err != nil {
		return minusOne, nil
	}
	return uint64(m), nil
}
