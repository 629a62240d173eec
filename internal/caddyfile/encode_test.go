package caddyfile

import "testing"

func TestEncode(t *testing.T) {
	runDirectiveCases(t, []directiveCase{
		{
			name:    "defaults",
			snippet: "encode",
			route:   `{"handle":[{"handler":"encode","encodings":{"zstd":{},"gzip":{}},"prefer":["zstd","gzip"]}]}`,
		},
		{
			name:    "formats as arguments",
			snippet: "encode gzip",
			route:   `{"handle":[{"handler":"encode","encodings":{"gzip":{}},"prefer":["gzip"]}]}`,
		},
		{
			name: "block",
			snippet: `encode /api/* {
	gzip 5
	zstd {
		level best
		disable_checksum
	}
	minimum_length 256
	match {
		status 2xx
		header Content-Type text/*
	}
}`,
			route: `{"match":[{"path":["/api/*"]}],"handle":[{"handler":"encode",
				"encodings":{"gzip":{"level":5},"zstd":{"level":"best","checksum":false}},"prefer":["gzip","zstd"],
				"minimum_length":256,"match":{"status_code":[2],"headers":{"Content-Type":["text/*"]}}}]}`,
		},
		{
			name:    "zstd level argument",
			snippet: "encode {\n\tzstd Fastest\n}",
			route:   `{"handle":[{"handler":"encode","encodings":{"zstd":{"level":"Fastest"}},"prefer":["zstd"]}]}`,
		},
		{name: "brotli is not built in", snippet: "encode br", err: "'br'"},
		{name: "brotli block", snippet: "encode {\n\tbr 4\n}", err: "http.encoders.br"},
		{name: "bad zstd level", snippet: "encode {\n\tzstd turbo\n}", err: "unexpected compression level"},
		{name: "zstd level twice", snippet: "encode {\n\tzstd best {\n\t\tlevel fastest\n\t}\n}", err: "compression level already specified"},
		{name: "bad gzip level", snippet: "encode {\n\tgzip max\n}", err: "gzip level"},
		{name: "bad minimum_length", snippet: "encode {\n\tminimum_length big\n}", err: "minimum_length"},
		{name: "match twice", snippet: "encode {\n\tmatch status 200\n\tmatch status 201\n}", err: "matcher is defined more than once: match"},
	})
}
