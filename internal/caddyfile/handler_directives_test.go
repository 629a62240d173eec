package caddyfile

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
)

// runHandlerDirective parses input, some named matcher definitions followed
// by one directive, and runs the directive's registered parser the way the
// core does (a dispenser holding only the directive's segment). It returns
// the routes the directive produced.
func runHandlerDirective(t *testing.T, input string) ([]Route, error) {
	t.Helper()
	tokens, err := caddyfile.Tokenize([]byte(input), "Testfile")
	if err != nil {
		t.Fatalf("tokenize %q: %v", input, err)
	}
	d := caddyfile.NewDispenser(tokens)
	var segments []caddyfile.Segment
	for d.Next() {
		segments = append(segments, d.NextSegment())
	}
	if len(segments) == 0 {
		t.Fatalf("%q: no directive", input)
	}
	defs := map[string]Obj{}
	for _, seg := range segments[:len(segments)-1] {
		md := caddyfile.NewDispenser(seg)
		md.Next()
		set, err := parseMatcherSet(md, strings.TrimPrefix(seg.Directive(), "@"))
		if err != nil {
			t.Fatalf("%q: matcher definition: %v", input, err)
		}
		defs[seg.Directive()] = set
	}
	seg := segments[len(segments)-1]
	fn, ok := registeredDirectives[seg.Directive()]
	if !ok {
		t.Fatalf("directive %q not registered", seg.Directive())
	}
	h := Helper{
		Dispenser:    caddyfile.NewDispenser(seg),
		State:        map[string]any{},
		BlockState:   map[string]any{},
		matcherDefs:  defs,
		warnings:     &[]Warning{},
		groupCounter: new(int),
	}
	vals, err := fn(h)
	if err != nil {
		return nil, err
	}
	var routes []Route
	for _, v := range vals {
		r, ok := v.Value.(Route)
		if v.Class != "route" || !ok {
			t.Fatalf("%q: config value of class %q (%T), want routes", input, v.Class, v.Value)
		}
		routes = append(routes, r)
	}
	return routes, nil
}

