package caddyfile

import (
	"strings"
	"testing"
)

// FuzzAdapt checks that no input makes Adapt panic (reported as a "BUG:"
// error by its recover) and that it returns JSON xor an error.
func FuzzAdapt(f *testing.F) {
	for _, seed := range []string{
		"example.com {\n\trespond \"hi\"\n}\n",
		"{\n\thttp_port 8080\n\tservers {\n\t\tprotocols h1\n\t}\n}\n:8080 {\n\tfile_server\n}\n",
		"a.example, b.example:8443 {\n\tbind 127.0.0.1\n\ttls internal\n}\n",
		":80 {\n\t@api path /api/*\n\thandle @api {\n\t\treverse_proxy localhost:9000\n\t}\n\thandle_errors {\n\t\trespond \"{err.status_code}\"\n\t}\n}\n",
		"&(r) {\n\trespond \"r\"\n}\nhttp://x {\n\tinvoke r\n\tlog {\n\t\toutput file /tmp/x.log\n\t}\n}\n",
		"*.example.com {\n\ttls {\n\t\tclient_auth {\n\t\t\tmode request\n\t\t}\n\t}\n\troute {\n\t\theader X 1\n\t}\n}\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, input string) {
		if strings.Contains(input, "import") {
			t.Skip("imports read files")
		}
		out, _, err := Adapt("Caddyfile", []byte(input))
		if err != nil && strings.Contains(err.Error(), "BUG:") {
			t.Fatalf("panic on %q: %v", input, err)
		}
		if (err == nil) == (out == nil) {
			t.Fatalf("output %q with error %v", out, err)
		}
	})
}
