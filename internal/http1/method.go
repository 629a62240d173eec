package http1

// Method identifies a request method. Methods are case-sensitive tokens
// (RFC 9110 §9.1); tokens other than the registered ones below are
// MethodOther and still valid.
type Method uint8

// Methods of RFC 9110 §9 and RFC 5789.
const (
	MethodOther Method = iota
	MethodGet
	MethodHead
	MethodPost
	MethodPut
	MethodDelete
	MethodConnect
	MethodOptions
	MethodTrace
	MethodPatch
)

var methodNames = [...]string{"OTHER", "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"}

// String returns the method's name, or "OTHER".
func (m Method) String() string {
	if int(m) < len(methodNames) {
		return methodNames[m]
	}
	return "Method(invalid)"
}

// lookupMethod returns the Method for the token b.
func lookupMethod(b []byte) Method {
	switch len(b) {
	case 3:
		switch string(b) {
		case "GET":
			return MethodGet
		case "PUT":
			return MethodPut
		}
	case 4:
		switch string(b) {
		case "HEAD":
			return MethodHead
		case "POST":
			return MethodPost
		}
	case 5:
		switch string(b) {
		case "TRACE":
			return MethodTrace
		case "PATCH":
			return MethodPatch
		}
	case 6:
		if string(b) == "DELETE" {
			return MethodDelete
		}
	case 7:
		switch string(b) {
		case "CONNECT":
			return MethodConnect
		case "OPTIONS":
			return MethodOptions
		}
	}
	return MethodOther
}
