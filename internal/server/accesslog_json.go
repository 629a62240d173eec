package server

import (
	"bytes"
	"net/textproto"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Caddy's access log entry, as its zap JSON encoder writes it:
//
//	{"level":"info","ts":1700000000.123456,"logger":"http.log.access.log0",
//	 "msg":"handled request","request":{"remote_ip":"127.0.0.1",
//	 "remote_port":"51000","client_ip":"127.0.0.1","proto":"HTTP/1.1",
//	 "method":"GET","host":"example.com","uri":"/?q=1","headers":{...},
//	 "tls":{...}},"bytes_read":0,"user_id":"","duration":0.000123,
//	 "size":12,"status":200,"resp_headers":{...}}
//
// ts and duration are seconds as floats; header objects map canonical
// field names to value arrays (here in sorted order; Caddy's follow Go's
// map order), with Cookie, Set-Cookie, Authorization and
// Proxy-Authorization values "REDACTED" unless should_log_credentials.
// The console format is Caddy's console encoder without colours: time,
// level, logger and message tab-separated, then the fields as JSON.

// appendEntry appends one entry with the fields from appendAccessFields.
func appendEntry(b []byte, console bool, level int, now time.Time, logger string, fields []byte) []byte {
	lv := "info"
	if level >= levelError {
		lv = "error"
	}
	if console {
		b = now.UTC().AppendFormat(b, "2006/01/02 15:04:05.000")
		b = append(b, '\t')
		b = append(b, strings.ToUpper(lv)...)
		b = append(b, '\t')
		b = append(b, logger...)
		b = append(b, "\thandled request\t{"...)
		b = append(b, fields...)
		return append(b, "}\n"...)
	}
	b = append(b, `{"level":"`...)
	b = append(b, lv...)
	b = append(b, `","ts":`...)
	b = strconv.AppendFloat(b, float64(now.UnixNano())/1e9, 'f', -1, 64)
	b = append(b, `,"logger":`...)
	b = appendJSONString(b, logger)
	b = append(b, `,"msg":"handled request",`...)
	b = append(b, fields...)
	return append(b, "}\n"...)
}

// appendAccessFields appends the entry's fields after "msg" for c's
// finished request.
func appendAccessFields(b []byte, c *conn, credentials bool, status, size int, now time.Time) []byte {
	h := c.req.head
	ip := c.peer.Addr().Unmap().String()
	b = append(b, `"request":{"remote_ip":`...)
	b = appendJSONString(b, ip)
	b = append(b, `,"remote_port":"`...)
	b = strconv.AppendUint(b, uint64(c.peer.Port()), 10)
	b = append(b, `","client_ip":`...)
	b = appendJSONString(b, ip)
	b = append(b, `,"proto":"HTTP/1.`...)
	b = strconv.AppendInt(b, int64(h.ProtoMinor()), 10)
	b = append(b, `","method":`...)
	b = appendJSONString(b, string(h.MethodName()))
	b = append(b, `,"host":`...)
	b = appendJSONString(b, string(h.Host()))
	b = append(b, `,"uri":`...)
	b = appendJSONString(b, string(h.Target()))
	b = append(b, `,"headers":`...)
	var fields [][2]string
	chunked := false
	hdr := h.Header()
	for i := range hdr.Len() {
		name := textproto.CanonicalMIMEHeaderKey(string(hdr.Name(i)))
		switch name {
		case "Host":
			continue // Go keeps it in Request.Host, not in the header
		case "Transfer-Encoding":
			chunked = true // Go moves it to Request.TransferEncoding
			continue
		}
		fields = append(fields, [2]string{name, string(hdr.Value(i))})
	}
	b = appendHeaderObject(b, fields, credentials)
	if chunked {
		b = append(b, `,"transfer_encoding":["chunked"]`...)
	}
	if t := c.tls; t != nil {
		st := &t.state
		b = append(b, `,"tls":{"resumed":`...)
		b = strconv.AppendBool(b, st.DidResume)
		b = append(b, `,"version":`...)
		b = strconv.AppendUint(b, uint64(st.Version), 10)
		b = append(b, `,"cipher_suite":`...)
		b = strconv.AppendUint(b, uint64(st.CipherSuite), 10)
		b = append(b, `,"proto":`...)
		b = appendJSONString(b, st.NegotiatedProtocol)
		b = append(b, `,"server_name":`...)
		b = appendJSONString(b, st.ServerName)
		b = append(b, `,"ech":`...)
		b = strconv.AppendBool(b, st.ECHAccepted)
		if len(st.PeerCertificates) > 0 {
			b = append(b, `,"client_common_name":`...)
			b = appendJSONString(b, st.PeerCertificates[0].Subject.CommonName)
			b = append(b, `,"client_serial":`...)
			b = appendJSONString(b, st.PeerCertificates[0].SerialNumber.String())
		}
		b = append(b, '}')
	}
	b = append(b, `},"bytes_read":`...)
	b = strconv.AppendInt(b, int64(len(c.req.body)), 10)
	b = append(b, `,"user_id":`...)
	b = appendJSONString(b, c.rw.logInfo.user)
	b = append(b, `,"duration":`...)
	b = strconv.AppendFloat(b, now.Sub(c.start).Seconds(), 'f', -1, 64)
	b = append(b, `,"size":`...)
	b = strconv.AppendInt(b, int64(size), 10)
	b = append(b, `,"status":`...)
	b = strconv.AppendInt(b, int64(status), 10)
	b = append(b, `,"resp_headers":`...)
	fields = fields[:0]
	if !c.rw.hasServer {
		fields = append(fields, [2]string{"Server", "zeroserve"})
	}
	for head := c.rw.head; len(head) > 0; {
		line, rest, _ := bytes.Cut(head, []byte("\r\n"))
		name, value, _ := bytes.Cut(line, []byte(": "))
		fields = append(fields, [2]string{textproto.CanonicalMIMEHeaderKey(string(name)), string(value)})
		head = rest
	}
	return appendHeaderObject(b, fields, credentials)
}

// appendHeaderObject appends fields as {"Name":["v1","v2"],...}, names
// sorted, values in order.
func appendHeaderObject(b []byte, fields [][2]string, credentials bool) []byte {
	slices.SortStableFunc(fields, func(x, y [2]string) int { return strings.Compare(x[0], y[0]) })
	b = append(b, '{')
	for i, f := range fields {
		if i == 0 || fields[i-1][0] != f[0] {
			if i > 0 {
				b = append(b, "],"...)
			}
			b = appendJSONString(b, f[0])
			b = append(b, ":["...)
		} else {
			b = append(b, ',')
		}
		v := f[1]
		if !credentials {
			switch f[0] {
			case "Cookie", "Set-Cookie", "Authorization", "Proxy-Authorization":
				v = "REDACTED"
			}
		}
		b = appendJSONString(b, v)
	}
	if len(fields) > 0 {
		b = append(b, ']')
	}
	return append(b, '}')
}

// appendJSONString appends s as a JSON string, escaped as zap does:
// quotes, backslashes and control bytes escaped, invalid UTF-8 replaced.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20:
				b = append(b, `\u00`...)
				b = append(b, "0123456789abcdef"[c>>4], "0123456789abcdef"[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[i:i+n]...)
		}
		i += n
	}
	return append(b, '"')
}
