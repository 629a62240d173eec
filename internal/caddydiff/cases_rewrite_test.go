//go:build caddyoracle

package caddydiff

// Rewrite edge cases: placeholders that bring '?' or '#' into the path,
// escapes against strip prefixes and suffixes, regexps on escaped paths,
// substrings that reach the query.
func init() {
	addCases(
		Case{
			Name: "rewrite placeholders with delimiters",
			Caddyfile: `:{PORT} {
	route {
		rewrite /inject /x{header.X-Target}
		rewrite /keepq /y{header.X-Target}?fixed=1
		rewrite /frag /z#frag
		rewrite /pathph /p{path}/end
		rewrite /braces /b{header.X-Target}
		respond "path={path} query={query} uri={uri}"
	}
}`,
			Requests: []Request{Get("/inject", "X-Target: /t?a=1&b=2"), Get("/inject", "X-Target: /t?"), Get("/keepq", "X-Target: /t?dropped=1"),
				Get("/frag"), Get("/pathph"), Get("/braces", "X-Target: /{path}?q={query}"), Get("/inject", "X-Target: /sp ace%20")},
		},
		Case{
			Name: "strip with escapes",
			Caddyfile: `:{PORT} {
	route {
		uri /a* strip_prefix /a%20b
		uri /d* strip_suffix %2Ehtml
		uri /e* strip_suffix .HTML
		respond "path={path} uri={uri}"
	}
}`,
			Requests: []Request{Get("/a%20b/rest"), Get("/d/page.html"), Get("/d/page%2Ehtml"),
				Get("/e/page.html"), Get("/e/page.htm")},
		},
		Case{
			Name: "path_regexp and substring edges",
			Caddyfile: `:{PORT} {
	route {
		uri /r* path_regexp (\d+) <$1>
		uri /s* replace a A
		uri /t* replace / _ 2
		uri /u* path_regexp ^/u/(.*)\.php$ /index.php?route=$1
		respond "path={path} query={query} uri={uri}"
	}
}`,
			Requests: []Request{Get("/r/12/34"), Get("/s/banana?alpha=a"), Get("/t/a/b/c"), Get("/u/blog/post.php"), Get("/r%2012")},
		},
		Case{
			Name: "query operations edges",
			Caddyfile: `:{PORT} {
	route {
		uri /a* query {
			>renamed
			-{query.drop}
			+k {path}
		}
		uri /b* query {
			k old new
			* x y
		}
		uri /c* query set "" ignored
		respond "query={query}"
	}
}`,
			Requests: []Request{Get("/a?x=1&drop=x"), Get("/b?k=oldold&z=xx&k=1"), Get("/c?b=2&a=1"), Get("/a"), Get("/b?%zz=1")},
		},
	)
}
