package server

import (
	"bytes"
	"net/http"
	"strings"

	"github.com/zeroserve/zeroserve/internal/helpers"
	"github.com/zeroserve/zeroserve/internal/http1"
)

// Response compression (Caddy's encode handler). A handler that ran an
// encode handler calls ResponseWriter.Encode before the head is sent; the
// writer then decides, when the body's length is first known (the whole
// buffered body, or a streamed response's first bytes), whether the
// response qualifies, as Caddy's encode response writer does:
//
//   - the body is longer than minimum_length (or a streamed response's
//     Content-Length is);
//   - the status is not 206 (a partial representation) nor 204/304 (no
//     body; a 304 still gets Vary: Accept-Encoding);
//   - the response has no Content-Encoding, no Cache-Control: no-transform,
//     and matches the handler's match (by default text-like types; a
//     response without Content-Type gets one sniffed from its first bytes
//     first, as Caddy does).
//
// A qualifying response gets Vary: Accept-Encoding; when the client
// accepts an enabled coding it also gets Content-Encoding, loses
// Accept-Ranges, a strong ETag gets the suffix "-<coding>", and the body
// is compressed: buffered bodies whole (with the compressed
// Content-Length), streamed bodies chunk by chunk (chunked for an HTTP/1.1
// client, close-delimited for HTTP/1.0), the encoder flushed after each
// write so streaming stays streaming. Encoders come from the encode
// handler's pools and go back when the response ends or is abandoned.
type bodyEncoder struct {
	e       helpers.Encoding
	on      bool                // Encode was called for this response
	pending bool                // a streamed head waits for the first body bytes
	length  int64               // a streamed response's Content-Length, or -1
	enc     helpers.BodyEncoder // lent while the body is being encoded
	out     []byte              // encoder output not yet framed, reused
	fields  []helpers.Field     // the head as fields while deciding, reused
}

// Write collects the encoder's output.
func (b *bodyEncoder) Write(p []byte) (int, error) {
	b.out = append(b.out, p...)
	return len(p), nil
}

// recycle gives back a lent encoder and returns the state for the next
// response, keeping the buffers.
func (b *bodyEncoder) recycle() bodyEncoder {
	if b.enc != nil {
		b.e.Release(b.enc)
	}
	clear(b.fields)
	return bodyEncoder{out: b.out[:0], fields: b.fields[:0]}
}

// Encode asks for the response body to be compressed as e says (see
// bodyEncoder), if the response qualifies. Call it before Stream.
func (w *ResponseWriter) Encode(e helpers.Encoding) {
	if w.done || w.stream {
		return
	}
	w.enc.e, w.enc.on = e, true
}

// encodeBuffered compresses a buffered body that qualifies, replacing
// w.body, and edits the head; for a 304 it adds Vary.
func (w *ResponseWriter) encodeBuffered(status int) {
	b := &w.enc
	if !b.on {
		return
	}
	if status == 304 {
		w.addVary()
		return
	}
	if status == 204 || !w.startEncoding(status, w.body, int64(len(w.body))) {
		return
	}
	b.enc.Write(w.body)
	b.enc.Close()
	w.body, b.out = b.out, w.body[:0]
	b.e.Release(b.enc)
	b.enc = nil
}

// startEncoding decides for a body of length bytes starting with first:
// it edits the head of a qualifying response and lends an encoder when
// the body is to be compressed, reporting whether it is.
func (w *ResponseWriter) startEncoding(status int, first []byte, length int64) bool {
	b := &w.enc
	if status == 206 || length <= int64(b.e.MinLength()) {
		return false
	}
	b.fields = parseFields(b.fields[:0], w.head)
	if firstField(b.fields, "Content-Type") == "" && len(first) > 0 {
		b.fields = append(b.fields, helpers.Field{Name: "Content-Type", Value: http.DetectContentType(first)})
	}
	for _, f := range b.fields {
		if asciiEqualFold(f.Name, "content-encoding") && f.Value != "" ||
			asciiEqualFold(f.Name, "cache-control") && http1.HasToken([]byte(f.Value), "no-transform") {
			w.writeFields()
			return false
		}
	}
	if !b.e.Matches(status, b.fields) {
		w.writeFields()
		return false
	}
	if !hasVary(b.fields) {
		b.fields = append(b.fields, helpers.Field{Name: "Vary", Value: "Accept-Encoding"})
	}
	coding := b.e.Coding()
	if coding == "" {
		w.writeFields()
		return false
	}
	kept := b.fields[:0]
	for _, f := range b.fields {
		switch {
		case asciiEqualFold(f.Name, "accept-ranges"), asciiEqualFold(f.Name, "content-encoding"):
			continue
		case asciiEqualFold(f.Name, "etag") && !strings.HasPrefix(f.Value, "W/"):
			f.Value = strings.TrimSuffix(f.Value, `"`) + "-" + coding + `"`
		}
		kept = append(kept, f)
	}
	b.fields = append(kept, helpers.Field{Name: "Content-Encoding", Value: coding})
	w.writeFields()
	b.out = b.out[:0]
	b.enc = b.e.Encoder(b)
	return true
}

