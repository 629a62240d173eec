package loop

import "testing"

// FuzzParseListenAddr: Listen's address parser never panics, yields either
// a descriptor or a valid address, and an address it yields parses back to
// itself.
func FuzzParseListenAddr(f *testing.F) {
	for _, s := range []string{"127.0.0.1:0", ":8080", "[::1]:443", "[fe80::1%eth0]:80", "fd:3", "fd:-1",
		"fd:", "localhost:80", "1.2.3.4:65536", "[::ffff:1.2.3.4]:1", "", ":", "fd:99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fd, ap, err := parseListenAddr(s)
		if err != nil {
			return
		}
		if (fd >= 0) == ap.IsValid() {
			t.Fatalf("%q: fd %d and address %v: want exactly one", s, fd, ap)
		}
		if fd >= 0 {
			return
		}
		fd2, ap2, err := parseListenAddr(ap.String())
		if err != nil || fd2 != -1 || ap2 != ap {
			t.Fatalf("%q -> %v -> %v, %d, %v", s, ap, ap2, fd2, err)
		}
	})
}
