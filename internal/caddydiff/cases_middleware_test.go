//go:build caddyoracle

package caddydiff

import "strings"

// Cases for the middleware handlers: encode, basic_auth
// (authentication), request_body.
func init() {
	big := strings.Repeat("compress this text please, ", 40)
	const (
		bcryptHash   = "$2a$04$uTkvRR8NNbPS2n0Y88CjhumBYegopU0qHdMzCFm4uJRUPyBetKcca" // "hunter2", cost 4
		bcryptBase64 = "JDJhJDA0JHVUa3ZSUjhOTmJQUzJuMFk4OENqaHVtQlllZ29wVTBxSGRNekNGbTR1SlJVUHlCZXRLY2Nh"
		argon2idHash = "$argon2id$v=19$m=47104,t=1,p=1$emVyb3NlcnZlLXNhbHQhIQ$wz/9wD6kcxfHgz915Ok+7npomiQLfjzpaxlSptEHYUI" // "hunter2"
		annOK        = "Authorization: Basic YW5uOmh1bnRlcjI="                                                               // ann:hunter2
		annBad       = "Authorization: Basic YW5uOmh1bnRlcjM="                                                               // ann:hunter3
		eve          = "Authorization: Basic ZXZlOmh1bnRlcjI="                                                               // eve:hunter2
	)
	addCases(
		Case{
			Name: "encode negotiation",
			Caddyfile: `:{PORT} {
	encode gzip zstd
	respond "` + big + `"
}`,
			Requests: []Request{
				Get("/", "Accept-Encoding: gzip"),
				Get("/", "Accept-Encoding: zstd"),
				Get("/", "Accept-Encoding: gzip, zstd"),
				Get("/", "Accept-Encoding: zstd;q=0.5, gzip;q=0.8"),
				Get("/", "Accept-Encoding: gzip;q=0, zstd;q=0"),
				Get("/", "Accept-Encoding: br, identity"),
				Get("/", "Accept-Encoding: *"),
				Get("/"),
				{Method: "HEAD", Target: "/", Header: []string{"Accept-Encoding: gzip"}},
			},
			Epoll: true,
		},
		Case{
			Name: "encode default prefer",
			Caddyfile: `:{PORT} {
	encode
	respond "` + big + `"
}`,
			Requests: []Request{Get("/", "Accept-Encoding: gzip, zstd"), Get("/", "Accept-Encoding: gzip")},
		},
		Case{
			Name: "encode levels",
			Caddyfile: `:{PORT} {
	encode {
		gzip 9
		zstd better
	}
	respond "` + big + `"
}`,
			Requests: []Request{Get("/", "Accept-Encoding: zstd, gzip"), Get("/", "Accept-Encoding: zstd")},
		},
		Case{
			Name: "encode minimum_length",
			Caddyfile: `:{PORT} {
	encode gzip {
		minimum_length 100
	}
	respond /99 "` + strings.Repeat("a", 99) + `"
	respond /100 "` + strings.Repeat("a", 100) + `"
	respond /101 "` + strings.Repeat("a", 101) + `"
	respond /empty 200
}`,
			Requests: []Request{Get("/99", "Accept-Encoding: gzip"), Get("/100", "Accept-Encoding: gzip"),
				Get("/101", "Accept-Encoding: gzip"), Get("/empty", "Accept-Encoding: gzip")},
		},
		Case{
			Name: "encode default match",
			Caddyfile: `:{PORT} {
	encode gzip
	header /png Content-Type image/png
	header /json Content-Type application/json
	header /svg Content-Type image/svg+xml
	header /html Content-Type "text/html; charset=utf-8"
	header /octet Content-Type application/octet-stream
	respond "` + big + `"
}`,
			Requests: []Request{Get("/png", "Accept-Encoding: gzip"), Get("/json", "Accept-Encoding: gzip"),
				Get("/svg", "Accept-Encoding: gzip"), Get("/html", "Accept-Encoding: gzip"), Get("/octet", "Accept-Encoding: gzip")},
		},
		Case{
			Name: "encode match",
			Caddyfile: `:{PORT} {
	encode gzip {
		match {
			status 2xx
			header Content-Type text/plain*
		}
	}
	respond /ok "` + big + `"
	respond /teapot "` + big + `" 418
}`,
			Requests: []Request{Get("/ok", "Accept-Encoding: gzip"), Get("/teapot", "Accept-Encoding: gzip")},
		},
		Case{
			Name: "encode response headers",
			Caddyfile: `:{PORT} {
	encode gzip
	header /etag ETag "\"abc\""
	header /weak ETag "W/\"abc\""
	header /ranges Accept-Ranges bytes
	header /vary Vary Accept-Encoding
	header /vary2 Vary Origin
	header /notransform Cache-Control "public, no-transform"
	header /already Content-Encoding br
	respond "` + big + `"
}`,
			Requests: []Request{Get("/etag", "Accept-Encoding: gzip"), Get("/weak", "Accept-Encoding: gzip"),
				Get("/ranges", "Accept-Encoding: gzip"), Get("/vary", "Accept-Encoding: gzip"), Get("/vary2", "Accept-Encoding: gzip"),
				Get("/notransform", "Accept-Encoding: gzip"), Get("/already", "Accept-Encoding: gzip")},
		},
		Case{
			Name: "encode status without body",
			Caddyfile: `:{PORT} {
	encode gzip
	respond /304 304
	respond /204 204
}`,
			Requests: []Request{Get("/304", "Accept-Encoding: gzip"), Get("/204", "Accept-Encoding: gzip")},
		},
		Case{
			Name: "encode and error routes",
			Caddyfile: `:{PORT} {
	encode gzip
	error /boom "` + big + `" 500
	respond "` + big + `"
	handle_errors {
		respond "{err.message}"
	}
}`,
			Requests: []Request{Get("/boom", "Accept-Encoding: gzip"), Get("/", "Accept-Encoding: gzip")},
		},
		Case{
			Name: "encode proxied",
			Caddyfile: `:{PORT} {
	encode gzip
	reverse_proxy {UPSTREAM}
}`,
			Requests: []Request{Get("/"+strings.Repeat("x", 600), "Accept-Encoding: gzip"), Get("/short", "Accept-Encoding: gzip")},
		},
		Case{
			Name: "basic_auth bcrypt",
			Caddyfile: `:{PORT} {
	basic_auth /private/* {
		ann ` + bcryptHash + `
		bob ` + bcryptBase64 + `
	}
	respond "user={http.auth.user.id}"
}`,
			Requests: []Request{Get("/private/x"), Get("/private/x", annOK), Get("/private/x", annBad), Get("/private/x", eve),
				Get("/private/x", "Authorization: Basic Ym9iOmh1bnRlcjI="), Get("/private/x", "Authorization: Bearer abc"),
				Get("/private/x", "Authorization: basic YW5uOmh1bnRlcjI="), Get("/private/x", "Authorization: Basic !!!"),
				Get("/public", annOK)},
			Epoll: true,
		},
		Case{
			Name: "basic_auth argon2id and realm",
			Caddyfile: `:{PORT} {
	basic_auth argon2id "Staff Only" {
		ann ` + argon2idHash + `
	}
	respond "user={http.auth.user.id}"
}`,
			Requests: []Request{Get("/"), Get("/", annOK), Get("/", annBad)},
		},
		Case{
			Name: "basic_auth error routes and cache",
			Caddyfile: `{
	servers {
	}
}
:{PORT} {
	route {
		basic_auth {
			ann ` + bcryptHash + `
		}
		respond "in {http.auth.user.id}"
	}
	handle_errors {
		respond "denied {err.status_code}"
	}
}`,
			Requests: []Request{Get("/"), Get("/", annOK), Get("/", annOK), Get("/", annBad)},
		},
		Case{
			Name: "request_body max_size",
			Caddyfile: `:{PORT} {
	request_body /limited* {
		max_size 10
	}
	respond "ok"
}`,
			Requests: []Request{
				{Method: "POST", Target: "/limited", Body: "0123456789"},
				{Method: "POST", Target: "/limited", Body: "0123456789A"},
				{Method: "POST", Target: "/other", Body: "0123456789A"},
				{Method: "GET", Target: "/limited"},
			},
			Epoll: true,
		},
		Case{
			Name: "request_body max_size error routes",
			Caddyfile: `:{PORT} {
	request_body {
		max_size 1KB
	}
	respond "ok"
	handle_errors {
		respond "too big: {err.status_code}"
	}
}`,
			Requests: []Request{
				{Method: "POST", Target: "/", Body: strings.Repeat("x", 1000)},
				{Method: "POST", Target: "/", Body: strings.Repeat("x", 1001)},
			},
		},
		Case{
			Name: "request_body proxied",
			Caddyfile: `:{PORT} {
	request_body {
		max_size 16
	}
	reverse_proxy {UPSTREAM}
}`,
			Requests: []Request{
				{Method: "POST", Target: "/", Body: "small"},
				{Method: "POST", Target: "/", Body: strings.Repeat("x", 17)},
			},
		},
	)
}
