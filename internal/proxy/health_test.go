package proxy

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestActiveHealth: the checker sends Method to URI with the Host
// override and headers, marks a backend down after Fails failed checks
// (bad status or a body ExpectBody does not match) and up again after
// Passes good ones.
func TestActiveHealth(t *testing.T) {
	var good atomic.Bool
	var checks atomic.Int64
	seen := make(chan struct{}, 1) // a check began: the previous round's verdict is in
	var sawHost, sawHdr atomic.Value
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.RequestURI() != "/hz?x=1" || r.Method != "HEAD" && r.Method != "GET" {
			w.WriteHeader(404)
			return
		}
		checks.Add(1)
		select {
		case seen <- struct{}{}:
		default:
		}
		sawHost.Store(r.Host)
		sawHdr.Store(r.Header.Get("X-Check"))
		if good.Load() {
			w.Write([]byte("status: ok"))
		} else {
			w.Write([]byte("status: degraded"))
		}
	}))
	defer ts.Close()
	a := strings.TrimPrefix(ts.URL, "http://")
	b, err := NewBalancer(BalancerConfig{
		Backends: []BackendConfig{{Dial: a, URL: ts.URL}},
		Active: &ActiveHealth{URI: "/hz?x=1", Interval: 10 * time.Millisecond, Timeout: time.Second, Fails: 2, Passes: 2,
			Headers: map[string][]string{"Host": {"health.example"}, "X-Check": {"1"}}, ExpectBody: regexp.MustCompile(`: ok$`)},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	k := b.Backends()[0]
	wait := func(healthy bool) {
		t.Helper()
		timeout := time.After(testTimeout)
		for k.Healthy() != healthy {
			select {
			case <-seen:
			case <-timeout:
				t.Fatalf("backend never became healthy=%v (%d checks)", healthy, checks.Load())
			}
		}
	}
	wait(false)
	if n := checks.Load(); n < 2 {
		t.Errorf("down after %d checks, want at least Fails=2", n)
	}
	if sawHost.Load() != "health.example" || sawHdr.Load() != "1" {
		t.Errorf("check sent Host %v, X-Check %v", sawHost.Load(), sawHdr.Load())
	}
	good.Store(true)
	wait(true)
	if _, err := NewBalancer(BalancerConfig{Backends: []BackendConfig{{Dial: a, URL: ts.URL}}, Active: &ActiveHealth{URI: "hz"}}); err == nil {
		t.Error("a URI without a leading / was accepted")
	}
}