// The expected routes are Caddy's: from the adapter corpus
// (caddytest/integration/caddyfile_adapt: rewrite_directive_permutations,
// root_directive_permutations, uri_query_operations, uri_replace_brace_escape,
// method_directive, request_body, request_header, map_and_vars_with_raw_types,
// header, matcher_syntax, php_fastcgi_*) or worked out from the directive's
// parser in Caddy.
var handlerDirectiveCases = []struct {
	name, in, want string
}{
	// respond
	{"respond body", `respond "get"`, `[{"handle":[{"handler":"static_response","body":"get"}]}]`},
	{"respond status", `respond 403`, `[{"handle":[{"handler":"static_response","status_code":403}]}]`},
	{"respond body status", `respond "nope" 404`, `[{"handle":[{"handler":"static_response","body":"nope","status_code":404}]}]`},
	{"respond 4 digits is body", `respond 4040`, `[{"handle":[{"handler":"static_response","body":"4040"}]}]`},
	{"respond placeholder status", `respond "x" {http.vars.code}`, `[{"handle":[{"handler":"static_response","body":"x","status_code":"{http.vars.code}"}]}]`},
	{"respond block", "respond 200 {\n\tbody \"hi\"\n\tclose\n}", `[{"handle":[{"handler":"static_response","status_code":200,"body":"hi","close":true}]}]`},
	{"respond matcher", "@matcher {\n\tmethod GET\n}\nrespond @matcher \"get\"", `[{"match":[{"method":["GET"]}],"handle":[{"handler":"static_response","body":"get"}]}]`},
	{"respond path matcher", `respond /x 204`, `[{"match":[{"path":["/x"]}],"handle":[{"handler":"static_response","status_code":204}]}]`},
	// redir
	{"redir path is a matcher", `redir /old /new`, `[{"match":[{"path":["/old"]}],"handle":[{"handler":"static_response","status_code":302,"headers":{"Location":["/new"]}}]}]`},
	{"redir default", `redir * /new`, `[{"handle":[{"handler":"static_response","status_code":302,"headers":{"Location":["/new"]}}]}]`},
	{"redir permanent", `redir * https://x{uri} permanent`, `[{"handle":[{"handler":"static_response","status_code":301,"headers":{"Location":["https://x{uri}"]}}]}]`},
	{"redir 308", "@m path /a\nredir @m ./a/ 308", `[{"match":[{"path":["/a"]}],"handle":[{"handler":"static_response","status_code":308,"headers":{"Location":["./a/"]}}]}]`},
	{"redir 401", `redir * /login 401`, `[{"handle":[{"handler":"static_response","status_code":401,"headers":{"Location":["/login"]}}]}]`},
	{"redir placeholder", `redir * /x {vars.code}`, `[{"handle":[{"handler":"static_response","status_code":"{vars.code}","headers":{"Location":["/x"]}}]}]`},
	{"redir html", `redir * "/a&b" html`, `[{"handle":[{"handler":"static_response","status_code":200,"headers":{"Content-Type":["text/html; charset=utf-8"]},` +
		`"body":"<!DOCTYPE html>\n<html>\n\t<head>\n\t\t<title>Redirecting...</title>\n\t\t<script>window.location.replace(\"/a&amp;b\");</script>\n\t\t<meta http-equiv=\"refresh\" content=\"0; URL='/a&amp;b'\">\n\t</head>\n\t<body>Redirecting to <a href=\"/a&amp;b\">/a&amp;b</a>...</body>\n</html>\n"}]}]`},
	// abort, error
	{"abort", `abort`, `[{"handle":[{"handler":"static_response","abort":true}]}]`},
	{"abort matcher", "@a expression `{http.error.status_code} == 400`\nabort @a", `[{"match":[{"expression":{"expr":"{http.error.status_code} == 400","name":"a"}}],"handle":[{"handler":"static_response","abort":true}]}]`},
	{"error status", `error 404`, `[{"handle":[{"handler":"error","status_code":404}]}]`},
	{"error message status", `error "Bad" 400`, `[{"handle":[{"handler":"error","error":"Bad","status_code":400}]}]`},
	{"error message block", "error 500 {\n\tmessage \"boom\"\n}", `[{"handle":[{"handler":"error","error":"boom","status_code":500}]}]`},
	// vars
	{"vars line", `vars foo bar`, `[{"handle":[{"handler":"vars","foo":"bar"}]}]`},
	{"vars block raw types", "vars {\n\tabc true\n\tdef 1\n\tghi 2.3\n\tjkl \"mn op\"\n\tq \"1\"\n}",
		`[{"handle":[{"handler":"vars","abc":true,"def":1,"ghi":2.3,"jkl":"mn op","q":"1"}]}]`},
	{"vars empty", `vars`, `[{"handle":[{"handler":"vars"}]}]`},
	// method
	{"method", `method FOO`, `[{"handle":[{"handler":"rewrite","method":"FOO"}]}]`},
	// root
	{"root wildcard", `root * /a`, `[{"handle":[{"handler":"vars","root":"/a"}]}]`},
	{"root path matcher", `root /path /b`, `[{"match":[{"path":["/path"]}],"handle":[{"handler":"vars","root":"/b"}]}]`},
	{"root named", "@named method GET\nroot @named /c", `[{"match":[{"method":["GET"]}],"handle":[{"handler":"vars","root":"/c"}]}]`},
	{"root single", `root /d`, `[{"handle":[{"handler":"vars","root":"/d"}]}]`},
	// rewrite
	{"rewrite wildcard", `rewrite * /a`, `[{"handle":[{"handler":"rewrite","uri":"/a"}]}]`},
	{"rewrite path", `rewrite /path /b`, `[{"match":[{"path":["/path"]}],"handle":[{"handler":"rewrite","uri":"/b"}]}]`},
	{"rewrite named", "@named method GET\nrewrite @named /c", `[{"match":[{"method":["GET"]}],"handle":[{"handler":"rewrite","uri":"/c"}]}]`},
	{"rewrite single", `rewrite /d`, `[{"handle":[{"handler":"rewrite","uri":"/d"}]}]`},
	// uri
	{"uri query add", `uri query +foo bar`, `[{"handle":[{"handler":"rewrite","query":{"add":[{"key":"foo","val":"bar"}]}}]}]`},
	{"uri query delete", `uri query -baz`, `[{"handle":[{"handler":"rewrite","query":{"delete":["baz"]}}]}]`},
	{"uri query set", `uri query taz test`, `[{"handle":[{"handler":"rewrite","query":{"set":[{"key":"taz","val":"test"}]}}]}]`},
	{"uri query set eq", `uri query key=value example`, `[{"handle":[{"handler":"rewrite","query":{"set":[{"key":"key=value","val":"example"}]}}]}]`},
	{"uri query rename", `uri query changethis>changed`, `[{"handle":[{"handler":"rewrite","query":{"rename":[{"key":"changethis","val":"changed"}]}}]}]`},
	{"uri query block", "uri query {\n\tfindme value replacement\n\t+foo1 baz\n}",
		`[{"handle":[{"handler":"rewrite","query":{"add":[{"key":"foo1","val":"baz"}],"replace":[{"key":"findme","replace":"replacement","search_regexp":"value"}]}}]}]`},
	{"uri replace", `uri replace "\}" %7D`, `[{"handle":[{"handler":"rewrite","uri_substring":[{"find":"\\}","replace":"%7D"}]}]}]`},
	{"uri replace limit", `uri replace a b 2`, `[{"handle":[{"handler":"rewrite","uri_substring":[{"find":"a","replace":"b","limit":2}]}]}]`},
	{"uri strip_prefix", `uri strip_prefix /api`, `[{"handle":[{"handler":"rewrite","strip_path_prefix":"/api"}]}]`},
	{"uri strip_suffix", `uri /x strip_suffix .html`, `[{"match":[{"path":["/x"]}],"handle":[{"handler":"rewrite","strip_path_suffix":".html"}]}]`},
	{"uri path_regexp", `uri path_regexp /{2,} /`, `[{"handle":[{"handler":"rewrite","path_regexp":[{"find":"/{2,}","replace":"/"}]}]}]`},
	// request_header
	{"request_header set", "@matcher path /something*\nrequest_header @matcher Denis \"Ritchie\"",
		`[{"match":[{"path":["/something*"]}],"handle":[{"handler":"headers","request":{"set":{"Denis":["Ritchie"]}}}]}]`},
	{"request_header add", `request_header +Edsger "Dijkstra"`, `[{"handle":[{"handler":"headers","request":{"add":{"Edsger":["Dijkstra"]}}}]}]`},
	{"request_header delete", `request_header -Wolfram`, `[{"handle":[{"handler":"headers","request":{"delete":["Wolfram"]}}]}]`},
	{"request_header replace", `request_header Host: ^www\. ""`, `[{"handle":[{"handler":"headers","request":{"replace":{"Host":[{"search_regexp":"^www\\."}]}}}]}]`},
	// header (corpus: header.caddyfiletest)
	{"header set", `header Denis "Ritchie"`, `[{"handle":[{"handler":"headers","response":{"set":{"Denis":["Ritchie"]}}}]}]`},
	{"header add", `header +Edsger "Dijkstra"`, `[{"handle":[{"handler":"headers","response":{"add":{"Edsger":["Dijkstra"]}}}]}]`},
	{"header default", `header ?John "von Neumann"`, `[{"handle":[{"handler":"headers","response":{"require":{"headers":{"John":null}},"set":{"John":["von Neumann"]}}}]}]`},
	{"header delete", `header -Wolfram`, `[{"handle":[{"handler":"headers","response":{"deferred":true,"delete":["Wolfram"]}}]}]`},
	{"header block", "header {\n\tGrace: \"Hopper\"\n\t+Ray \"Solomonoff\"\n\t?Tim \"Berners-Lee\"\n\tdefer\n}",
		`[{"handle":[{"handler":"headers","response":{"add":{"Ray":["Solomonoff"]},"deferred":true,"set":{"Grace":["Hopper"]}}}]},` +
			`{"handle":[{"handler":"headers","response":{"require":{"headers":{"Tim":null}},"set":{"Tim":["Berners-Lee"]}}}]}]`},
	{"header match block", "@images path /images/*\nheader @images {\n\tCache-Control \"public, max-age=3600\"\n\tmatch {\n\t\tstatus 200\n\t}\n}",
		`[{"match":[{"path":["/images/*"]}],"handle":[{"handler":"headers","response":{"require":{"status_code":[200]},"set":{"Cache-Control":["public, max-age=3600"]}}}]}]`},
	{"header match line", "header {\n\t+Link \"Foo\"\n\t+Link \"Bar\"\n\tmatch status 200\n}",
		`[{"handle":[{"handler":"headers","response":{"add":{"Link":["Foo","Bar"]},"require":{"status_code":[200]}}}]}]`},
	{"header defer set", `header >Set Defer`, `[{"handle":[{"handler":"headers","response":{"deferred":true,"set":{"Set":["Defer"]}}}]}]`},
	{"header defer replace", `header >Replace Deferred Replacement`,
		`[{"handle":[{"handler":"headers","response":{"deferred":true,"replace":{"Replace":[{"replace":"Replacement","search_regexp":"Deferred"}]}}}]}]`},
	{"header replace", `header Test-Static ":443" "STATIC-WORKS"`,
		`[{"handle":[{"handler":"headers","response":{"replace":{"Test-Static":[{"replace":"STATIC-WORKS","search_regexp":":443"}]}}}]}]`},
	{"header default with match", "header {\n\t?X-A a\n\tmatch {\n\t\tstatus 2xx\n\t\theader X-B b\n\t\theader !X-A\n\t}\n}",
		`[{"handle":[{"handler":"headers","response":{"require":{"status_code":[2],"headers":{"X-B":["b"],"X-A":null}}}}]},` +
			`{"handle":[{"handler":"headers","response":{"require":{"status_code":[2],"headers":{"X-A":null,"X-B":["b"]}},"set":{"X-A":["a"]}}}]}]`},
	{"header empty", `header`, `null`},
	// map (corpus: map_and_vars_with_raw_types)
	{"map raw types", "map {http.request.host} {my_placeholder} {magic_number} {\n\texample.com true 3\n\tfoo.example.com \"string value\"\n" +
		"\t(.*)\\.example.com \"${1} subdomain\" \"5\"\n\t~.*\\.net$ - `7`\n\t~.*\\.xyz$ 123.456 \"false\"\n\tdefault \"unknown domain\" \\\"\"\"\n}",
		`[{"handle":[{"defaults":["unknown domain","\""],"destinations":["{my_placeholder}","{magic_number}"],"handler":"map","mappings":[` +
			`{"input":"example.com","outputs":[true,3]},{"input":"foo.example.com","outputs":["string value",null]},` +
			`{"input":"(.*)\\.example.com","outputs":["${1} subdomain","5"]},{"input_regexp":".*\\.net$","outputs":[null,"7"]},` +
			`{"input_regexp":".*\\.xyz$","outputs":[123.456,"false"]}],"source":"{http.request.host}"}]}]`},
	{"map default padding", "map {a} {b} {c} {\n\tdefault x\n}", `[{"handle":[{"handler":"map","source":"{a}","destinations":["{b}","{c}"],"defaults":["x",""]}]}]`},
	// request_body
	{"request_body", "request_body {\n\tmax_size 1MB\n}", `[{"handle":[{"handler":"request_body","max_size":1000000}]}]`},
	{"request_body set", "request_body /up {\n\tmax_size 1.5KiB\n\tset \"{http.vars.x}\"\n}",
		`[{"match":[{"path":["/up"]}],"handle":[{"handler":"request_body","max_size":1536,"set":"{http.vars.x}"}]}]`},
	// try_files (fileserver/caddyfile.go parseTryFiles; php_fastcgi corpus)
	{"try_files", `try_files {path} /index.php`,
		`[{"match":[{"file":{"try_files":["{path}","/index.php"]}}],"handle":[{"handler":"rewrite","uri":"{http.matchers.file.relative}"}]}]`},
	{"try_files policy", "try_files a b {\n\tpolicy smallest_size\n}",
		`[{"match":[{"file":{"try_files":["a","b"],"try_policy":"smallest_size"}}],"handle":[{"handler":"rewrite","uri":"{http.matchers.file.relative}"}]}]`},
	{"try_files query", `try_files {path} {path}/ index.php?{query}&p={path} last`,
		`[{"group":"group0","match":[{"file":{"try_files":["{path}","{path}/"]}}],"handle":[{"handler":"rewrite","uri":"{http.matchers.file.relative}"}]},` +
			`{"group":"group0","match":[{"file":{"try_files":["index.php"]}}],"handle":[{"handler":"rewrite","uri":"{http.matchers.file.relative}?{query}\u0026p={path}"}]},` +
			`{"group":"group0","match":[{"file":{"try_files":["last"]}}],"handle":[{"handler":"rewrite","uri":"{http.matchers.file.relative}"}]}]`},
	// zeroserve_call (ours)
	{"zeroserve_call bare", `zeroserve_call auth.o check`, `[{"handle":[{"handler":"zeroserve_call","script":"auth.o","function":"check"}]}]`},
	{"zeroserve_call config", "zeroserve_call /api/* s3 sign {\n\tbucket b1\n\tregion \"eu west\"\n\tallow GET\n\tallow PUT\n\tallow HEAD\n\tn 1\n}",
		`[{"match":[{"path":["/api/*"]}],"handle":[{"handler":"zeroserve_call","script":"s3","function":"sign","config":{"bucket":"b1","region":"eu west","allow":["GET","PUT","HEAD"],"n":"1"}}]}]`},
	{"zeroserve_call empty block", "zeroserve_call s f {\n}", `[{"handle":[{"handler":"zeroserve_call","script":"s","function":"f"}]}]`},
}

