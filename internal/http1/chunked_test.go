package http1

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// decodeChunked decodes in fed in pieces of at most step bytes (0: all at
// once) through a receive buffer that keeps unconsumed bytes, and describes
// the outcome: the body, the trailers, or the error, and any bytes left.
func decodeChunked(in []byte, step int, l Limits) string {
	var d BodyDecoder
	d.Reset(Framing{Kind: BodyChunked}, l)
	var buf, body []byte
	fed := 0
	for {
		if step == 0 || fed+step > len(in) {
			buf = append(buf, in[fed:]...)
			fed = len(in)
		} else {
			buf = append(buf, in[fed:fed+step]...)
			fed += step
		}
		for !d.Done() {
			data, n, err := d.Next(buf)
			var e *Error
			if errors.As(err, &e) {
				return fmt.Sprintf("error %d %q", e.Status, e.Reason)
			}
			body = append(body, data...)
			// Copy the rest to a new buffer, as a compacting receive buffer would.
			buf = append([]byte(nil), buf[n:]...)
			if n == 0 {
				break
			}
		}
		if d.Done() || fed == len(in) {
			break
		}
	}
	if !d.Done() {
		return fmt.Sprintf("incomplete after %q", body)
	}
	buf = append(buf, in[fed:]...)
	var tr strings.Builder
	t := d.Trailers()
	for i := 0; i < t.Len(); i++ {
		fmt.Fprintf(&tr, " %s=%s", t.Name(i), t.Value(i))
	}
	return fmt.Sprintf("body %q trailers%s rest %q", body, tr.String(), buf)
}

var chunkedTests = []struct {
	name, in, want string
}{
	{"simple", "5\r\nhello\r\n0\r\n\r\n", `body "hello" trailers rest ""`},
	{"two chunks and rest", "3\r\nabc\r\nA\r\n0123456789\r\n0\r\n\r\nGET", `body "abc0123456789" trailers rest "GET"`},
	{"upper hex and leading zeros", "000B\r\nhello world\r\n000\r\n\r\n", `body "hello world" trailers rest ""`},
	{"extensions", "5;a=b;c\r\nhello\r\n0; x = \"q\\\"s\"\r\n\r\n", `body "hello" trailers rest ""`},
	{"space after size", "5 ;a\r\nhello\r\n0\r\n\r\n", `error 400 "invalid chunk extension"`},
	{"tab after size", "5\t\r\nhello\r\n0\r\n\r\n", `error 400 "invalid chunk extension"`},
	{"trailers", "1\r\nx\r\n0\r\nA: 1\r\nB-C:  two \r\n\r\n", `body "x" trailers A=1 B-C=two rest ""`},
	{"empty body", "0\r\n\r\n", `body "" trailers rest ""`},
	{"no hex", "\r\nx\r\n0\r\n\r\n", `error 400 "invalid chunk size"`},
	{"negative", "-5\r\nhello\r\n0\r\n\r\n", `error 400 "invalid chunk size"`},
	{"0x prefix", "0x5\r\nhello\r\n0\r\n\r\n", `error 400 "invalid chunk extension"`},
	{"space in size", "5 5\r\nhello\r\n0\r\n\r\n", `error 400 "invalid chunk extension"`},
	{"too many digits", "1000000000000000\r\n", `error 400 "chunk size too large"`},
	{"overflow", "ffffffffffffffffff\r\n", `error 400 "chunk size too large"`},
	{"over body limit", "100001\r\n", `error 413 "chunked body exceeds the body limit"`},
	{"bare LF size", "5\nhello\r\n0\r\n\r\n", `error 400 "bare LF in chunked body"`},
	{"bare CR in size", "5\r5\r\nhello\r\n0\r\n\r\n", `error 400 "invalid chunk extension"`},
	{"data too long", "5\r\nhelloX\r\n0\r\n\r\n", `error 400 "chunk data not followed by CRLF"`},
	{"data bare LF", "5\r\nhello\n0\r\n\r\n", `error 400 "chunk data not followed by CRLF"`},
	{"bad extension", "5;\r\nhello\r\n0\r\n\r\n", `error 400 "invalid chunk extension name"`},
	{"bad extension value", "5;a=\r\nhello\r\n0\r\n\r\n", `error 400 "invalid chunk extension value"`},
	{"unterminated quote", "5;a=\"x\r\nhello\r\n0\r\n\r\n", `error 400 "invalid quoted chunk extension value"`},
	{"NUL in extension", "5;a\x00\r\nhello\r\n0\r\n\r\n", `error 400 "invalid chunk extension"`},
	{"long extension", "5;" + strings.Repeat("a", 5000) + "\r\nhello\r\n0\r\n\r\n", `error 400 "chunk-size line too long"`},
	{"trailer obs-fold", "0\r\nA: 1\r\n 2\r\n\r\n", `error 400 "obs-fold or whitespace at start of field line"`},
	{"trailer bare LF", "0\r\nA: 1\n\r\n", `error 400 "bare LF in trailer section"`},
	{"trailer content-length", "0\r\nContent-Length: 5\r\n\r\n", `error 400 "framing or Host field in trailer section"`},
	{"trailer NUL", "0\r\nA: \x00\r\n\r\n", `error 400 "invalid character in field value"`},
	{"trailers too large", "0\r\nA: " + strings.Repeat("a", 9000) + "\r\n\r\n", `error 431 "trailer section too large"`},
	{"missing final CRLF", "0\r\n", `incomplete after ""`},
	{"truncated", "5\r\nhel", `incomplete after "hel"`},
}

