package caddyfile

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
)

// matcherDefinition parses a named matcher definition ("@name ...") the way
// Caddy's parseMatcherDefinitions does, with our matcher parsers.
func matcherDefinition(t testing.TB, input string) (Obj, error) {
	t.Helper()
	tokens, err := caddyfile.Tokenize([]byte(input), "Testfile")
	if err != nil {
		t.Fatalf("tokenize %q: %v", input, err)
	}
	d := caddyfile.NewDispenser(tokens)
	d.Next()
	return parseMatcherSet(d, strings.TrimPrefix(d.Val(), "@"))
}

// equalJSONText reports whether a and b are the same JSON value.
func equalJSONText(t testing.TB, got any, want string) bool {
	t.Helper()
	gotJSON, err := json.Marshal(got)
	if err != nil {
		t.Fatalf("marshal %#v: %v", got, err)
	}
	var g, w any
	if err := json.Unmarshal(gotJSON, &g); err != nil {
		t.Fatalf("unmarshal ours: %v", err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("unmarshal want %s: %v", want, err)
	}
	gn, _ := json.Marshal(g)
	wn, _ := json.Marshal(w)
	return bytes.Equal(gn, wn)
}

// The expected JSON is Caddy's: from the adapter corpus
// (caddytest/integration/caddyfile_adapt: matcher_syntax, not_block_merging,
// expression_quotes, matcher_url_pattern, php_fastcgi_expanded_form) or
// worked out from the matcher's UnmarshalCaddyfile and json tags.
var matcherCases = []struct {
	name, in, want string
}{
	{"method block", "@matcher {\n\tmethod GET\n}", `{"method":["GET"]}`},
	{"method inline", "@matcher2 method POST", `{"method":["POST"]}`},
	{"not inline", "@matcher3 not method PUT", `{"not":[{"method":["PUT"]}]}`},
	{"vars", `@matcher4 vars "{http.request.uri}" "/vars-matcher"`, `{"vars":{"{http.request.uri}":["/vars-matcher"]}}`},
	{"vars_regexp named", "@matcher5 vars_regexp static \"{http.request.uri}\" `\\.([a-f0-9]{6})\\.(css|js)$`",
		`{"vars_regexp":{"{http.request.uri}":{"name":"static","pattern":"\\.([a-f0-9]{6})\\.(css|js)$"}}}`},
	{"vars_regexp default name", "@matcher6 vars_regexp \"{http.request.uri}\" `\\.([a-f0-9]{6})\\.(css|js)$`",
		`{"vars_regexp":{"{http.request.uri}":{"name":"matcher6","pattern":"\\.([a-f0-9]{6})\\.(css|js)$"}}}`},
	{"expression shorthand", "@matcher7 `path('/foo*') && method('GET')`",
		`{"expression":{"expr":"path('/foo*') \u0026\u0026 method('GET')","name":"matcher7"}}`},
	{"header merge", "@matcher8 {\n\theader Foo bar\n\theader Foo foobar\n\theader Bar foo\n}",
		`{"header":{"Bar":["foo"],"Foo":["bar","foobar"]}}`},
	{"query merge", "@matcher9 {\n\tquery foo=bar foo=baz bar=foo\n\tquery bar=baz\n}",
		`{"query":{"bar":["foo","baz"],"foo":["bar","baz"]}}`},
	{"header null", "@matcher10 {\n\theader !Foo\n\theader Bar foo\n}", `{"header":{"Bar":["foo"],"Foo":null}}`},
	{"remote_ip private", "@matcher11 remote_ip private_ranges",
		`{"remote_ip":{"ranges":["192.168.0.0/16","172.16.0.0/12","10.0.0.0/8","127.0.0.1/8","fd00::/8","::1"]}}`},
	{"client_ip private", "@matcher12 client_ip private_ranges",
		`{"client_ip":{"ranges":["192.168.0.0/16","172.16.0.0/12","10.0.0.0/8","127.0.0.1/8","fd00::/8","::1"]}}`},
	{"remote_ip merged", "@matcher13 {\n\tremote_ip 1.1.1.1\n\tremote_ip 2.2.2.2\n}", `{"remote_ip":{"ranges":["1.1.1.1","2.2.2.2"]}}`},
	{"client_ip merged", "@matcher14 {\n\tclient_ip 1.1.1.1\n\tclient_ip 2.2.2.2\n}", `{"client_ip":{"ranges":["1.1.1.1","2.2.2.2"]}}`},
	{"client_ip none", "@m client_ip", `{"client_ip":{}}`},
	{"not block merging", "@test {\n\tnot {\n\t\theader Abc \"123\"\n\t\theader Bcd \"123\"\n\t}\n}",
		`{"not":[{"header":{"Abc":["123"],"Bcd":["123"]}}]}`},
	{"not twice", "@m {\n\tnot path /a\n\tnot {\n\t\tmethod GET\n\t\tpath /b\n\t}\n}",
		`{"not":[{"path":["/a"]},{"method":["GET"],"path":["/b"]}]}`},
	{"not nested path_regexp unnamed", "@m not path_regexp ^/x", `{"not":[{"path_regexp":{"pattern":"^/x"}}]}`},
	{"not nested expression unnamed", "@m not expression `{a} == 1`", `{"not":[{"expression":"{a} == 1"}]}`},
	{"expression one arg", `@d expression "{http.error.status_code} == 403"`,
		`{"expression":{"expr":"{http.error.status_code} == 403","name":"d"}}`},
	{"expression raw args", `@b expression {http.error.status_code} == "401"`,
		`{"expression":"{http.error.status_code} == \"401\""}`},
	{"expression backtick arg", "@c expression {http.error.status_code} == `402`",
		"{\"expression\":\"{http.error.status_code} == `402`\"}"},
	{"path and host", "@m {\n\tpath /a /b\n\tpath /c\n\thost example.com\n}", `{"path":["/a","/b","/c"],"host":["example.com"]}`},
	{"path no args", "@m path", `{"path":null}`},
	{"path_regexp named", "@m path_regexp name ^/x$", `{"path_regexp":{"name":"name","pattern":"^/x$"}}`},
	{"path_regexp default name", "@static path_regexp \\.css$", `{"path_regexp":{"name":"static","pattern":"\\.css$"}}`},
	{"header_regexp", "@m {\n\theader_regexp Cookie a=(\\w+)\n\theader_regexp n Host ^x\n}",
		`{"header_regexp":{"Cookie":{"name":"m","pattern":"a=(\\w+)"},"Host":{"name":"n","pattern":"^x"}}}`},
	{"header canonical", "@m header x-foo bar", `{"header":{"X-Foo":["bar"]}}`},
	{"query empty", "@m query", `{"query":{}}`},
	{"query empty value", `@m query "" a= b=c=d`, `{"query":{"a":[""],"b":["c=d"]}}`},
	{"protocol", "@m {\n\tprotocol http\n\tprotocol https\n}", `{"protocol":"https"}`},
	{"tls", "@m tls", `{"tls":{}}`},
	{"tls early", "@m tls early_data", `{"tls":{"handshake_complete":false}}`},
	{"vars merge", "@m {\n\tvars {x} a b\n\tvars {x} c\n}", `{"vars":{"{x}":["a","b","c"]}}`},
	{"file canonical path", "@canonicalPath {\n\tfile {\n\t\ttry_files {path}/index.php\n\t}\n\tnot path */\n}",
		`{"file":{"try_files":["{path}/index.php"]},"not":[{"path":["*/"]}]}`},
	{"file split", "@indexFiles {\n\tfile {\n\t\ttry_files {path} {path}/index.php index.php\n\t\tsplit_path .php\n\t}\n}",
		`{"file":{"try_files":["{path}","{path}/index.php","index.php"],"split_path":[".php"]}}`},
	{"file args root policy", "@f file a b {\n\troot /srv\n\ttry_policy smallest_size\n}",
		`{"file":{"root":"/srv","try_files":["a","b"],"try_policy":"smallest_size"}}`},
	{"file empty", "@f file", `{"file":{}}`},
	{"url_pattern", "@books url_pattern /books/:id", `{"url_pattern":{"pattern":"/books/:id"}}`},
	{"url_pattern block", "@scoped url_pattern /api/:version/* {\n\tbase_url https://example.com\n\tignore_case\n}",
		`{"url_pattern":{"pattern":"/api/:version/*","base_url":"https://example.com","ignore_case":true}}`},
}

func TestMatcherDefinitions(t *testing.T) {
	for _, tc := range matcherCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := matcherDefinition(t, tc.in)
			if err != nil {
				t.Fatalf("%q: unexpected error: %v", tc.in, err)
			}
			if !equalJSONText(t, got, tc.want) {
				gotJSON, _ := json.Marshal(got)
				t.Errorf("%q:\n got %s\nwant %s", tc.in, gotJSON, tc.want)
			}
		})
	}
}

