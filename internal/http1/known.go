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
	knownAmbiguous // Content_Length or Transfer_Encoding: rejected
)

// lookupKnown returns the knownField for a field name, by length first and
// then by an ASCII case-folded comparison. Names that differ from a framing
// field only by '_' for '-' are knownAmbiguous: CGI-style backends fold
// them together, so forwarding them would let a client smuggle framing.
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
		if equalFold(name, "content_length") {
			return knownAmbiguous
		}
	case 17:
		if equalFold(name, "transfer-encoding") {
			return knownTransferEncoding
		}
		if equalFold(name, "transfer_encoding") {
			return knownAmbiguous
		}
	}
	return knownOther
}
