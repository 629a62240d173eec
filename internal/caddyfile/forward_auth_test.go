package caddyfile

import "testing"

func TestForwardAuth(t *testing.T) {
	runDirectiveCases(t, []directiveCase{
		{
			name: "matcher, block copy_headers and reverse_proxy options",
			snippet: `forward_auth /app/* auth:9000 {
	uri /verify
	copy_headers {
		X-User>Remote-User
	}
	header_up X-Extra 1
	handle_response {
		respond 401
	}
}`,
			route: `{"match":[{"path":["/app/*"]}],"handle":[{"handler":"reverse_proxy","upstreams":[{"dial":"auth:9000"}],
				"rewrite":{"method":"GET","uri":"/verify"},
				"headers":{"request":{"set":{"X-Forwarded-Method":["{http.request.method}"],"X-Forwarded-Uri":["{http.request.uri}"],"X-Extra":["1"]}}},
				"handle_response":[
					{"match":{"status_code":[2]},"routes":[
						{"handle":[{"handler":"vars"}]},
						{"handle":[{"handler":"headers","request":{"delete":["Remote-User"]}}]},
						{"match":[{"not":[{"vars":{"{http.reverse_proxy.header.X-User}":[""]}}]}],
						 "handle":[{"handler":"headers","request":{"set":{"Remote-User":["{http.reverse_proxy.header.X-User}"]}}}]}]},
					{"routes":[{"handle":[{"handler":"static_response","status_code":401}]}]}]}]}`,
		},
		{name: "uri required", snippet: "forward_auth auth:9000 {\n\tcopy_headers X-User\n}", err: "the 'uri' subdirective is required"},
		{name: "uri twice", snippet: "forward_auth auth:9000 {\n\turi /a\n\turi /b\n}", err: "cannot re-declare uri"},
		{name: "empty copy_headers", snippet: "forward_auth auth:9000 {\n\turi /a\n\tcopy_headers\n}", err: "expecting argument"},
		{name: "double rename", snippet: "forward_auth auth:9000 {\n\turi /a\n\tcopy_headers A>B>C\n}", err: "invalid header rename"},
		{name: "unknown subdirective", snippet: "forward_auth auth:9000 {\n\turi /a\n\tbogus\n}", err: "unrecognized subdirective bogus"},
	})
}