var matcherErrorCases = []struct {
	name, in, wantErr string
}{
	{"unknown", "@m {\n\tpath /a\n\tbogus x\n}", `unsupported matcher "bogus", at Testfile:3`},
	{"unknown in not", "@m not nope", `unsupported matcher "nope", at Testfile:1`},
	{"path block", "@m path /a {\n\tx\n}", "malformed path matcher: blocks are not supported"},
	{"host block", "@m host a {\n\tx\n}", "malformed host matcher: blocks are not supported"},
	{"path_regexp twice", "@m {\n\tpath_regexp a\n\tpath_regexp b\n}", "regular expression can only be used once per named matcher, at Testfile:3"},
	{"path_regexp args", "@m path_regexp a b c", "wrong argument count"},
	{"header_regexp dup", "@m {\n\theader_regexp Foo a\n\theader_regexp Foo b\n}", "header_regexp matcher can only be used once per named matcher, per header field: Foo"},
	{"header no value", "@m header Foo", "expected both field and value"},
	{"header no field", "@m header", "expected field"},
	{"header bang only", "@m header !", "must have field name following ! character"},
	{"header null value", "@m header !Foo bar", "null matching headers cannot have a field value"},
	{"header extra", "@m header Foo a b", "wrong argument count"},
	{"query malformed", "@m query foo", "malformed query matcher token: foo; must be in param=val format"},
	{"vars no value", "@m vars x", "expected at least one value"},
	{"protocol none", "@m protocol", "expected exactly one protocol"},
	{"protocol two", "@m protocol http https", "expected exactly one protocol"},
	{"remote_ip forwarded", "@m remote_ip forwarded", "'forwarded' option is no longer supported"},
	{"tls bad", "@m tls late", "unrecognized option 'late'"},
	{"expression twice", "@m {\n\texpression `a`\n\texpression `b`\n}", "repeated expression matchers are not supported"},
	{"expression none", "@m expression", "wrong argument count"},
	{"file bad sub", "@m file {\n\tfs x\n}", "unrecognized subdirective: fs"},
	{"file try_files empty", "@m file {\n\ttry_files\n}", "wrong argument count"},
	{"url_pattern none", "@m url_pattern", "expected exactly one URL pattern"},
	{"url_pattern option", "@m url_pattern /a {\n\tnope\n}", "unrecognized url_pattern option 'nope'"},
}

