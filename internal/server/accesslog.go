package server

import (
	"io"
	"strconv"
	"sync"
	"time"
)

// Access log buffering. Each worker appends lines to its own buffer, on
// its loop, and hands full buffers (or, every logFlushInterval, non-empty
// ones) to one writer goroutine through a channel, getting its other
// buffer back: writing to stderr may block, the loop must not.
const (
	logBufSize       = 32 << 10
	logMaxBuf        = 1 << 20 // beyond this, lines are dropped while the writer lags
	logFlushInterval = 100 * time.Millisecond
)

// logWriter is the goroutine that writes the workers' access-log buffers.
type logWriter struct {
	out  io.Writer
	q    chan logBatch
	done chan struct{}
	once sync.Once
}

// logBatch is a buffer of lines from one worker and where to return it.
type logBatch struct {
	buf   []byte
	spare chan []byte
}

// newLogWriter starts the writer for workers workers; its queue holds a
// batch per worker, so handing one over never blocks.
func newLogWriter(out io.Writer, workers int) *logWriter {
	lw := &logWriter{out: out, q: make(chan logBatch, workers+1), done: make(chan struct{})}
	go func() {
		defer close(lw.done)
		for b := range lw.q {
			lw.out.Write(b.buf)
			select {
			case b.spare <- b.buf[:0]:
			default:
			}
		}
	}()
	return lw
}

// close writes what is queued and stops the goroutine. Call it after every
// worker has ended.
func (lw *logWriter) close() {
	lw.once.Do(func() {
		close(lw.q)
		<-lw.done
	})
}

// accessLog is a worker's side of the access log; owned by its loop.
type accessLog struct {
	lw      *logWriter
	worker  int
	buf     []byte
	spare   chan []byte // the buffer the writer returns
	seq     uint64      // request counter, part of the request id
	dropped uint64
	timerOn bool
	flushFn func()
}

func (a *accessLog) init(lw *logWriter, worker int) {
	a.lw = lw
	a.worker = worker
	if lw == nil {
		return
	}
	a.buf = make([]byte, 0, logBufSize)
	a.spare = make(chan []byte, 1)
	a.spare <- make([]byte, 0, logBufSize)
}

// logRequest appends the access-log line of c's finished request:
// time, request id (worker-sequence), peer, scheme, method, target,
// status, body bytes and the time since the head was complete.
// With Caddy access logs (Config.CaddyLogs) the request is logged there
// instead.
func (w *worker) logRequest(c *conn, status, size int) {
	if w.logCaddy(c, status, size) {
		return
	}
	a := &w.log
	if a.lw == nil {
		return
	}
	a.seq++
	if len(a.buf) > logMaxBuf {
		a.dropped++
		return
	}
	now := time.Now()
	b := now.UTC().AppendFormat(a.buf, "2006-01-02T15:04:05.000Z")
	b = append(b, " w"...)
	b = strconv.AppendInt(b, int64(a.worker), 10)
	b = append(b, '-')
	b = strconv.AppendUint(b, a.seq, 10)
	b = append(b, ' ')
	b = c.peer.AppendTo(b)
	if c.tls != nil {
		b = append(b, " https "...)
	} else {
		b = append(b, " http "...)
	}
	h := c.req.head
	b = append(b, h.MethodName()...)
	b = append(b, ' ')
	b = append(b, h.Target()...)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(status), 10)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(size), 10)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(now.Sub(c.start)/time.Microsecond), 10)
	b = append(b, "us\n"...)
	a.buf = b
	w.afterLog()
}

// logError appends the access-log line of a request rejected before it
// reached the handler (no method or target is trusted then).
func (w *worker) logError(c *conn, status int) {
	a := &w.log
	if a.lw == nil {
		return
	}
	a.seq++
	if len(a.buf) > logMaxBuf {
		a.dropped++
		return
	}
	b := time.Now().UTC().AppendFormat(a.buf, "2006-01-02T15:04:05.000Z")
	b = append(b, " w"...)
	b = strconv.AppendInt(b, int64(a.worker), 10)
	b = append(b, '-')
	b = strconv.AppendUint(b, a.seq, 10)
	b = append(b, ' ')
	b = c.peer.AppendTo(b)
	b = append(b, " - rejected "...)
	b = strconv.AppendInt(b, int64(status), 10)
	b = append(b, '\n')
	a.buf = b
	w.afterLog()
}

// afterLog hands a full buffer to the writer, or makes sure a flush timer
// runs.
func (w *worker) afterLog() {
	a := &w.log
	if len(a.buf) >= logBufSize {
		a.handoff()
		return
	}
	if !a.timerOn {
		a.timerOn = true
		if a.flushFn == nil {
			a.flushFn = func() {
				a.timerOn = false
				a.handoff()
			}
		}
		w.lp.AfterFunc(logFlushInterval, a.flushFn)
	}
}

// handoff gives the buffer to the writer if the spare one is back; else
// lines keep accumulating (up to logMaxBuf).
func (a *accessLog) handoff() {
	if len(a.buf) == 0 {
		return
	}
	select {
	case next := <-a.spare:
		if a.dropped > 0 {
			a.buf = append(a.buf, "access log: "...)
			a.buf = strconv.AppendUint(a.buf, a.dropped, 10)
			a.buf = append(a.buf, " lines dropped (writer too slow)\n"...)
			a.dropped = 0
		}
		a.lw.q <- logBatch{buf: a.buf, spare: a.spare}
		a.buf = next
	default:
	}
}

// flush hands over what is left; called once the loop has ended.
func (a *accessLog) flush() {
	if a.lw == nil || len(a.buf) == 0 {
		return
	}
	a.lw.q <- logBatch{buf: a.buf, spare: a.spare}
	a.buf = nil
}
