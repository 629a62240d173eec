package server

import (
	"sync"

	"github.com/zeroserve/zeroserve/internal/helpers"
	"github.com/zeroserve/zeroserve/internal/static"
)

// Streaming a file: a body up to smallBody bytes is read at once into the
// response; a larger one is read in chunks of fileChunk bytes with
// positional reads, on the loop, while less than streamHigh bytes wait to
// be sent, and again when the connection has sent them (OnDrain). So a
// response holds at most streamHigh+fileChunk bytes of memory however
// large the file. Reads are pread(2) on the loop goroutine: sites live on
// local disks, mostly in the page cache; sendfile/splice would skip the
// copy but not fit TLS connections, which need the bytes in user space.
const (
	smallBody  = 64 << 10
	fileChunk  = 64 << 10
	streamHigh = 256 << 10
)

var chunkPool = sync.Pool{New: func() any { b := make([]byte, fileChunk); return &b }}

// writeFile sends res (status, header fields, body parts) on w and closes
// it. A read error before anything is sent gives a 500; after the head is
// sent it cuts the connection, so the client sees a short body.
func writeFile(w *ResponseWriter, r *Request, res *static.Response) {
	w.WriteHeader(res.Status)
	for _, f := range res.Header {
		w.AddHeader(f.Name, f.Value)
	}
	n := res.Length()
	head := string(r.MethodName()) == "HEAD"
	if n <= smallBody && !head {
		defer res.Close()
		bp := chunkPool.Get().(*[]byte)
		defer chunkPool.Put(bp)
		for _, p := range res.Parts {
			if p.Data != nil {
				w.Write(p.Data)
				continue
			}
			buf := (*bp)[:p.Len]
			if m, err := res.File.ReadAt(buf, p.Off); m < len(buf) {
				w.setErr(err)
				return
			}
			w.Write(buf)
		}
		return
	}
	d := w.Defer()
	if err := w.Stream(n); err != nil || head {
		res.Close()
		d.Finish()
		return
	}
	s := &fileStream{d: d, res: res}
	w.OnDrain(s.pump)
	w.OnAbort(s.release)
	s.pump()
}

// fileStream is a large file response being sent.
type fileStream struct {
	d    Completion
	res  *static.Response
	part int   // index of the part being sent
	off  int64 // bytes of it sent
	buf  *[]byte
}

// pump queues body bytes until streamHigh wait or the body is done.
func (s *fileStream) pump() {
	for {
		w := s.d.Writer()
		if w == nil { // the connection closed
			s.release()
			return
		}
		if w.Buffered() >= streamHigh {
			return // OnDrain calls again
		}
		if s.part == len(s.res.Parts) {
			s.release()
			s.d.Finish()
			return
		}
		p := s.res.Parts[s.part]
		if p.Data != nil {
			w.Write(p.Data)
			s.part++
			continue
		}
		if s.buf == nil {
			s.buf = chunkPool.Get().(*[]byte)
		}
		buf := (*s.buf)[:min(int64(fileChunk), p.Len-s.off)]
		if m, _ := s.res.File.ReadAt(buf, p.Off+s.off); m < len(buf) {
			w.Abort() // the head is sent: the client sees the body cut short
			s.release()
			s.d.Finish()
			return
		}
		w.Write(buf)
		if s.off += int64(len(buf)); s.off == p.Len {
			s.part, s.off = s.part+1, 0
		}
	}
}

// release closes the file and returns the buffer.
func (s *fileStream) release() {
	s.res.Close()
	if s.buf != nil {
		chunkPool.Put(s.buf)
		s.buf = nil
	}
}

// siteFile makes the site's file for the request, as the scripts left it,
// the exchange's response (ActionFile).
func (s *Scripts) siteFile(ex *helpers.Exchange) {
	req := static.Request{Method: ex.Req.Method, Header: func(name string) string {
		v, _ := ex.Req.Get(name)
		return v
	}}
	res := s.Site.Serve(req, ex.Req.Path)
	if res.Status == 200 && res.File != nil && static.Templated(res.Get("Content-Type")) && res.Length() <= static.MaxTemplate {
		expandMeta(ex, res)
	}
	ex.File, ex.Action = res, helpers.ActionFile
}

// expandMeta applies the template pass to an HTML or XML site file: each
// <zs-meta> key </zs-meta> becomes the request's metadata value. A file
// that had markers is sent from memory without ETag or Last-Modified (its
// bytes now depend on the request).
func expandMeta(ex *helpers.Exchange, res *static.Response) {
	p := res.Parts[0]
	body := make([]byte, p.Len)
	if n, _ := res.File.ReadAt(body, p.Off); n < len(body) {
		return // sent as it is; writeFile reports the read error
	}
	out, ok := static.ExpandMeta(body, func(key string) string { return ex.Meta[key] })
	if !ok {
		return
	}
	res.Close()
	res.Parts = []static.Part{{Data: out}}
	res.Del("Etag")
	res.Del("Last-Modified")
}

// serveFile sends the file response a script or Caddy's file_server chose
// (helpers.ActionFile), with the zs.response.header.* metadata before its
// own fields, after any response hooks, which may change the status and
// fields. A hook asking to run the request again cannot be honoured once
// a file is chosen: 500.
func (s *Scripts) serveFile(w *ResponseWriter, r *Request, ex *helpers.Exchange, fuel uint64) {
	res := ex.File
	ex.File = nil
	hr := helpers.HookResponse{Status: res.Status}
	ex.ResponseHeaders(func(name, value string) { hr.Header = append(hr.Header, helpers.Field{Name: name, Value: value}) })
	for _, f := range res.Header {
		hr.Header = append(hr.Header, helpers.Field{Name: f.Name, Value: f.Value})
	}
	if len(ex.Hooks) > 0 {
		helpers.RunHooks(ex, &hr, fuel)
		if hr.ContinueRequest {
			res.Close()
			s.logf("[script_runtime] %s %s: zs_res_continue_request after a file response is not supported\n", r.MethodName(), r.Target())
			w.WriteHeader(500)
			return
		}
	}
	res.Status = hr.Status
	res.Header = res.Header[:0]
	for _, f := range hr.Header {
		res.Add(f.Name, f.Value)
	}
	writeFile(w, r, res)
}
