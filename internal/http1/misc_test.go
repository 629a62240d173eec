package http1

import (
	"fmt"
	"net/http"
	"testing"
)

// rfc9110Names lists the codes where StatusText follows RFC 9110's newer
// reason phrase and net/http keeps the older one.
var rfc9110Names = map[int]bool{413: true, 414: true, 416: true, 422: true}

func TestStatusTextMatchesNetHTTP(t *testing.T) {
	for code := 100; code <= 599; code++ {
		ours, theirs := StatusText(code), http.StatusText(code)
		switch {
		case rfc9110Names[code] && ours == theirs:
			t.Errorf("%d: net/http now says %q too; drop it from rfc9110Names", code, ours)
		case !rfc9110Names[code] && ours != theirs:
			t.Errorf("%d: %q, net/http %q", code, ours, theirs)
		}
	}
}

func TestHasToken(t *testing.T) {
	tests := []struct {
		value, token string
		want         bool
	}{
		{"keep-alive, Upgrade", "upgrade", true},
		{"close", "close", true},
		{" ,, X-Foo ,", "x-foo", true},
		{"closed", "close", false},
		{"", "close", false},
	}
	for _, tt := range tests {
		if got := HasToken([]byte(tt.value), tt.token); got != tt.want {
			t.Errorf("HasToken(%q, %q) = %v", tt.value, tt.token, got)
		}
	}
}

func TestStringers(t *testing.T) {
	got := fmt.Sprint(BodyChunked, BodyKind(9), MethodPatch, Method(99), FormAsterisk, TargetForm(7),
		stateFields, parseState(9), chunkTrailers, chunkState(9))
	want := "BodyChunked BodyKind(invalid) PATCH Method(invalid) FormAsterisk TargetForm(invalid) " +
		"stateFields parseState(invalid) chunkTrailers chunkState(invalid)"
	if got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func TestWriterEdges(t *testing.T) {
	if got := string(AppendContentLength(nil, -5)); got != "Content-Length: 0\r\n" {
		t.Errorf("negative length: %q", got)
	}
	if got := AppendChunkSize(nil, 0); len(got) != 0 {
		t.Errorf("zero chunk size appended %q", got)
	}
	if got := string(AppendChunkSize(nil, 255)); got != "ff\r\n" {
		t.Errorf("chunk size 255: %q", got)
	}
}

func TestResponseParserLimits(t *testing.T) {
	var p ResponseParser
	p.Init(Limits{MaxRequestLine: 20})
	_, err := p.Parse([]byte("HTTP/1.1 200 a very long reason phrase\r\n\r\n"))
	if e, ok := err.(*Error); !ok || e.Status != 502 || e.Reason != "status line too long" {
		t.Errorf("long status line: %v", err)
	}
}

func TestBodyDecoderNone(t *testing.T) {
	var d BodyDecoder
	d.Reset(Framing{Kind: BodyLength, Length: 0}, Limits{})
	if data, n, err := d.Next([]byte("GET")); !d.Done() || n != 0 || data != nil || err != nil {
		t.Errorf("empty length body: %q %d %v done=%v", data, n, err, d.Done())
	}
}

// TestFirstBadValueByte checks the word-at-a-time scan against the class
// table for every byte value at every position of a few buffer lengths.
func TestFirstBadValueByte(t *testing.T) {
	for _, n := range []int{1, 7, 8, 9, 16, 23} {
		for pos := 0; pos < n; pos++ {
			for c := 0; c < 256; c++ {
				b := make([]byte, n)
				for i := range b {
					b[i] = 'a' + byte(i%26)
				}
				b[pos] = byte(c)
				want := validValue(b)
				if got := firstBadValueByte(b); got != want {
					t.Fatalf("len %d, byte %#x at %d: got %d, want %d", n, c, pos, got, want)
				}
			}
		}
	}
}
