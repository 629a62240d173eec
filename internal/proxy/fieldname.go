package proxy

// commonFields are response field names as servers usually spell them:
// relaying one of these costs no string allocation.
var commonFields = [...]string{
	"Date", "Server", "Content-Type", "Cache-Control", "Etag", "ETag", "Last-Modified",
	"Set-Cookie", "Vary", "Location", "Expires", "Age", "Accept-Ranges", "Content-Encoding",
	"Content-Language", "Content-Range", "Access-Control-Allow-Origin", "X-Content-Type-Options",
	"Strict-Transport-Security", "content-type", "date", "server", "cache-control", "etag",
	"last-modified", "set-cookie", "vary", "location",
}

// fieldName returns name as a string, without allocating for the common
// spellings.
func fieldName(name []byte) string {
	for _, f := range commonFields {
		if string(name) == f {
			return f
		}
	}
	return string(name)
}
