package static

import "strings"

// Field is one response header field.
type Field struct {
	Name, Value string
}

// Response is a decided response: a status, header fields and a body made
// of parts, some in memory and some sections of File. The server streams
// it (internal/server/files.go) and then calls Close.
type Response struct {
	Status int
	Header []Field
	// Parts are the body, in order.
	Parts []Part
	// File is where parts without Data are read from; nil when every part
	// is in memory.
	File File
}

// Part is a piece of a body: Data, or when Data is nil, Len bytes of the
// response's File from Off.
type Part struct {
	Data     []byte
	Off, Len int64
}

// Length returns the body's length in bytes.
func (r *Response) Length() int64 {
	var n int64
	for _, p := range r.Parts {
		if p.Data != nil {
			n += int64(len(p.Data))
		} else {
			n += p.Len
		}
	}
	return n
}

// Get returns the first value of the header field name, or "".
func (r *Response) Get(name string) string {
	for _, f := range r.Header {
		if strings.EqualFold(f.Name, name) {
			return f.Value
		}
	}
	return ""
}

// Has reports whether the header has a field name.
func (r *Response) Has(name string) bool {
	for _, f := range r.Header {
		if strings.EqualFold(f.Name, name) {
			return true
		}
	}
	return false
}

// Set replaces every field name with one of value.
func (r *Response) Set(name, value string) {
	r.Del(name)
	r.Header = append(r.Header, Field{name, value})
}

// Add appends a field.
func (r *Response) Add(name, value string) {
	r.Header = append(r.Header, Field{name, value})
}

// Del removes every field name.
func (r *Response) Del(name string) {
	h := r.Header[:0]
	for _, f := range r.Header {
		if !strings.EqualFold(f.Name, name) {
			h = append(h, f)
		}
	}
	clear(r.Header[len(h):])
	r.Header = h
}

// Close closes File, if any.
func (r *Response) Close() error {
	if r.File == nil {
		return nil
	}
	f := r.File
	r.File = nil
	return f.Close()
}

// Error makes r the plain-text error net/http's Error writes: the message
// and a newline, text/plain, nosniff; any File is closed.
func (r *Response) Error(status int, msg string) {
	r.Close()
	r.Status = status
	r.Set("Content-Type", "text/plain; charset=utf-8")
	r.Set("X-Content-Type-Options", "nosniff")
	r.Parts = []Part{{Data: []byte(msg + "\n")}}
}
