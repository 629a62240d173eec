package proxy

import (
	"strings"
	"testing"
	"time"
)

func testPool(n int) []*Backend {
	var pool []*Backend
	for i := range n {
		pool = append(pool, &Backend{Dial: "10.0.0." + itoa(i+1) + ":80"})
	}
	return pool
}

func TestXXHash64(t *testing.T) {
	// Vectors of the xxHash reference implementation (XXH64, seed 0).
	for _, c := range []struct {
		in   string
		want uint64
	}{
		{"", 0xef46db3751d8e999},
		{"a", 0xd24ec4f1a98c6e5b},
		{"abc", 0x44bc2cf5ad770999},
		{"Nobody inspects the spammish repetition", 0xfbcea83c8a378bf1},
	} {
		if got := xxhash64(c.in); got != c.want {
			t.Errorf("xxhash64(%q) = %#x, want %#x", c.in, got, c.want)
		}
	}
}

func TestRoundRobinPolicy(t *testing.T) {
	pool := testPool(3)
	p := &RoundRobinPolicy{}
	counts := map[*Backend]int{}
	for range 30 {
		counts[p.Select(pool, &Selection{})]++
	}
	for i, k := range pool {
		if counts[k] != 10 {
			t.Errorf("backend %d chosen %d times of 30, want 10", i, counts[k])
		}
	}
	pool[1].down.Store(true)
	for range 10 {
		if k := p.Select(pool, &Selection{}); k == pool[1] {
			t.Fatal("round_robin chose an unhealthy backend")
		}
	}
	for _, k := range pool {
		k.down.Store(true)
	}
	if k := p.Select(pool, &Selection{}); k != nil {
		t.Fatalf("round_robin with every backend down chose %s", k.Dial)
	}
}

func TestFirstAndLeastConnPolicies(t *testing.T) {
	pool := testPool(3)
	if k := (FirstPolicy{}).Select(pool, &Selection{}); k != pool[0] {
		t.Fatalf("first chose %v", k)
	}
	pool[0].MaxRequests = 1
	pool[0].requests.Store(1) // full
	if k := (FirstPolicy{}).Select(pool, &Selection{}); k != pool[1] {
		t.Fatalf("first with the first backend full chose %v", k)
	}
	pool[0].MaxRequests = 0
	pool[0].requests.Store(5)
	pool[1].requests.Store(2)
	pool[2].requests.Store(3)
	for range 20 {
		if k := (LeastConnPolicy{}).Select(pool, &Selection{}); k != pool[1] {
			t.Fatalf("least_conn chose %s", k.Dial)
		}
		if k := (RandomChoosePolicy{Choose: 3}).Select(pool, &Selection{}); k != pool[1] {
			t.Fatalf("random_choose 3 of 3 chose %s", k.Dial)
		}
	}
}

func TestRandomPolicySpreads(t *testing.T) {
	pool := testPool(4)
	seen := map[*Backend]bool{}
	for range 400 {
		seen[(RandomPolicy{}).Select(pool, &Selection{})] = true
	}
	if len(seen) != 4 {
		t.Fatalf("random reached %d of 4 backends in 400 picks", len(seen))
	}
}

