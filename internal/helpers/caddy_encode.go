package helpers

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/zeroserve/zeroserve/internal/caddyconf"
)

// CaddyEncode configures encode, as Caddy's encode.Encode after
// Provision: the compiler fills in Caddy's defaults (gzip level 5, zstd
// level "default", minimum_length 512, the default match of text-like
// content types, prefer zstd then gzip), so the helper reads explicit
// values only.
type CaddyEncode struct {
	// Gzip is the gzip level (-3 to 9, klauspost/compress/gzip levels),
	// nil when gzip is not enabled.
	Gzip *int `json:"gzip,omitempty"`
	// Zstd is the zstd level ("fastest", "default", "better", "best"),
	// empty when zstd is not enabled.
	Zstd string `json:"zstd,omitempty"`
	// ZstdChecksum sets the zstd frame checksum; nil keeps the library's
	// default.
	ZstdChecksum *bool `json:"zstd_checksum,omitempty"`
	// Prefer orders the encodings the client accepts equally.
	Prefer []string `json:"prefer"`
	// MinimumLength: only bodies longer than this are encoded.
	MinimumLength int `json:"minimum_length"`
	// Match selects the responses that are encoded.
	Match *caddyconf.ResponseMatcher `json:"match"`
}

func init() {
	registerCaddyHandler("encode", configOf(newEncodeHandler))
}

// encodeHandler is a parsed encode configuration with a pool of
// encoders per enabled coding (as Caddy's writerPools), shared by every
// request of the program.
type encodeHandler struct {
	cfg   CaddyEncode
	pools map[string]*sync.Pool
}

func newEncodeHandler(c *CaddyEncode) (caddyRunner, error) {
	h := &encodeHandler{cfg: *c, pools: map[string]*sync.Pool{}}
	if c.Gzip != nil {
		level := *c.Gzip
		if level < gzip.StatelessCompression || level > gzip.BestCompression {
			return nil, fmt.Errorf("encode: gzip level %d outside %d..%d", level, gzip.StatelessCompression, gzip.BestCompression)
		}
		h.pools["gzip"] = &sync.Pool{New: func() any {
			w, _ := gzip.NewWriterLevel(nil, level)
			return BodyEncoder(w)
		}}
	}
	if c.Zstd != "" {
		ok, level := zstd.EncoderLevelFromString(c.Zstd)
		if !ok {
			return nil, fmt.Errorf("encode: zstd level %q: use fastest, default, better or best", c.Zstd)
		}
		opts := []zstd.EOption{
			zstd.WithWindowSize(128 << 10), // as Caddy: lighter for clients than the 8 MB default
			zstd.WithEncoderConcurrency(1),
			zstd.WithZeroFrames(true),
			zstd.WithEncoderLevel(level),
		}
		if c.ZstdChecksum != nil {
			opts = append(opts, zstd.WithEncoderCRC(*c.ZstdChecksum))
		}
		if _, err := zstd.NewWriter(nil, opts...); err != nil {
			return nil, fmt.Errorf("encode: zstd: %v", err)
		}
		h.pools["zstd"] = &sync.Pool{New: func() any {
			w, _ := zstd.NewWriter(nil, opts...)
			return BodyEncoder(w)
		}}
	}
	if len(h.pools) == 0 {
		return nil, fmt.Errorf("encode: no encoding enabled")
	}
	seen := map[string]bool{}
	for _, name := range c.Prefer {
		if h.pools[name] == nil {
			return nil, fmt.Errorf("encode: encoding %s in prefer is not enabled", name)
		}
		if seen[name] {
			return nil, fmt.Errorf("encode: encoding %s is duplicated in prefer", name)
		}
		seen[name] = true
	}
	if c.MinimumLength < 0 {
		return nil, fmt.Errorf("encode: negative minimum_length")
	}
	if c.Match == nil {
		return nil, fmt.Errorf("encode: no match (the compiler supplies Caddy's default)")
	}
	return h, nil
}