func TestHandlerDirectives(t *testing.T) {
	for _, tc := range handlerDirectiveCases {
		t.Run(tc.name, func(t *testing.T) {
			routes, err := runHandlerDirective(t, tc.in)
			if err != nil {
				t.Fatalf("%q: unexpected error: %v", tc.in, err)
			}
			if !equalJSONText(t, routes, tc.want) {
				got, _ := json.Marshal(routes)
				t.Errorf("%q:\n got %s\nwant %s", tc.in, got, tc.want)
			}
		})
	}
}

var handlerDirectiveErrorCases = []struct {
	name, in, wantErr string
}{
	{"respond no args", `respond`, "wrong argument count"},
	{"respond 3 args", `respond a 200 x`, "wrong argument count"},
	{"respond body twice", "respond \"a\" {\n\tbody b\n}", "body already specified"},
	{"respond unknown sub", "respond 200 {\n\theaders x\n}", "unrecognized subdirective 'headers', at Testfile:2"},
	{"redir no args", `redir`, "wrong argument count"},
	{"redir bad code", `redir * /x 200`, "Redir code not in the 3xx range or 401: '200'"},
	{"redir bad word", `redir * /x perm`, "Not a supported redir code type or not valid integer: 'perm'"},
	{"redir extra", `redir /a /b 301 x`, "wrong argument count"},
	{"redir block", "redir * /a {\n\tx\n}", "redir takes no block"},
	{"abort arg", `abort now`, "wrong argument count"},
	{"error no args", `error`, "wrong argument count"},
	{"error unknown sub", "error 500 {\n\tbody x\n}", "unrecognized subdirective 'body'"},
	{"vars missing value", `vars foo`, "wrong argument count"},
	{"vars extra value", "vars {\n\tfoo a b\n}", "wrong argument count"},
	{"vars inf", `vars x inf`, `value "inf" is not a finite number`},
	{"method none", `method`, "wrong argument count"},
	{"method two", `method GET POST`, "wrong argument count"},
	{"root none", `root`, "too few arguments"},
	{"root three", `root * /a /b`, "too many arguments"},
	{"root not matcher", `root foo bar`, `"foo" is not a matcher token`},
	{"rewrite none", `rewrite`, "too few arguments"},
	{"rewrite not matcher", `rewrite a b`, `"a" is not a matcher token`},
	{"rewrite unknown matcher", `rewrite @nope /b`, "unrecognized matcher name: @nope"},
	{"uri none", `uri`, "wrong argument count"},
	{"uri unknown op", `uri nope a`, "unrecognized URI manipulation 'nope'"},
	{"uri strip args", `uri strip_prefix`, "wrong argument count"},
	{"uri strip block", "uri strip_prefix /a {\n\tx\n}", "uri strip_prefix takes no block"},
	{"uri replace limit", `uri replace a b x`, "limit must be an integer"},
	{"uri query both", "uri query a b {\n\tc d\n}", "Cannot specify uri query rewrites in both argument and block"},
	{"uri query delete value", `uri query -a b`, "wrong argument count"},
	{"request_header none", `request_header`, "wrong argument count"},
	{"request_header default", `request_header ?X y`, "the default header modifier ('?') can only be used on response headers"},
	{"request_header extra", `request_header X a b c`, "wrong argument count"},
	{"header both", "header X y {\n\tZ w\n}", "cannot specify headers in both arguments and block"},
	{"header bad match", "header {\n\tX y\n\tmatch {\n\t\tpath /a\n\t}\n}", "unrecognized response matcher path"},
	{"header bad status", "header {\n\tX y\n\tmatch status abc\n}", "bad status value 'abc'"},
	{"header default matched", "header {\n\t?X-A a\n\tmatch header X-A b\n}", "cannot match on response header X-A and also set a default for it"},
	{"header delete value", `header -X y`, "deleting a header field takes no value"},
	{"header too many", `header X a b c`, "wrong argument count"},
	{"map no dest", `map {a}`, "missing destination argument(s)"},
	{"map shorthand dest", `map {a} {http.request.uri.path}`, "destination {path} conflicts with a Caddyfile placeholder shorthand"},
	{"map too many outputs", "map {a} {b} {\n\tx 1 2\n}", "too many outputs"},
	{"map defaults twice", "map {a} {b} {\n\tdefault 1\n\tdefault 2\n}", "defaults already defined"},
	{"request_body unknown", "request_body {\n\tmax_sizes 1\n}", "unrecognized request_body subdirective 'max_sizes'"},
	{"request_body bad size", "request_body {\n\tmax_size lots\n}", "parsing max_size"},
	{"request_body arg", `request_body 10MB`, "wrong argument count"},
	{"try_files none", `try_files`, "wrong argument count"},
	{"try_files bad policy", "try_files a {\n\tpolicy best\n}", "unrecognized try policy: best"},
	{"try_files unknown sub", "try_files a {\n\tpolcy first_exist\n}", "unrecognized try_files subdirective 'polcy'"},
	{"zeroserve_call one arg", `zeroserve_call s`, "zeroserve_call needs <script> <function>"},
	{"zeroserve_call three args", `zeroserve_call s f g`, "wrong argument count"},
	{"zeroserve_call nested", "zeroserve_call s f {\n\tk {\n\t\tx y\n\t}\n}", "nested blocks are not supported"},
	{"zeroserve_call nested after value", "zeroserve_call s f {\n\tk v {\n\t\tx y\n\t}\n}", "nested blocks are not supported"},
	{"zeroserve_call no value", "zeroserve_call s f {\n\tk\n}", `config key "k" takes exactly one value`},
	{"zeroserve_call two values", "zeroserve_call s f {\n\tk a b\n}", `config key "k" takes exactly one value`},
}