// addVary adds Vary: Accept-Encoding unless a Vary field lists it.
func (w *ResponseWriter) addVary() {
	b := &w.enc
	b.fields = parseFields(b.fields[:0], w.head)
	if !hasVary(b.fields) {
		w.head = append(w.head, "Vary: Accept-Encoding\r\n"...)
	}
}

// writeFields replaces the head's field lines with b.fields (values that
// came from the head are valid already; the added ones are constants or
// sniffed types).
func (w *ResponseWriter) writeFields() {
	w.head = w.head[:0]
	for _, f := range w.enc.fields {
		w.head, _ = http1.AppendHeader(w.head, f.Name, f.Value)
	}
}

func hasVary(h []helpers.Field) bool {
	for _, f := range h {
		if asciiEqualFold(f.Name, "vary") && http1.HasToken([]byte(f.Value), "Accept-Encoding") {
			return true
		}
	}
	return false
}

func firstField(h []helpers.Field, name string) string {
	for _, f := range h {
		if asciiEqualFold(f.Name, name) {
			return f.Value
		}
	}
	return ""
}

// parseFields appends the field lines of head ("Name: value\r\n" each,
// as AppendHeader wrote them) to dst.
func parseFields(dst []helpers.Field, head []byte) []helpers.Field {
	for len(head) > 0 {
		line, rest, _ := bytes.Cut(head, []byte("\r\n"))
		name, value, _ := bytes.Cut(line, []byte(": "))
		dst = append(dst, helpers.Field{Name: string(name), Value: string(value)})
		head = rest
	}
	return dst
}

// streamEncoded frames p as the encoder's output (after the first body
// bytes decided the head): it compresses and flushes, and returns the
// bytes to send.
func (w *ResponseWriter) streamEncoded(p []byte) []byte {
	b := &w.enc
	b.out = b.out[:0]
	b.enc.Write(p)
	b.enc.Flush()
	return b.out
}

// startStreamHead sends a streamed response's head once the first body
// bytes (first; none when the body ends empty) are known.
func (w *ResponseWriter) startStreamHead(first []byte) {
	c := w.c
	b := &w.enc
	b.pending = false
	n := b.length
	length := n
	if int64(len(first)) > length {
		length = int64(len(first))
	}
	if len(first) > 0 && w.startEncoding(w.status, first, length) {
		n = -1
		w.chunked = c.req.head.ProtoMinor() == 1
		if !w.chunked {
			c.closeAfter = true
		}
		w.remain = 1<<63 - 1
	}
	c.out = c.appendHead(c.out, w.status, n)
}

// encodeHead decides for a streamed answer to HEAD of length n: a
// qualifying one gets the encoded response's head, without a length (as
// Caddy's encoder, which cannot know it without encoding).
func (w *ResponseWriter) encodeHead(n int64) int64 {
	b := &w.enc
	if w.c.req.head.Method() != http1.MethodHead || !w.startEncoding(w.status, nil, n) {
		return n
	}
	b.e.Release(b.enc)
	b.enc = nil
	return -1
}

// finishEncoded ends a streamed body whose head still waits (it is sent
// now) or that is being encoded (the encoder's last bytes are sent).
func (w *ResponseWriter) finishEncoded() {
	b := &w.enc
	if b.pending {
		w.startStreamHead(nil)
	}
	if b.enc == nil {
		return
	}
	b.out = b.out[:0]
	b.enc.Close()
	b.e.Release(b.enc)
	b.enc = nil
	if w.chunked {
		w.c.out = http1.AppendChunk(w.c.out, b.out)
	} else {
		w.c.out = append(w.c.out, b.out...)
	}
	w.streamed += int64(len(b.out))
}
