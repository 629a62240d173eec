package server

// async answers a request whose chain chose helpers.ActionAsync (the OIDC
// helpers' identity-provider exchanges): the work runs on a goroutine of
// its own, never on the loop, and its response is written back on the
// loop with the zs.response.header.* metadata. Response hooks do not run
// for it. sr is released once the response is written (or the connection
// is gone).
func (s *Scripts) async(w *ResponseWriter, r *Request, sr *scriptsRequest) {
	work := sr.ex.Async
	done := w.Defer()
	lp := r.Loop()
	go func() {
		res := work()
		lp.Post(func() {
			defer s.release(sr)
			w := done.Writer()
			if w == nil {
				return
			}
			w.WriteHeader(res.Status)
			sr.ex.ResponseHeaders(func(name, value string) { w.AddHeader(name, value) })
			for _, f := range res.Header {
				w.AddHeader(f.Name, f.Value)
			}
			w.Write(res.Body)
			done.Finish()
		})
	}()
}
