//go:build caddyoracle

// The Caddy oracle: these tests run Caddy's own Caddyfile adapter in
// process and compare its JSON with ours. Importing it compiles most of
// Caddy (minutes of CPU, cold), so they only build with
//
//	go test -tags caddyoracle -run Oracle ./internal/caddyfile/
//	go test -tags caddyoracle -run XXX -fuzz FuzzAdaptVsCaddy -fuzztime 2m ./internal/caddyfile/

package caddyfile

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/caddyserver/caddy/v2/caddyconfig"
	_ "github.com/caddyserver/caddy/v2/caddyconfig/httpcaddyfile"
	_ "github.com/caddyserver/caddy/v2/modules/standard"
)

// caddyAdapt adapts with Caddy's own adapter.
func caddyAdapt(filename string, body []byte) ([]byte, error) {
	out, _, err := caddyconfig.GetAdapter("caddyfile").Adapt(body, map[string]any{"filename": filename})
	return out, err
}

// compareWithCaddy adapts body with both adapters. It returns "" when they
// agree (same JSON value, or both fail, or ours rejects as unsupported),
// else a description of the difference.
func compareWithCaddy(filename string, body []byte) string {
	ours, _, ourErr := Adapt(filename, body)
	theirs, theirErr := caddyAdapt(filename, body)
	var unsup *UnsupportedError
	switch {
	case ourErr != nil && theirErr != nil:
		return ""
	case ourErr != nil && errors.As(ourErr, &unsup):
		return ""
	case ourErr != nil:
		return "we fail, Caddy does not: " + ourErr.Error()
	case theirErr != nil:
		return "Caddy fails, we do not: " + theirErr.Error() + "\n  ours " + string(ours)
	}
	var a, b any
	if json.Unmarshal(ours, &a) != nil || json.Unmarshal(theirs, &b) != nil {
		return "output is not JSON"
	}
	sortSubjects(a)
	sortSubjects(b)
	if !reflect.DeepEqual(a, b) {
		return "different JSON:\n  ours   " + string(ours) + "\n  caddy  " + string(theirs)
	}
	return ""
}

// sortSubjects sorts every "subjects" list in v: Caddy fills the subjects
// of its internal-issuer policy from a map, in random order.
func sortSubjects(v any) {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			if list, ok := e.([]any); ok && k == "subjects" {
				slices.SortFunc(list, func(x, y any) int { return strings.Compare(fmt.Sprint(x), fmt.Sprint(y)) })
			}
			sortSubjects(e)
		}
	case []any:
		for _, e := range v {
			sortSubjects(e)
		}
	}
}

// TestOracleExamples compares every Caddyfile in examples/ and every
// Caddyfile in this package's tests with Caddy's output.
func TestOracleExamples(t *testing.T) {
	files, _ := filepath.Glob("../../examples/*Caddyfile*")
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if diff := compareWithCaddy(f, body); diff != "" {
			t.Errorf("%s: %s", f, diff)
		}
	}
	for _, c := range oracleCases {
		if diff := compareWithCaddy("Caddyfile", []byte(c)); diff != "" {
			t.Errorf("%q: %s", c, diff)
		}
	}
}

// oracleCases are Caddyfiles beyond Caddy's corpus, on the core's edges.
var oracleCases = []string{
	"example.com {\n\trespond \"hi\"\n}\n",
	"{\n\temail a@b.example\n}\nexample.com {\n}\n",
	"{\n\tlocal_certs\n}\nexample.com {\n}\n",
	"{\n\tkey_type p384\n}\nexample.com {\n}\n",
	"{\n\tacme_ca https://ca.example/dir\n}\nexample.com {\n}\n",
	"{\n\trenewal_window_ratio 0.5\n}\nexample.com {\n}\n",
	"{\n\tdefault_sni example.com\n}\nexample.com {\n}\n",
	"{\n\tdefault_bind 10.0.0.1\n}\nexample.com {\n}\n",
	"http://a.example:8080, b.example:8080 {\n}\n",
	"a.example {\n\tbind 127.0.0.1 [::1]\n\tlog\n}\nb.example {\n}\n",
	"a.example {\n\tlog {\n\t\toutput stderr\n\t\tformat json\n\t}\n}\nb.example {\n}\n",
	":80 {\n\trespond \"last\"\n\troute {\n\t\trespond /b \"b\"\n\t\theader X-A 1\n\t}\n\thandle /api/* {\n\t\trespond \"api\"\n\t}\n\thandle {\n\t\trespond \"other\"\n\t}\n}\n",
	":80 {\n\thandle_path /static/* {\n\t\trespond \"s\"\n\t}\n\thandle_errors 404 5xx {\n\t\trespond \"oops\"\n\t}\n}\n",
	"&(common) {\n\trespond \"common\"\n}\n:80 {\n\tinvoke common\n}\n",
	"a.example {\n\ttls internal\n}\nb.example {\n\ttls cert.pem key.pem {\n\t\tprotocols tls1.2 tls1.3\n\t\talpn h2\n\t}\n}\n",
	"*.example.com, example.com {\n\ttls {\n\t\ton_demand\n\t}\n}\nfoo.example.com {\n}\n",
	"localhost, 127.0.0.1, example.com, *.a.b.example {\n}\n",
	":443, example.com {\n}\n",
	"https://:8443 {\n}\nexample.com:8443 {\n}\n",
	"example.com/foo, example.com/bar {\n}\nexample.com {\n}\n",
	"{\n\tservers :443 {\n\t\tname main\n\t\tprotocols h1 h2\n\t}\n}\nexample.com {\n}\n",
	"{\n\ttls_automate_names a.example localhost\n}\nexample.com {\n}\n",
	"{\n\tauto_https off\n}\nexample.com {\n\ttls internal\n}\n",
	"[::1]:8080 {\n}\n",
}

