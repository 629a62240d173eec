package http1

import (
	"strings"
	"testing"
	"time"
)

func BenchmarkParseRequest(b *testing.B) {
	for _, bc := range []struct{ name, in string }{
		{"small", "GET / HTTP/1.1\r\nHost: a\r\n\r\n"},
		{"typical", typicalRequest},
		{"large", "POST /api/v1/items?limit=100 HTTP/1.1\r\nHost: api.example.com\r\n" +
			strings.Repeat("X-Custom-Header-Name: some reasonably long value 0123456789\r\n", 40) +
			"Content-Length: 0\r\n\r\n"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			in := []byte(bc.in)
			var p RequestParser
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			for b.Loop() {
				p.Reset()
				if _, err := p.Parse(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("pipelined16", func(b *testing.B) {
		in := []byte(strings.Repeat(typicalRequest, 16))
		var p RequestParser
		b.SetBytes(int64(len(in)))
		b.ReportAllocs()
		for b.Loop() {
			for rest := in; len(rest) > 0; {
				p.Reset()
				n, err := p.Parse(rest)
				if err != nil {
					b.Fatal(err)
				}
				rest = rest[n:]
			}
		}
	})
}

// typicalRequest is a keep-alive browser-like GET.
const typicalRequest = "GET /static/app.js?v=3 HTTP/1.1\r\n" +
	"Host: www.example.com\r\n" +
	"User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36\r\n" +
	"Accept: */*\r\n" +
	"Accept-Encoding: gzip, deflate, br\r\n" +
	"Accept-Language: en-US,en;q=0.9\r\n" +
	"Cookie: session=0123456789abcdef; theme=dark\r\n" +
	"Connection: keep-alive\r\n" +
	"\r\n"

func BenchmarkWriteResponse(b *testing.B) {
	var date DateCache
	date.Update(time.Now())
	body := []byte("hello, world\n")
	out := make([]byte, 0, 1024)
	b.ReportAllocs()
	for b.Loop() {
		out, _ = AppendStatusLine(out[:0], 200)
		out = date.AppendHeader(out)
		out, _ = AppendHeader(out, "Content-Type", "text/plain; charset=utf-8")
		out, _ = AppendHeader(out, "Server", "zeroserve")
		out = AppendContentLength(out, int64(len(body)))
		out = append(out, "\r\n"...)
		out = append(out, body...)
	}
	b.SetBytes(int64(len(out)))
}

func BenchmarkChunked(b *testing.B) {
	var in []byte
	chunk := []byte(strings.Repeat("x", 1000))
	for range 64 {
		in = AppendChunk(in, chunk)
	}
	in = AppendLastChunk(in, nil)
	var d BodyDecoder
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		d.Reset(Framing{Kind: BodyChunked}, Limits{})
		for rest := in; !d.Done(); {
			_, n, err := d.Next(rest)
			if err != nil {
				b.Fatal(err)
			}
			rest = rest[n:]
		}
	}
}
