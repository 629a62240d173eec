package caddyfile

import "testing"

func TestFileServer(t *testing.T) {
	runDirectiveCases(t, []directiveCase{
		{
			name:    "browse shorthand",
			snippet: "file_server browse",
			route:   `{"handle":[{"handler":"file_server","browse":{},"hide":["./Caddyfile"]}]}`,
		},
		{
			name: "all options",
			snippet: `file_server /static/* {
	root /srv
	hide .git *.bak
	index index.html index.txt
	browse tpl.html {
		reveal_symlinks
		sort size desc
		file_limit 100
		plain_time_format "2006-01-02 15:04"
	}
	precompressed gzip br
	status 404
	disable_canonical_uris
	pass_thru
	etag_file_extensions .txt .json
}`,
			route: `{"match":[{"path":["/static/*"]}],"handle":[{"handler":"file_server","root":"/srv",
				"hide":[".git","*.bak","./Caddyfile"],"index_names":["index.html","index.txt"],
				"browse":{"template_file":"tpl.html","reveal_symlinks":true,"sort":["size","desc"],"file_limit":100,"plain_time_format":"2006-01-02 15:04"},
				"precompressed":{"gzip":{},"br":{}},"precompressed_order":["gzip","br"],
				"status_code":404,"canonical_uris":false,"pass_thru":true,"etag_file_extensions":[".txt",".json"]}]}`,
		},
		{
			name:    "caddyfile already hidden",
			snippet: "file_server {\n\thide Caddyfile\n}",
			route:   `{"handle":[{"handler":"file_server","hide":["Caddyfile"]}]}`,
		},
		{
			name:    "placeholder status",
			snippet: "file_server {\n\tstatus {http.error.status_code}\n}",
			route:   `{"handle":[{"handler":"file_server","hide":["./Caddyfile"],"status_code":"{http.error.status_code}"}]}`,
		},
		{name: "fs is rejected", snippet: "file_server {\n\tfs s3\n}", err: `unsupported file_server subdirective "fs"`},
		{name: "unknown precompressed", snippet: "file_server {\n\tprecompressed lzma\n}", err: "http.precompressed.lzma"},
		{name: "bad argument", snippet: "file_server listing", err: "wrong argument count"},
		{name: "browse twice", snippet: "file_server browse {\n\tbrowse\n}", err: "browsing is already configured"},
		{name: "bad sort", snippet: "file_server {\n\tbrowse {\n\t\tsort random\n\t}\n}", err: "unknown sort option 'random'"},
		{name: "unknown subdirective", snippet: "file_server {\n\tlisting\n}", err: "unknown subdirective 'listing'"},
	})
}

func TestFileHidden(t *testing.T) {
	for _, tc := range []struct {
		file string
		hide []string
		want bool
	}{
		{"Caddyfile", nil, false},
		{"Caddyfile", []string{"Caddyfile"}, true},
		{"Caddyfile", []string{"Caddy*"}, true},
		{"conf/Caddyfile", []string{"conf"}, true},
		{"/etc/caddy/Caddyfile", []string{"/etc/caddy"}, true},
		{"/etc/caddyx/Caddyfile", []string{"/etc/caddy"}, false},
		{"/etc/caddy/Caddyfile", []string{"/etc/*/Caddyfile"}, true},
		{"Caddyfile", []string{".git"}, false},
	} {
		if got := fileHidden(tc.file, tc.hide); got != tc.want {
			t.Errorf("fileHidden(%q, %q) = %v, want %v", tc.file, tc.hide, got, tc.want)
		}
	}
}