func TestMatcherErrors(t *testing.T) {
	for _, tc := range matcherErrorCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := matcherDefinition(t, tc.in)
			if err == nil {
				gotJSON, _ := json.Marshal(got)
				t.Fatalf("%q: got %s, want error containing %q", tc.in, gotJSON, tc.wantErr)
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%q: got error %q, want it to contain %q", tc.in, err, tc.wantErr)
			}
		})
	}
}

// TestUnmarshalMatcherMerge checks the contract used by the core: segments
// given one call at a time with the value so far merge like one call with
// all segments (Caddy concatenates the tokens of repeated matchers).
func TestUnmarshalMatcherMerge(t *testing.T) {
	segments := map[string][]string{
		"path":        {"path /a /b", "path /c"},
		"header":      {"header Foo a", "header foo b", "header !Bar"},
		"query":       {"query a=1", "query a=2 b=3"},
		"vars":        {"vars x 1", "vars x 2"},
		"remote_ip":   {"remote_ip 1.2.3.4", "remote_ip private_ranges"},
		"not":         {"not path /x", "not method GET"},
		"file":        {"file a", "file b {\n\troot /r\n}"},
		"vars_regexp": {"vars_regexp a x", "vars_regexp a y"},
		"tls":         {"tls early_data", "tls"},
	}
	for name, segs := range segments {
		t.Run(name, func(t *testing.T) {
			all := caddyfile.NewTestDispenser(strings.Join(segs, "\n"))
			want, err := unmarshalMatcher(name, all, nil)
			if err != nil {
				t.Fatalf("all segments: %v", err)
			}
			var got any
			for _, seg := range segs {
				d := caddyfile.NewTestDispenser(seg)
				d.Next() // the core may also pass the cursor on the name
				if got, err = unmarshalMatcher(name, d, got); err != nil {
					t.Fatalf("segment %q: %v", seg, err)
				}
			}
			wantJSON, _ := json.Marshal(want)
			if !equalJSONText(t, got, string(wantJSON)) {
				gotJSON, _ := json.Marshal(got)
				t.Errorf("merged one by one %s, all at once %s", gotJSON, wantJSON)
			}
		})
	}
}

