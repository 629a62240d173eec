//go:build caddyoracle

package caddydiff

// Cases for file_server: index files, canonical URIs, MIME types, ranges,
// conditional requests, hide, precompressed sidecars, pass_thru, status,
// error pages.
func init() {
	site := map[string]string{
		"index.html":           "<h1>home</h1>",
		"a.txt":                "0123456789abcdef",
		"empty.txt":            "",
		"img.png":              "\x89PNG not really",
		"style.css":            "body{}",
		"data.unknownext":      "???",
		"sub/index.html":       "sub index",
		"sub/page.html":        "sub page",
		"noindex/file.txt":     "in a directory without an index",
		"secret.txt":           "hidden",
		"sub/secret.txt":       "hidden too",
		"old.bak":              "backup",
		"txtindex/index.txt":   "text index",
		"custom/default.htm":   "custom index",
		"errors/404.html":      "custom not found page",
		"pre/app.js":           "console.log(1)",
		"pre/app.js.gz":        "gzip bytes",
		"pre/app.js.br":        "brotli bytes",
		"pre/only.css":         "plain only",
		"pre/only.css.gz":      "gzipped only",
		"dir with space/f.txt": "spaced",
	}
	addCases(
		Case{
			Name: "file_server basics",
			Caddyfile: `:{PORT} {
	root * {ROOT}
	file_server
}`,
			Files: site,
			Requests: []Request{
				Get("/"), Get("/index.html"), Get("/a.txt"), Get("/a.txt/"), Get("/sub"), Get("/sub/"),
				Get("/sub?x=1"), Get("/sub/page.html"), Get("/sub/page.html/?q=2"), Get("/missing"),
				Get("/noindex/"), Get("/noindex"), Get("/txtindex/"), Get("/img.png"), Get("/style.css"),
				Get("/data.unknownext"), Get("/empty.txt"), Get("/dir%20with%20space/f.txt"), Get("/dir%20with%20space"),
				Get("/sub/../a.txt"), Get("/A.TXT"),
				{Method: "HEAD", Target: "/a.txt"}, {Method: "HEAD", Target: "/sub"},
				{Method: "POST", Target: "/a.txt", Body: "x"}, {Method: "DELETE", Target: "/missing"},
			},
			Epoll: true,
		},
		Case{
			Name: "file_server ranges",
			Caddyfile: `:{PORT} {
	root * {ROOT}
	file_server
}`,
			Files: site,
			Requests: []Request{
				Get("/a.txt", "Range: bytes=0-3"), Get("/a.txt", "Range: bytes=-4"), Get("/a.txt", "Range: bytes=10-"),
				Get("/a.txt", "Range: bytes=5-100"), Get("/a.txt", "Range: bytes=100-"), Get("/a.txt", "Range: bytes=5-2"),
				Get("/a.txt", "Range: lines=1-2"), Get("/a.txt", "Range: bytes=0-9,4-15"), Get("/empty.txt", "Range: bytes=0-5"),
				Get("/a.txt", "Range: bytes=0-3", "If-Range: \"not-the-etag\""),
				Get("/a.txt", "Range: bytes=0-3", "If-Range: Mon, 02 Jan 2006 15:04:05 GMT"),
				{Method: "HEAD", Target: "/a.txt", Header: []string{"Range: bytes=0-3"}},
			},
			Epoll: true,
		},
		Case{
			Name: "file_server conditional requests",
			Caddyfile: `:{PORT} {
	root * {ROOT}
	file_server
}`,
			Files: site,
			Requests: []Request{
				Get("/a.txt", "If-None-Match: *"), Get("/a.txt", "If-None-Match: \"other\""),
				Get("/a.txt", "If-Modified-Since: Fri, 01 Jan 2100 00:00:00 GMT"),
				Get("/a.txt", "If-Modified-Since: Mon, 02 Jan 2006 15:04:05 GMT"),
				Get("/a.txt", "If-Modified-Since: not a date"),
				Get("/a.txt", "If-Match: \"other\""), Get("/a.txt", "If-Match: *"),
				Get("/a.txt", "If-Unmodified-Since: Mon, 02 Jan 2006 15:04:05 GMT"),
				Get("/a.txt", "If-Unmodified-Since: Fri, 01 Jan 2100 00:00:00 GMT"),
				Get("/a.txt", "If-None-Match: \"other\"", "If-Modified-Since: Fri, 01 Jan 2100 00:00:00 GMT"),
				{Method: "HEAD", Target: "/a.txt", Header: []string{"If-None-Match: *"}},
			},
		},
		Case{
			Name: "file_server hide and index names",
			Caddyfile: `:{PORT} {
	root * {ROOT}
	file_server {
		hide secret.txt *.bak
		index default.htm index.html
	}
}`,
			Files: site,
			Requests: []Request{
				Get("/secret.txt"), Get("/sub/secret.txt"), Get("/old.bak"), Get("/a.txt"),
				Get("/custom/"), Get("/custom"), Get("/"), Get("/txtindex/"),
			},
		},
		Case{
			Name: "file_server precompressed",
			Caddyfile: `:{PORT} {
	root * {ROOT}
	file_server {
		precompressed br gzip
	}
}`,
			Files: site,
			Requests: []Request{
				Get("/pre/app.js"), Get("/pre/app.js", "Accept-Encoding: gzip"), Get("/pre/app.js", "Accept-Encoding: gzip, br"),
				Get("/pre/app.js", "Accept-Encoding: br;q=0.5, gzip"), Get("/pre/app.js", "Accept-Encoding: gzip;q=0, br;q=0"),
				Get("/pre/only.css", "Accept-Encoding: br, gzip"), Get("/pre/app.js", "Accept-Encoding: zstd"),
				Get("/pre/app.js", "Accept-Encoding: gzip", "Range: bytes=0-3"),
				{Method: "HEAD", Target: "/pre/app.js", Header: []string{"Accept-Encoding: br"}},
			},
			Epoll: true,
		},
		Case{
			Name: "file_server pass_thru status and canonical URIs off",
			Caddyfile: `:{PORT} {
	root * {ROOT}
	route /pt/* {
		uri strip_prefix /pt
		file_server {
			pass_thru
		}
		respond "fell through {path}" 299
	}
	route /st/* {
		uri strip_prefix /st
		file_server {
			status 203
			disable_canonical_uris
		}
	}
}`,
			Files: site,
			Requests: []Request{
				Get("/pt/a.txt"), Get("/pt/missing"), Get("/st/a.txt"), Get("/st/sub"), Get("/st/a.txt/"),
				Get("/st/missing"), Get("/st/a.txt", "If-None-Match: *"),
			},
		},
		Case{
			Name: "file_server error pages",
			Caddyfile: `:{PORT} {
	root * {ROOT}
	file_server
	handle_errors {
		rewrite * /errors/{err.status_code}.html
		file_server
	}
}`,
			Files:    site,
			Requests: []Request{Get("/a.txt"), Get("/missing"), {Method: "POST", Target: "/a.txt", Body: "x"}},
		},
		Case{
			Name: "file_server browse",
			Caddyfile: `:{PORT} {
	root * {ROOT}
	file_server browse
}`,
			Files:    site,
			Requests: []Request{Get("/noindex/", "Accept: application/json")},
		},
	)
}
