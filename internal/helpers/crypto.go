package helpers

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"fmt"

	"github.com/zeroserve/zeroserve/internal/vm"
)

// Crypto helpers. Their outputs are binary: not NUL-terminated.

// zsGetrandom is zs_getrandom(out, len) -> len: len bytes from the
// operating system's CSPRNG.
func zsGetrandom(c *vm.Context, out, n, _, _, _ uint64) (uint64, error) {
	if n == 0 {
		return 0, nil
	}
	b, err := c.Write(out, n)
	if err != nil {
		return 0, err
	}
	if err := c.Charge(n); err != nil {
		return 0, err
	}
	rand.Read(b) // never fails (crypto/rand documents it)
	return n, nil
}

// zsSHA256 is zs_sha256(data, len, out, out_len) -> 32: the SHA-256
// digest of data. out_len other than 32 traps.
func zsSHA256(c *vm.Context, data, n, out, outLen, _ uint64) (uint64, error) {
	if outLen != sha256.Size {
		return 0, fmt.Errorf("zs_sha256: out_len %d, want 32", outLen)
	}
	b, err := guestBytes(c, data, n)
	if err != nil {
		return 0, err
	}
	if err := c.Charge(n); err != nil {
		return 0, err
	}
	sum := sha256.Sum256(b)
	return putDigest(c, out, sum[:])
}

// zsHMACSHA256 is zs_hmac_sha256(key, key_len, msg, msg_len, out) -> 32:
// HMAC-SHA256 of msg, written as 32 bytes at out.
func zsHMACSHA256(c *vm.Context, key, keyLen, msg, msgLen, out uint64) (uint64, error) {
	k, err := guestBytes(c, key, keyLen)
	if err != nil {
		return 0, err
	}
	m, err := guestBytes(c, msg, msgLen)
	if err != nil {
		return 0, err
	}
	if err := c.Charge(keyLen + msgLen); err != nil {
		return 0, err
	}
	h := hmac.New(sha256.New, k)
	h.Write(m)
	return putDigest(c, out, h.Sum(nil))
}

// putDigest writes a digest at out and returns its length.
func putDigest(c *vm.Context, out uint64, sum []byte) (uint64, error) {
	b, err := c.Write(out, uint64(len(sum)))
	if err != nil {
		return 0, err
	}
	return uint64(copy(b, sum)), nil
}