func TestUnmarshalMatcherRepeatedSingletons(t *testing.T) {
	for _, seg := range []string{"expression `a`", "path_regexp ^/a"} {
		name, _, _ := strings.Cut(seg, " ")
		first, err := unmarshalMatcher(name, caddyfile.NewTestDispenser(seg), nil)
		if err != nil {
			t.Fatalf("%q: %v", seg, err)
		}
		if _, err := unmarshalMatcher(name, caddyfile.NewTestDispenser(seg), first); err == nil {
			t.Errorf("%q repeated in one set: no error", seg)
		}
	}
}

func TestUnmarshalMatcherUnsupported(t *testing.T) {
	_, err := unmarshalMatcher("bogus", caddyfile.NewTestDispenser("\n\nbogus x"), nil)
	if err == nil || !strings.Contains(err.Error(), `unsupported matcher "bogus", at Testfile:3`) {
		t.Errorf("got %v, want unsupported matcher error with position", err)
	}
	if isMatcher("bogus") || !isMatcher("path") || !isMatcher("not") {
		t.Errorf("isMatcher: wrong answers")
	}
}

// FuzzMatcher checks that any token stream given to any matcher parser gives
// a value that marshals to JSON, or an error, and never panics.
func FuzzMatcher(f *testing.F) {
	for _, tc := range matcherCases {
		f.Add(tc.in)
	}
	for _, tc := range matcherErrorCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, input string) {
		tokens, err := caddyfile.Tokenize([]byte(input), "Fuzzfile")
		if err != nil || len(tokens) == 0 {
			return
		}
		d := caddyfile.NewDispenser(tokens)
		d.Next()
		if set, err := parseMatcherSet(d, "fuzz"); err == nil {
			if _, err := json.Marshal(set); err != nil {
				t.Fatalf("%q: set does not marshal: %v", input, err)
			}
		}
		name := tokens[0].Text
		if v, err := unmarshalMatcher(name, caddyfile.NewDispenser(tokens), nil); err == nil {
			if _, err := json.Marshal(v); err != nil {
				t.Fatalf("%q: value does not marshal: %v", input, err)
			}
		}
	})
}
