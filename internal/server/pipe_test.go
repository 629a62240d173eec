package server

import (
	"crypto/tls"
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"github.com/zeroserve/zeroserve/internal/tlspipe"
)

// TestPipeRetry checks the property TLS on the loop rests on (DESIGN §5):
// after the handshake, a tls.Conn whose transport Read returns a
// temporary net.Error when empty reports that error without making it
// sticky, keeps a partial record, and decrypts it once the rest arrives;
// its writes land in the send buffer. Checked for TLS 1.2 and 1.3.
func TestPipeRetry(t *testing.T) {
	p := newTestPKI(t)
	cs, err := LoadCertDir(p.dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
		t.Run(tls.VersionName(v), func(t *testing.T) {
			clientRaw, serverRaw := net.Pipe()
			defer clientRaw.Close()
			defer serverRaw.Close()
			var wire []byte
			pp := tlspipe.New(func(b []byte) error {
				_, err := serverRaw.Write(b)
				return err
			}, &wire)
			shuttled := make(chan struct{})
			go func() { // client → pipe, during the handshake
				defer close(shuttled)
				buf := make([]byte, 32<<10)
				for {
					n, err := serverRaw.Read(buf)
					if err != nil {
						return
					}
					pp.Push(buf[:n])
				}
			}()
			server := tls.Server(pp, cs.TLSConfig())
			client := tls.Client(clientRaw, &tls.Config{ServerName: "a.test", RootCAs: p.pool, MinVersion: v, MaxVersion: v})
			errs := make(chan error, 2)
			go func() { errs <- server.Handshake() }()
			go func() { errs <- client.Handshake() }()
			for range 2 {
				if err := <-errs; err != nil {
					t.Fatal(err)
				}
			}
			serverRaw.SetReadDeadline(time.Now()) // stop the shuttle
			<-shuttled
			serverRaw.SetReadDeadline(time.Time{})
			pp.SetOnLoop()

			buf := make([]byte, 1024)
			for range 2 {
				if n, err := server.Read(buf); n != 0 || !errors.Is(err, tlspipe.ErrWouldBlock) {
					t.Fatalf("empty read: %d %v, want tlspipe.ErrWouldBlock", n, err)
				}
			}
			go client.Write([]byte("hello"))
			rec := make([]byte, 5+5+256)
			n, err := io.ReadAtLeast(serverRaw, rec, 5)
			if err != nil {
				t.Fatal(err)
			}
			total := 5 + (int(rec[3])<<8 | int(rec[4]))
			if n < total {
				m, err := io.ReadFull(serverRaw, rec[n:total])
				if err != nil {
					t.Fatal(err)
				}
				n += m
			}
			pp.Push(rec[:3]) // a partial record header
			if _, err := server.Read(buf); !errors.Is(err, tlspipe.ErrWouldBlock) {
				t.Fatalf("partial header: %v", err)
			}
			pp.Push(rec[3 : total-1]) // all but the last byte
			if _, err := server.Read(buf); !errors.Is(err, tlspipe.ErrWouldBlock) {
				t.Fatalf("partial record: %v", err)
			}
			pp.Push(rec[total-1 : n])
			if n, err := server.Read(buf); err != nil || string(buf[:n]) != "hello" {
				t.Fatalf("record: %q %v", buf[:n], err)
			}
			if _, err := server.Write([]byte("world")); err != nil || len(wire) == 0 {
				t.Fatalf("write: %v, %d bytes of wire", err, len(wire))
			}
			go serverRaw.Write(wire)
			if n, err := io.ReadAtLeast(client, buf, 5); err != nil || string(buf[:n]) != "world" {
				t.Fatalf("client got %q %v", buf[:n], err)
			}
		})
	}
}
