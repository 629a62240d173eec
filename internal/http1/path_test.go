package http1

import (
	"errors"
	"testing"
)

func TestNormalizePath(t *testing.T) {
	tests := []struct {
		in, decoded, clean string
		status             int
	}{
		{"", "/", "/", 0},
		{"/", "/", "/", 0},
		{"/a/b", "/a/b", "/a/b", 0},
		{"/a/b/", "/a/b/", "/a/b/", 0},
		{"//a///b", "/a/b", "/a/b", 0},
		{"/a/./b", "/a/b", "/a/b", 0},
		{"/a/.", "/a/", "/a/", 0},
		{"/a/b/../c", "/a/c", "/a/c", 0},
		{"/a/b/..", "/a/", "/a/", 0},
		{"/a/%2e%2E/c", "/c", "/c", 0},
		{"/a/%2e/c", "/a/c", "/a/c", 0},
		{"/%20x/y%3Fz", "/ x/y?z", "/%20x/y%3Fz", 0},
		{"/caf%C3%A9", "/café", "/caf%C3%A9", 0},
		{"/..", "", "", 400},
		{"/a/../..", "", "", 400},
		{"/%2e%2e/etc/passwd", "", "", 400},
		{"/a/%2e%2e/%2E%2e/x", "", "", 400},
		{"/a%2fb", "", "", 400},
		{"/a%2Fb", "", "", 400},
		{"/a%00b", "", "", 400},
		{"/a\x00b", "", "", 400},
		{"/a%zz", "", "", 400},
		{"/a%4", "", "", 400},
		{"/a%", "", "", 400},
		{"/%ff", "", "", 400},
		{"/%C3", "", "", 400},
		{"a/b", "", "", 400},
	}
	for _, tt := range tests {
		for _, mode := range []struct {
			name string
			fn   func(dst, path []byte) ([]byte, error)
			want string
		}{{"NormalizePath", NormalizePath, tt.decoded}, {"CleanPath", CleanPath, tt.clean}} {
			prefix := []byte("keep")
			got, err := mode.fn(prefix, []byte(tt.in))
			var e *Error
			switch {
			case tt.status != 0:
				if !errors.As(err, &e) || e.Status != tt.status {
					t.Errorf("%s(%q): got %q %v, want status %d", mode.name, tt.in, got, err, tt.status)
				}
				if string(got) != "keep" {
					t.Errorf("%s(%q): dst changed to %q on error", mode.name, tt.in, got)
				}
			case err != nil || string(got) != "keep"+mode.want:
				t.Errorf("%s(%q) = %q, %v; want %q", mode.name, tt.in, got, err, "keep"+mode.want)
			}
		}
	}
}

func TestSplitHostPort(t *testing.T) {
	tests := []struct{ in, name, port string }{
		{"example.com", "example.com", ""},
		{"example.com:8080", "example.com", "8080"},
		{"[::1]:443", "::1", "443"},
		{"[::1]", "::1", ""},
		{"", "", ""},
	}
	for _, tt := range tests {
		name, port := SplitHostPort([]byte(tt.in))
		if string(name) != tt.name || string(port) != tt.port {
			t.Errorf("SplitHostPort(%q) = %q, %q; want %q, %q", tt.in, name, port, tt.name, tt.port)
		}
	}
}