// oracleAddresses and oracleBodies build extra site blocks for mutations.
var (
	oracleAddresses = []string{
		"example.com", "*.example.com", "a.b.example.com", "localhost", "127.0.0.1", "[::1]", "192.168.1.1",
		":80", ":443", ":8080", "http://", "https://", "http://example.com", "https://example.com:8443",
		"example.com:80", "example.com/api", "*.*.example.com", "foo.local", "x.ts.net", "{host}.example.com",
		"http://:8080", "example.com:443", "Example.COM", "a.example.com:8080/path",
	}
	oracleBodies = []string{
		"", "\trespond \"x\"", "\ttls internal", "\tlog", "\tbind 127.0.0.1", "\ttls {\n\t\ton_demand\n\t}",
		"\ttls a@b.example", "\ttls cert.pem key.pem", "\ttls {\n\t\tprotocols tls1.3\n\t}", "\ttls force_automate",
		"\thandle {\n\t\trespond \"h\"\n\t}", "\tlog {\n\t\thostnames a.example\n\t}",
	}
)

// FuzzAdaptVsCaddy runs both adapters on the same input: outputs must be
// the same JSON, or we must reject with an error where Caddy does.
func FuzzAdaptVsCaddy(f *testing.F) {
	for _, c := range oracleCases {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, input string) {
		if strings.Contains(input, "import") || strings.Contains(input, "{$") || strings.Contains(input, "{env.") {
			t.Skip("files and environment")
		}
		if diff := compareWithCaddy("Caddyfile", []byte(input)); diff != "" {
			t.Fatalf("%q: %s", input, diff)
		}
	})
}

// TestOracleMutations compares both adapters on deterministic line-level
// mutations (drop, duplicate, swap lines, swap in a word from elsewhere) of the corpus Caddyfiles and the
// oracle cases: a cheap differential test that needs no fuzzing build.
func TestOracleMutations(t *testing.T) {
	var bases []string
	for _, c := range loadCorpus(t) {
		if strings.HasPrefix(c.expected, "{") && !strings.Contains(c.caddyfile, "import") {
			bases = append(bases, c.caddyfile)
		}
	}
	bases = append(bases, oracleCases...)
	seed := uint64(time.Now().UnixNano()) | 1
	if s, err := strconv.ParseUint(os.Getenv("ZS_ORACLE_SEED"), 10, 64); err == nil && s != 0 {
		seed = s
	}
	t.Logf("mutation seed %d", seed)
	next := func(n int) int { // xorshift: reproducible from the logged seed
		seed ^= seed << 13
		seed ^= seed >> 7
		seed ^= seed << 17
		return int(seed % uint64(n))
	}
	failures := 0
	for i := 0; i < 3000 && failures < 10; i++ {
		lines := strings.Split(bases[next(len(bases))], "\n")
		a, b := next(len(lines)), next(len(lines))
		switch next(5) {
		case 0:
			lines = append(lines[:a], lines[a+1:]...)
		case 1:
			lines = append(lines[:a+1], lines[a:]...)
		case 2:
			lines[a], lines[b] = lines[b], lines[a]
		case 4: // a site block with random addresses is added
			var keys []string
			for k := next(3) + 1; k > 0; k-- {
				keys = append(keys, oracleAddresses[next(len(oracleAddresses))])
			}
			lines = append(lines, strings.Join(keys, ", ")+" {", oracleBodies[next(len(oracleBodies))], "}")
		case 3: // a word from another Caddyfile replaces one of this line
			words := strings.Fields(lines[a])
			other := strings.Fields(bases[next(len(bases))])
			if len(words) > 0 && len(other) > 0 {
				old := words[next(len(words))]
				lines[a] = strings.Replace(lines[a], old, other[next(len(other))], 1)
			}
		}
		input := strings.Join(lines, "\n")
		if diff := compareWithCaddy("Caddyfile", []byte(input)); diff != "" {
			t.Errorf("mutation %d %q: %s", i, input, diff)
			failures++
		}
	}
}
