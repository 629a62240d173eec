package helpers

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
)

// OIDC cookies are sealed with AES-256-GCM under SHA-256(cookie_secret): a
// random 12-byte nonce, the value base64url-nopad(nonce || ciphertext),
// and the cookie's purpose as additional data, so a state cookie cannot
// pass for a session cookie.
const (
	sealState   = "zeroserve.oidc.state.v1"
	sealSession = "zeroserve.oidc.session.v1"
)

var errUnseal = errors.New("cookie does not open")

func sealAEAD(secret string) cipher.AEAD {
	key := sha256.Sum256([]byte(secret))
	block, _ := aes.NewCipher(key[:]) // a 32-byte key cannot fail
	aead, _ := cipher.NewGCM(block)
	return aead
}

// seal encrypts plain for purpose.
func seal(secret, purpose string, plain []byte) string {
	aead := sealAEAD(secret)
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plain)+aead.Overhead())
	rand.Read(nonce)
	return base64.RawURLEncoding.EncodeToString(aead.Seal(nonce, nonce, plain, []byte(purpose)))
}

// unseal opens a value seal made for purpose with the same secret.
func unseal(secret, purpose, value string) ([]byte, error) {
	b, err := base64.RawURLEncoding.DecodeString(value)
	if err != nil {
		return nil, errUnseal
	}
	aead := sealAEAD(secret)
	if len(b) < aead.NonceSize()+aead.Overhead() {
		return nil, errUnseal
	}
	plain, err := aead.Open(nil, b[:aead.NonceSize()], b[aead.NonceSize():], []byte(purpose))
	if err != nil {
		return nil, errUnseal
	}
	return plain, nil
}