func TestChunked(t *testing.T) {
	l := Limits{MaxBodyBytes: 1 << 20}
	for _, tt := range chunkedTests {
		in := []byte(tt.in)
		got := decodeChunked(in, 0, l)
		if got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.name, got, tt.want)
			continue
		}
		for step := 1; step <= 7 && step < len(in); step++ {
			if got := decodeChunked(in, step, l); got != tt.want {
				t.Errorf("%s in pieces of %d: got %s, want %s", tt.name, step, got, tt.want)
			}
		}
	}
}

func TestChunkedRoundTrip(t *testing.T) {
	var enc []byte
	var want []byte
	for i := 1; i < 300; i += 37 {
		data := bytes.Repeat([]byte{byte('a' + i%26)}, i)
		want = append(want, data...)
		enc = AppendChunk(enc, data)
	}
	enc = AppendChunk(enc, nil)
	var tr Headers
	tr.parseField([]byte("X-Sum: 42"), 0, 9, 1)
	tr.buf = []byte("X-Sum: 42")
	enc = AppendLastChunk(enc, &tr)
	wantDesc := fmt.Sprintf("body %q trailers X-Sum=42 rest \"\"", want)
	for _, step := range []int{0, 1, 3, 64} {
		if got := decodeChunked(enc, step, Limits{}); got != wantDesc {
			t.Errorf("step %d: got %s, want %s", step, got, wantDesc)
		}
	}
}

func TestBodyLength(t *testing.T) {
	var d BodyDecoder
	d.Reset(Framing{Kind: BodyLength, Length: 5}, Limits{})
	data, n, err := d.Next([]byte("hel"))
	if string(data) != "hel" || n != 3 || err != nil || d.Done() {
		t.Fatalf("first piece: %q %d %v done=%v", data, n, err, d.Done())
	}
	data, n, err = d.Next([]byte("loGET"))
	if string(data) != "lo" || n != 2 || err != nil || !d.Done() {
		t.Fatalf("second piece: %q %d %v done=%v", data, n, err, d.Done())
	}
	d.Reset(Framing{}, Limits{})
	if !d.Done() {
		t.Error("BodyNone decoder not done")
	}
	d.Reset(Framing{Kind: BodyUntilClose}, Limits{})
	if data, n, _ := d.Next([]byte("abc")); string(data) != "abc" || n != 3 || d.Done() {
		t.Errorf("until close: %q %d done=%v", data, n, d.Done())
	}
}
