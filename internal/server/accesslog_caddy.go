package server

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"

	"github.com/zeroserve/zeroserve/internal/caddyconf"
)

// CaddyLogs is a server's access logging as Caddy does it: the server's
// "logs" config picks, per request host, the access loggers
// ("http.log.access.<name>"), and the logging app's logs whose
// include/exclude accept a logger's name write its entries, as JSON (or
// console) lines in Caddy's format, to stderr, stdout or a file. Lines
// are queued to one writer goroutine per output and never block a loop;
// a full queue drops lines and counts them (Dropped). Build it with
// NewCaddyLogs, give it to Config.CaddyLogs, Close it after the server.
type CaddyLogs struct {
	defaultName  string
	names        map[string][]string // lower-cased host pattern -> logger names
	skipHosts    []string
	skipUnmapped bool
	credentials  bool
	sinks        []*caddySink
	outs         []*lineWriter
}

// caddySink is one log of the logging app.
type caddySink struct {
	include, exclude []string
	level            int // minimum level: -1 debug, 0 info, 1 warn, 2 error
	console          bool
	out              *lineWriter // nil: discard
}

// Access log levels, as zap's.
const (
	levelDebug = -1
	levelInfo  = 0
	levelError = 2
)

// NewCaddyLogs builds the access logging of server srv of cfg, or returns
// nil when srv has no "logs". Settings that cannot change what is logged
// where but are not implemented (file rolling) come back as warnings;
// others (network outputs, sampling, encoder options, filter and append
// encoders) are errors naming their JSON path.
func NewCaddyLogs(cfg *caddyconf.Config, srv *caddyconf.Server) (*CaddyLogs, []string, error) {
	if srv == nil || srv.Logs == nil {
		return nil, nil, nil
	}
	l := srv.Logs
	cl := &CaddyLogs{defaultName: l.DefaultLoggerName, names: map[string][]string{}, skipUnmapped: l.SkipUnmappedHosts, credentials: l.ShouldLogCredentials}
	for _, h := range slices.Sorted(maps.Keys(l.LoggerNames)) {
		k := strings.ToLower(h)
		for _, n := range l.LoggerNames[h] {
			if !slices.Contains(cl.names[k], n) {
				cl.names[k] = append(cl.names[k], n)
			}
		}
	}
	for _, h := range l.SkipHosts {
		cl.skipHosts = append(cl.skipHosts, strings.ToLower(h))
	}
	var logs map[string]*caddyconf.CustomLog
	if cfg != nil && cfg.Logging != nil {
		logs = cfg.Logging.Logs
	}
	if logs["default"] == nil {
		logs = maps.Clone(logs)
		if logs == nil {
			logs = map[string]*caddyconf.CustomLog{}
		}
		logs["default"] = &caddyconf.CustomLog{} // Caddy's default log: stderr
	}
	var warnings []string
	files := map[string]*lineWriter{}
	for _, n := range slices.Sorted(maps.Keys(logs)) {
		path := "logging.logs." + n
		s, warn, err := cl.sink(path, logs[n], files)
		if err != nil {
			cl.Close()
			return nil, nil, err
		}
		warnings = append(warnings, warn...)
		cl.sinks = append(cl.sinks, s)
	}
	return cl, warnings, nil
}

