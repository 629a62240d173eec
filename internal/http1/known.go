package http1

// knownField identifies the header fields the parsers index while parsing.
type knownField uint8

const (
	knownOther knownField = iota
	knownHost
	knownContentLength
	knownTransferEncoding
	knownConnection
	knownExpect
	knownUpgrade
)

// lookupKnown returns the knownField for a field name, by length first and
// then by an ASCII case-folded comparison.
func lookupKnown(name []byte) knownField {
	switch len(name) {
	case 4:
		if equalFold(name, "host") {
			return knownHost
		}
	case 6:
		if equalFold(name, "expect") {
			return knownExpect
		}
	case 7:
		if equalFold(name, "upgrade") {
			return knownUpgrade
		}
	case 10:
		if equalFold(name, "connection") {
			return knownConnection
		}
	case 14:
		if equalFold(name, "content-length") {
			return knownContentLength
		}
	case 17:
		if equalFold(name, "transfer-encoding") {
			return knownTransferEncoding
		}
	}
	return knownOther
}