func TestHandlerDirectiveErrors(t *testing.T) {
	for _, tc := range handlerDirectiveErrorCases {
		t.Run(tc.name, func(t *testing.T) {
			routes, err := runHandlerDirective(t, tc.in)
			if err == nil {
				got, _ := json.Marshal(routes)
				t.Fatalf("%q: got %s, want error containing %q", tc.in, got, tc.wantErr)
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%q: got error %q, want it to contain %q", tc.in, err, tc.wantErr)
			}
			if !strings.Contains(err.Error(), "Testfile:") {
				t.Errorf("%q: error %q has no file:line", tc.in, err)
			}
		})
	}
}

func TestRootSetsBlockState(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want any
	}{
		{`root * /srv`, "/srv"},
		{`root /srv`, "/srv"},
		{`root /x /srv`, nil},
	} {
		tokens, err := caddyfile.Tokenize([]byte(tc.in), "Testfile")
		if err != nil {
			t.Fatal(err)
		}
		h := Helper{Dispenser: caddyfile.NewDispenser(tokens), BlockState: map[string]any{}, warnings: &[]Warning{}, groupCounter: new(int)}
		if _, err := registeredDirectives["root"](h); err != nil {
			t.Fatalf("%q: %v", tc.in, err)
		}
		if got := h.BlockState["root"]; got != tc.want {
			t.Errorf("%q: BlockState[root] = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// FuzzHandlerDirectives checks that the directives of this file set, given
// any tokens, return routes that marshal to JSON or an error, and never
// panic.
func FuzzHandlerDirectives(f *testing.F) {
	for _, tc := range handlerDirectiveCases {
		f.Add(tc.in)
	}
	for _, tc := range handlerDirectiveErrorCases {
		f.Add(tc.in)
	}
	directives := map[string]bool{}
	for _, name := range []string{"respond", "redir", "abort", "error", "vars", "method", "root", "rewrite", "uri",
		"header", "request_header", "map", "request_body", "try_files", "zeroserve_call"} {
		directives[name] = true
	}
	f.Fuzz(func(t *testing.T, input string) {
		tokens, err := caddyfile.Tokenize([]byte(input), "Fuzzfile")
		if err != nil || len(tokens) == 0 {
			return
		}
		d := caddyfile.NewDispenser(tokens)
		var segments []caddyfile.Segment
		for d.Next() {
			segments = append(segments, d.NextSegment())
		}
		defs := map[string]Obj{}
		for _, seg := range segments[:len(segments)-1] {
			md := caddyfile.NewDispenser(seg)
			md.Next()
			if set, err := parseMatcherSet(md, "fuzz"); err == nil {
				defs[seg.Directive()] = set
			}
		}
		seg := segments[len(segments)-1]
		if !directives[seg.Directive()] {
			return
		}
		h := Helper{
			Dispenser:    caddyfile.NewDispenser(seg),
			State:        map[string]any{},
			BlockState:   map[string]any{},
			matcherDefs:  defs,
			warnings:     &[]Warning{},
			groupCounter: new(int),
		}
		vals, err := registeredDirectives[seg.Directive()](h)
		if err != nil {
			return
		}
		for _, v := range vals {
			if _, err := json.Marshal(v.Value); err != nil {
				t.Fatalf("%q: value does not marshal: %v", input, err)
			}
		}
	})
}

// TestZeroserveCallAdapt adapts the documented SigV4 example (reference
// §6.1): zeroserve_call runs after uri and rewrite and right before
// reverse_proxy (adjacent routes without matchers merge, as in Caddy).
func TestZeroserveCallAdapt(t *testing.T) {
	in := `:8080 {
	route /s3/* {
		uri strip_prefix /s3
		rewrite * /my-bucket{uri}
		zeroserve_call io.su3.aws-sigv4 sign_request {
			access_key_id "minioadmin"
			secret_access_key "minioadmin"
		}
		reverse_proxy http://127.0.0.1:9000
	}
}
`
	want := `{"apps":{"http":{"servers":{"srv0":{"listen":[":8080"],"routes":[{"match":[{"path":["/s3/*"]}],"handle":[{"handler":"subroute","routes":[
		{"handle":[{"handler":"rewrite","strip_path_prefix":"/s3"}]},
		{"group":"group0","handle":[{"handler":"rewrite","uri":"/my-bucket{http.request.uri}"}]},
		{"handle":[{"handler":"zeroserve_call","script":"io.su3.aws-sigv4","function":"sign_request","config":{"access_key_id":"minioadmin","secret_access_key":"minioadmin"}},
			{"handler":"reverse_proxy","upstreams":[{"dial":"127.0.0.1:9000"}]}]}]}]}]}}}}}`
	out, _, err := Adapt("Caddyfile", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if !equalJSONText(t, json.RawMessage(out), want) {
		t.Errorf("got %s\nwant %s", out, want)
	}
}
