package server

import (
	"crypto/tls"
	"os"
	"path/filepath"
	"testing"
)

func TestLoadCertDir(t *testing.T) {
	p := newTestPKI(t)
	dir := t.TempDir()
	link := func(from, to string) {
		for _, ext := range []string{".crt", ".key"} {
			b, err := os.ReadFile(filepath.Join(p.dir, from+ext))
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(dir, to+ext), b, 0o600)
		}
	}
	link("a.test", "a.test")
	link("b.test", "_wildcard.example.com")
	cs, err := LoadCertDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	pick := func(name string) string {
		c, err := cs.GetCertificate(&tls.ClientHelloInfo{ServerName: name})
		if err != nil {
			t.Fatal(err)
		}
		return c.Leaf.Subject.CommonName[:1]
	}
	for name, want := range map[string]string{
		"a.test": "a", "A.TEST.": "a", "x.example.com": "b", "x.y.example.com": "b", "": "b", "other": "b", // the first file name, "_wildcard...", is the default
	} {
		if got := pick(name); got != want {
			t.Errorf("SNI %q: certificate %s, want %s", name, got, want)
		}
	}
	link("a.test", "default")
	if cs, err = LoadCertDir(dir); err != nil {
		t.Fatal(err)
	}
	if got := pick("other"); got != "a" {
		t.Errorf("with default.crt: unknown name got %s", got)
	}
	os.Remove(filepath.Join(dir, "a.test.key"))
	if _, err := LoadCertDir(dir); err == nil {
		t.Error("a .crt without its .key loaded")
	}
	if _, err := LoadCertDir(t.TempDir()); err == nil {
		t.Error("an empty directory loaded")
	}
}
