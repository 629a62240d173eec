package helpers

import (
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
)

// JA4 returns the JA4 TLS client fingerprint (FoxIO's JA4 specification)
// of a ClientHello received over TCP: "t" + version + "d"/"i" (SNI or
// not) + cipher and extension counts + ALPN's first and last characters,
// then the truncated SHA-256 of the sorted cipher suites, then that of the
// sorted extensions (without SNI and ALPN) followed by the signature
// algorithms in the client's order. GREASE values are ignored throughout.
// Every input comes from crypto/tls's ClientHelloInfo (its Extensions
// field lists the extension ids in order).
func JA4(h *tls.ClientHelloInfo) string {
	ciphers := hexList(h.CipherSuites, true)
	var exts []uint16
	sni := "i"
	for _, e := range h.Extensions {
		switch {
		case isGREASE(e):
		case e == 0x0000:
			sni = "d"
			fallthrough
		default:
			exts = append(exts, e)
		}
	}
	extCount := len(exts)
	exts = slices.DeleteFunc(exts, func(e uint16) bool { return e == 0x0000 || e == 0x0010 })
	sigs := make([]uint16, len(h.SignatureSchemes))
	for i, s := range h.SignatureSchemes {
		sigs[i] = uint16(s)
	}
	c := truncHash(hexList(exts, true))
	if s := hexList(sigs, false); len(exts) > 0 && s != "" {
		c = truncHash(hexList(exts, true) + "_" + s)
	}
	return fmt.Sprintf("t%s%s%02d%02d%s_%s_%s", ja4Version(h.SupportedVersions), sni,
		min(countNonGREASE(h.CipherSuites), 99), min(extCount, 99), ja4ALPN(h.SupportedProtos),
		truncHash(ciphers), c)
}

// isGREASE reports whether v is a GREASE value (RFC 8701): 0x?a?a.
func isGREASE(v uint16) bool { return v&0x0f0f == 0x0a0a && v>>8 == v&0xff }

func countNonGREASE(vs []uint16) int {
	n := 0
	for _, v := range vs {
		if !isGREASE(v) {
			n++
		}
	}
	return n
}

// hexList is the 4-digit hex values of vs without GREASE, comma-separated,
// sorted when sorted is set.
func hexList(vs []uint16, sorted bool) string {
	var parts []string
	for _, v := range vs {
		if !isGREASE(v) {
			parts = append(parts, fmt.Sprintf("%04x", v))
		}
	}
	if sorted {
		slices.Sort(parts)
	}
	return strings.Join(parts, ",")
}

// truncHash is the first 12 hex digits of SHA-256(s), or twelve zeros
// for an empty list.
func truncHash(s string) string {
	if s == "" {
		return "000000000000"
	}
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:6])
}

// ja4Version is the highest non-GREASE supported version as JA4 writes it.
func ja4Version(vs []uint16) string {
	var best uint16
	for _, v := range vs {
		if !isGREASE(v) && v > best {
			best = v
		}
	}
	switch best {
	case tls.VersionTLS13:
		return "13"
	case tls.VersionTLS12:
		return "12"
	case tls.VersionTLS11:
		return "11"
	case tls.VersionTLS10:
		return "10"
	case 0x0300:
		return "s3"
	}
	return "00"
}

// ja4ALPN is the first and last character of the first ALPN value, "00"
// without one; a non-alphanumeric character makes it the first and last
// hex digit of the value's bytes instead.
func ja4ALPN(protos []string) string {
	if len(protos) == 0 || protos[0] == "" {
		return "00"
	}
	p := protos[0]
	first, last := p[0], p[len(p)-1]
	if !isAlnum(first) || !isAlnum(last) {
		h := hex.EncodeToString([]byte(p))
		return h[:1] + h[len(h)-1:]
	}
	return string([]byte{first, last})
}

func isAlnum(b byte) bool {
	return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}