func TestHashPolicies(t *testing.T) {
	pool := testPool(5)
	hdr := func(string) string { return "" }
	// Caddy's rule: the backend with the highest XXH64(Dial+key).
	want := func(key string) *Backend {
		var best *Backend
		var high uint64
		for _, k := range pool {
			if h := xxhash64(k.Dial + key); h > high {
				best, high = k, h
			}
		}
		return best
	}
	spread := map[*Backend]bool{}
	for i := range 50 {
		uri := "/item/" + itoa(i) + "?x=1"
		s := &Selection{URI: uri, RemoteIP: "192.0.2." + itoa(i) + ":5555", ClientIP: "192.0.2." + itoa(i), Header: hdr}
		k := (URIHashPolicy{}).Select(pool, s)
		if k != want(uri) || (URIHashPolicy{}).Select(pool, s) != k {
			t.Fatalf("uri_hash %q: not the highest hash or not stable", uri)
		}
		spread[k] = true
		if (IPHashPolicy{}).Select(pool, s) != want("192.0.2."+itoa(i)) {
			t.Fatalf("ip_hash: port not stripped or wrong backend")
		}
		if (ClientIPHashPolicy{}).Select(pool, s) != want("192.0.2."+itoa(i)) {
			t.Fatalf("client_ip_hash: wrong backend")
		}
	}
	if len(spread) < 4 {
		t.Errorf("uri_hash used %d of 5 backends for 50 URIs", len(spread))
	}
	hp := HeaderPolicy{Field: "X-User", Fallback: FirstPolicy{}}
	s := &Selection{Header: func(n string) string {
		if n == "X-User" {
			return "alice"
		}
		return ""
	}}
	if hp.Select(pool, s) != want("alice") {
		t.Fatal("header policy: wrong backend")
	}
	if (HeaderPolicy{Field: "X-None", Fallback: FirstPolicy{}}).Select(pool, s) != pool[0] {
		t.Fatal("header policy without the field did not use its fallback")
	}
	if (HeaderPolicy{Field: "Host", Fallback: FirstPolicy{}}).Select(pool, &Selection{Host: "example.com", Header: hdr}) != want("example.com") {
		t.Fatal("header policy on Host: wrong backend")
	}
	if (QueryPolicy{Key: "u", Fallback: FirstPolicy{}}).Select(pool, &Selection{URI: "/p?u=a&u=b"}) != want("a,b") {
		t.Fatal("query policy: wrong backend")
	}
}

func TestCookiePolicy(t *testing.T) {
	pool := testPool(3)
	p := CookiePolicy{Name: "lb", Secret: "s3cret", MaxAge: time.Minute, Fallback: &RoundRobinPolicy{}}
	none := func(string) (string, bool) { return "", false }
	s := &Selection{Cookie: none}
	k := p.Select(pool, s)
	if k == nil || !strings.HasPrefix(s.SetCookie, "lb="+cookieHash("s3cret", k.Dial)+"; Path=/; Max-Age=60; HttpOnly; SameSite=Lax") {
		t.Fatalf("first request: backend %v, Set-Cookie %q", k, s.SetCookie)
	}
	val := strings.TrimPrefix(strings.Split(s.SetCookie, ";")[0], "lb=")
	for range 5 {
		s2 := &Selection{Cookie: func(n string) (string, bool) { return val, n == "lb" }}
		if got := p.Select(pool, s2); got != k || s2.SetCookie != "" {
			t.Fatalf("with its cookie the client moved to %v (Set-Cookie %q)", got, s2.SetCookie)
		}
	}
	k.down.Store(true)
	s3 := &Selection{TLS: true, Cookie: func(string) (string, bool) { return val, true }}
	if got := p.Select(pool, s3); got == k || got == nil || !strings.HasSuffix(s3.SetCookie, "; HttpOnly; Secure; SameSite=None") {
		t.Fatalf("cookie of a down backend: chose %v, Set-Cookie %q", got, s3.SetCookie)
	}
}

func TestWeightedRoundRobinPolicy(t *testing.T) {
	pool := testPool(2)
	p := &WeightedRoundRobinPolicy{Weights: []int{3, 1}}
	counts := map[*Backend]int{}
	for range 40 {
		counts[p.Select(pool, &Selection{})]++
	}
	if counts[pool[0]] != 30 || counts[pool[1]] != 10 {
		t.Fatalf("weights 3,1 over 40 picks gave %d and %d", counts[pool[0]], counts[pool[1]])
	}
}

func TestPassiveFailsMakeUnhealthy(t *testing.T) {
	k := &Backend{Dial: "x:1", maxFails: 2}
	k.countFail(time.Hour)
	if !k.Healthy() {
		t.Fatal("unhealthy after 1 of 2 fails")
	}
	k.countFail(time.Hour)
	if k.Healthy() || k.Fails() != 2 {
		t.Fatalf("healthy with %d fails of max 2", k.Fails())
	}
}