// sink builds one log.
func (cl *CaddyLogs) sink(path string, l *caddyconf.CustomLog, files map[string]*lineWriter) (*caddySink, []string, error) {
	s := &caddySink{include: l.Include, exclude: l.Exclude}
	var warnings []string
	switch strings.ToLower(l.Level) {
	case "debug":
		s.level = levelDebug
	case "", "info":
		s.level = levelInfo
	case "warn":
		s.level = 1
	case "error":
		s.level = levelError
	case "panic", "fatal":
		s.level = 3 // above every access log entry
	default:
		return nil, nil, fmt.Errorf("%s.level: unrecognized log level %q", path, l.Level)
	}
	if l.Sampling != nil {
		return nil, nil, &caddyconf.UnsupportedError{Kind: "log field", Name: "sampling", Path: path + ".sampling"}
	}
	std := ""
	if l.Writer == nil || l.Writer.Value == nil {
		std = "stderr"
	} else {
		switch w := l.Writer.Value.(type) {
		case *caddyconf.StdWriter:
			std = w.Name
		case *caddyconf.FileWriter:
			out, warn, err := openLogFile(path+".writer", w, files)
			if err != nil {
				return nil, nil, err
			}
			s.out, warnings = out, append(warnings, warn...)
		default:
			return nil, nil, &caddyconf.UnsupportedError{Kind: "log writer", Name: l.Writer.Value.ModuleName(), Path: path + ".writer"}
		}
	}
	switch std {
	case "stderr", "stdout":
		f := os.Stderr
		if std == "stdout" {
			f = os.Stdout
		}
		if files[std] == nil {
			files[std] = newLineWriter(f, nil)
			cl.outs = append(cl.outs, files[std])
		}
		s.out = files[std]
		s.console = isTerminal(f) // Caddy's default encoder for a terminal
	}
	if s.out != nil && s.out.closer != nil && !slices.Contains(cl.outs, s.out) {
		cl.outs = append(cl.outs, s.out)
	}
	if l.Encoder != nil && l.Encoder.Value != nil {
		e, ok := l.Encoder.Value.(*caddyconf.TextEncoder)
		if !ok {
			return nil, nil, &caddyconf.UnsupportedError{Kind: "log encoder", Name: l.Encoder.Value.ModuleName(), Path: path + ".encoder"}
		}
		if *e != (caddyconf.TextEncoder{Name: e.Name}) {
			return nil, nil, &caddyconf.UnsupportedError{Kind: "log encoder option", Name: e.Name + " options", Path: path + ".encoder"}
		}
		s.console = e.Name == "console"
	}
	return s, warnings, nil
}

// openLogFile opens a file output (once per file name), appending.
func openLogFile(path string, w *caddyconf.FileWriter, files map[string]*lineWriter) (*lineWriter, []string, error) {
	if w.Filename == "" {
		return nil, nil, fmt.Errorf("%s.filename: required", path)
	}
	if out := files["file:"+w.Filename]; out != nil {
		return out, nil, nil
	}
	mode := os.FileMode(0o600) // Caddy's default
	if w.Mode != "" {
		m, err := strconv.ParseUint(w.Mode, 8, 32)
		if err != nil {
			return nil, nil, fmt.Errorf("%s.mode: %q is not an octal file mode", path, w.Mode)
		}
		mode = os.FileMode(m)
	}
	f, err := os.OpenFile(w.Filename, os.O_WRONLY|os.O_APPEND|os.O_CREATE, mode)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	var warnings []string
	if w.Roll == nil || *w.Roll {
		warnings = append(warnings, fmt.Sprintf("%s: log file rolling is not implemented: %s grows without rolling", path, w.Filename))
	}
	out := newLineWriter(f, f)
	files["file:"+w.Filename] = out
	return out, warnings, nil
}

// Dropped returns how many lines were dropped because an output's queue
// was full.
func (cl *CaddyLogs) Dropped() uint64 {
	var n uint64
	for _, o := range cl.outs {
		n += o.dropped.Load()
	}
	return n
}

// Close writes what is queued, stops the writers and closes the files.
// Call it after the server stopped.
func (cl *CaddyLogs) Close() error {
	if cl == nil {
		return nil
	}
	var errs []error
	for _, o := range cl.outs {
		errs = append(errs, o.close())
	}
	return errors.Join(errs...)
}

// loggers returns the access logger names for host (port stripped), or
// nil when the request is not logged (Caddy's shouldLogRequest and
// wrapLogger).
func (cl *CaddyLogs) loggers(host string) []string {
	host = strings.ToLower(host)
	mapped := false
	for pattern := range cl.names {
		if matchWildcard(host, pattern) {
			mapped = true
			break
		}
	}
	if !mapped {
		for _, h := range cl.skipHosts {
			if matchWildcard(host, h) {
				return nil
			}
		}
		if cl.skipUnmapped {
			return nil
		}
	}
	if names, ok := cl.names[host]; ok {
		return names
	}
	labels := strings.Split(host, ".")
	for i := range labels {
		if labels[i] == "" {
			continue
		}
		labels[i] = "*"
		if names, ok := cl.names[strings.Join(labels, ".")]; ok {
			return names
		}
	}
	return []string{cl.defaultName}
}

