package caddyfile

import (
	"encoding/json"
	"testing"
)

// FuzzProxyDirectives adapts site blocks built around the directives of
// reverse_proxy.go, forward_auth.go, file_server.go, encode.go and
// basic_auth.go. Property: Adapt never panics, and returns either valid
// JSON or an error, never both and never neither.
func FuzzProxyDirectives(f *testing.F) {
	seeds := []string{
		"reverse_proxy a:1 b:2-3 unix//s.sock",
		"reverse_proxy https://a {\n\ttransport http {\n\t\ttls_insecure_skip_verify\n\t\tkeepalive off\n\t\tread_buffer 4KiB\n\t}\n}",
		"reverse_proxy h2c://a {\n\tlb_policy cookie n s {\n\t\tfallback header X {\n\t\t\tfallback random_choose 2\n\t\t}\n\t\tmax_age 1d\n\t}\n}",
		"reverse_proxy a {\n\t@e status 5xx\n\t@h header X-A *\n\treplace_status @e 503\n\thandle_response @h {\n\t\tcopy_response 404\n\t\tcopy_response_headers {\n\t\t\tinclude A\n\t\t}\n\t}\n}",
		"reverse_proxy a {\n\tlb_retry_match expression `{rp.status_code} == 502`\n\tlb_retry_match {\n\t\tmethod POST\n\t}\n\thealth_headers {\n\t\tX a b\n\t}\n}",
		"reverse_proxy a {\n\theader_up +X {host}\n\theader_down X ^a b\n\trequest_buffers unlimited\n\tflush_interval -1\n}",
		"forward_auth /p* auth:1 {\n\turi /v\n\tcopy_headers A>B C {\n\t\tD\n\t}\n}",
		"file_server browse {\n\thide .git\n\tprecompressed\n\tbrowse t {\n\t\tsort size\n\t}\n}",
		"file_server /s* {\n\troot /srv\n\tindex i.html\n\tstatus 404\n\tpass_thru\n}",
		"encode {\n\tgzip 5\n\tzstd best {\n\t\tdisable_checksum\n\t}\n\tmatch {\n\t\tstatus 2xx\n\t\theader Content-Type text/*\n\t}\n}",
		"basic_auth /a* argon2id realm {\n\tu h\n}",
		"basicauth {\n\tu h\n}",
	}
	for _, s := range seeds {
		f.Add(":80\n\n" + s + "\n")
	}
	f.Fuzz(func(t *testing.T, input string) {
		out, _, err := Adapt("Caddyfile", []byte(input))
		if (err == nil) == (out == nil) {
			t.Fatalf("Adapt(%q): output %q and error %v: want exactly one", input, out, err)
		}
		if err == nil && !json.Valid(out) {
			t.Fatalf("Adapt(%q): invalid JSON %q", input, out)
		}
	})
}