// run is Caddy's Encode.ServeHTTP: it picks the first encoding the
// client accepts (AcceptedEncodings) that is enabled, strips the
// "-<coding>" suffix this handler adds to ETags from If-None-Match, and
// records the choice for the server, which encodes the response body
// when the response qualifies. A later encode handler replaces the
// choice (in Caddy the inner one encodes and the outer one then sees
// Content-Encoding and leaves the body alone).
func (h *encodeHandler) run(ex *Exchange, _ replacer) (uint64, error) {
	coding := ""
	for _, name := range AcceptedEncodings(ex.Req.Header, h.cfg.Prefer) {
		if h.pools[name] == nil {
			continue
		}
		coding = name
		var etags []string
		for _, f := range ex.Req.Header {
			if strings.EqualFold(f.Name, "If-None-Match") {
				etags = append(etags, f.Value)
			}
		}
		if len(etags) > 0 {
			etag := strings.Join(etags, ", ")
			stripped := strings.ReplaceAll(etag, "-"+name+`"`, `"`)
			if stripped != etag || len(etags) > 1 {
				ex.Req.Set("If-None-Match", stripped)
			}
		}
		break
	}
	ex.Encoding = Encoding{h: h, coding: coding, inError: ex.caddy.inError != nil}
	return CaddyContinue, nil
}

// BodyEncoder is a pooled compressor of one coding (gzip.Writer,
// zstd.Encoder).
type BodyEncoder interface {
	io.WriteCloser
	// Reset makes the encoder write a new stream to w.
	Reset(w io.Writer)
	// Flush writes out what is buffered so far.
	Flush() error
}

// Encoding is what an encode handler decided for a request's response:
// the coding to apply ("" when the client accepts none of the enabled
// ones; qualifying responses then only get Vary: Accept-Encoding), and
// the handler's rules for which responses qualify. The zero value asks
// for nothing. It stays valid after the Exchange is reset (a streamed
// response outlives it).
type Encoding struct {
	h       *encodeHandler
	coding  string
	inError bool // chosen inside error routes
}

// ResponseEncoding returns the encoding the encode handlers chose for the
// response, and false when none applies: no encode handler ran, or the
// request went to error routes after the handler ran (Caddy disables the
// encoding of a response whose handlers returned an error).
func (ex *Exchange) ResponseEncoding() (Encoding, bool) {
	e := ex.Encoding
	if e.h == nil || ex.caddy.inError != nil && !e.inError {
		return Encoding{}, false
	}
	return e, true
}

// Coding returns the Content-Encoding to apply, or "".
func (e Encoding) Coding() string { return e.coding }

// MinLength returns the length a body must exceed to be encoded.
func (e Encoding) MinLength() int { return e.h.cfg.MinimumLength }

// Matches reports whether a response with this status and header fields
// qualifies (Caddy's encode match).
func (e Encoding) Matches(status int, h []Field) bool {
	return responseMatches(e.h.cfg.Match, status, h)
}

// Encoder lends an encoder of the coding, writing to w; give it back with
// Release.
func (e Encoding) Encoder(w io.Writer) BodyEncoder {
	enc := e.h.pools[e.coding].Get().(BodyEncoder)
	enc.Reset(w)
	return enc
}

// Release returns an encoder lent by Encoder.
func (e Encoding) Release(enc BodyEncoder) {
	enc.Reset(nil)
	e.h.pools[e.coding].Put(enc)
}

// AcceptedEncodings is Caddy's encode.AcceptedEncodings: the codings the
// Accept-Encoding fields of h list, by descending q-value, ties broken by
// the server's preference order, q=0 left out; with Sec-WebSocket-Key
// only "identity" counts.
func AcceptedEncodings(h []Field, prefer []string) []string {
	websocket := firstValue(h, "Sec-WebSocket-Key") != ""
	type pref struct {
		name  string
		q     float64
		order int
	}
	var prefs []pref
	for _, f := range h {
		if !strings.EqualFold(f.Name, "Accept-Encoding") {
			continue
		}
		for item := range strings.SplitSeq(f.Value, ",") {
			name, params, found := strings.Cut(item, ";")
			name = strings.ToLower(strings.TrimSpace(name))
			if name == "" {
				continue
			}
			q := 1.0
			if found {
				qs, _, _ := strings.Cut(params, ";")
				qs = strings.TrimSpace(qs)
				if len(qs) >= 2 && strings.EqualFold(qs[:2], "q=") {
					if v, err := strconv.ParseFloat(qs[2:], 32); err == nil && v >= 0 && v <= 1 {
						q = v
					}
				}
			}
			if q < 0.00001 || websocket && name != "identity" {
				continue
			}
			order := slices.Index(prefer, name)
			if order > -1 {
				order = len(prefer) - order
			}
			prefs = append(prefs, pref{name, q, order})
		}
	}
	slices.SortStableFunc(prefs, func(a, b pref) int {
		if math.Abs(a.q-b.q) < 0.00001 {
			return cmp.Compare(b.order, a.order)
		}
		return cmp.Compare(b.q, a.q)
	})
	names := make([]string, len(prefs))
	for i, p := range prefs {
		names[i] = p.name
	}
	return names
}