// matchWildcard is certmagic.MatchWildcard: equal, or equal label by
// label with "*" matching any one label.
func matchWildcard(host, pattern string) bool {
	if host == pattern {
		return true
	}
	h, p := strings.Split(host, "."), strings.Split(pattern, ".")
	if len(h) != len(p) {
		return false
	}
	for i := range h {
		if p[i] != "*" && p[i] != h[i] {
			return false
		}
	}
	return true
}

// allowed is Caddy's CustomLog.loggerAllowed for a logger name: the
// longest include prefix must beat the longest exclude prefix.
func (s *caddySink) allowed(name string) bool {
	if len(s.include) == 0 && len(s.exclude) == 0 {
		return true
	}
	name += "."
	accept, reject := 0, 0
	for _, ns := range s.include {
		if strings.HasPrefix(name, ns+".") && len(ns) > accept {
			accept = len(ns)
		}
	}
	if len(s.include) > 0 && accept == 0 {
		return false
	}
	for _, ns := range s.exclude {
		if ns == "*" {
			return false
		}
		if strings.HasPrefix(name, ns+".") && len(ns) > reject {
			reject = len(ns)
		}
	}
	if reject > accept {
		return false
	}
	return accept > reject || len(s.include) == 0 && reject == 0
}

// lineWriter is one output: a goroutine writing queued lines, in batches.
type lineWriter struct {
	out     io.Writer
	closer  io.Closer // nil for stderr and stdout
	q       chan []byte
	done    chan struct{}
	once    sync.Once
	dropped atomic.Uint64
}

// lineQueue is how many lines may wait for an output.
const lineQueue = 8192

func newLineWriter(out io.Writer, closer io.Closer) *lineWriter {
	w := &lineWriter{out: out, closer: closer, q: make(chan []byte, lineQueue), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		var batch []byte
		for line := range w.q {
			batch = append(batch[:0], line...)
			for more := true; more && len(batch) < 64<<10; {
				select {
				case l, ok := <-w.q:
					if !ok {
						more = false
						break
					}
					batch = append(batch, l...)
				default:
					more = false
				}
			}
			w.out.Write(batch)
		}
	}()
	return w
}

// send queues line without blocking.
func (w *lineWriter) send(line []byte) {
	select {
	case w.q <- line:
	default:
		w.dropped.Add(1)
	}
}

func (w *lineWriter) close() error {
	var err error
	w.once.Do(func() {
		close(w.q)
		<-w.done
		if w.closer != nil {
			err = w.closer.Close()
		}
	})
	return err
}

func isTerminal(f *os.File) bool {
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

// accessInfo is what handlers tell the access log about a request.
type accessInfo struct {
	user string // the authenticated user ({http.auth.user.id})
	skip bool   // log_skip
}

// SetAccessLog tells the Caddy access log the request's authenticated
// user (user_id) and whether to leave the request out (Caddy's log_skip).
func (w *ResponseWriter) SetAccessLog(user string, skip bool) {
	w.logInfo = accessInfo{user: user, skip: skip}
}

// logCaddy writes c's finished request to the Caddy access logs; it
// reports whether the server has them (the plain line is then not
// written).
func (w *worker) logCaddy(c *conn, status, size int) bool {
	cl := w.srv.cfg.CaddyLogs
	if cl == nil {
		return false
	}
	rw := &c.rw
	if rw.logInfo.skip {
		return true
	}
	h := c.req.head
	host := string(h.Host())
	hostOnly := host
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.HasSuffix(host, "]") {
		hostOnly = host[:i]
	}
	hostOnly = strings.TrimSuffix(strings.TrimPrefix(hostOnly, "["), "]")
	names := cl.loggers(hostOnly)
	if len(names) == 0 {
		return true
	}
	level := levelInfo
	if status >= 500 {
		level = levelError
	}
	var fields []byte // the entry after "msg", shared by every sink
	var now time.Time // read with fields, only when a sink takes the entry
	for _, n := range names {
		logger := "http.log.access"
		if n != "" {
			logger += "." + n
		}
		for _, s := range cl.sinks {
			if s.out == nil || level < s.level || !s.allowed(logger) {
				continue
			}
			if fields == nil {
				now = time.Now()
				fields = appendAccessFields(nil, c, cl.credentials, status, size, now)
			}
			s.out.send(appendEntry(nil, s.console, level, now, logger, fields))
		}
	}
	return true
}
