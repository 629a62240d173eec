package compile

import (
	"os"
	"testing"
)

// caddyCase is a Caddyfile and the responses it must give.
type caddyCase struct {
	name      string
	caddyfile string
	probes    []probe
	want      []string
}

const plain = " | Content-Type: text/plain; charset=utf-8"

func runCases(t *testing.T, cases []caddyCase) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			elf := compileCaddyfile(t, tc.caddyfile)
			for _, jit := range engines {
				ch := load(t, elf, jit)
				for i, p := range tc.probes {
					if got := serve(t, ch, p); got != tc.want[i] {
						t.Errorf("%v: %s %s%s: got %q, want %q", jit, p.method, p.host, p.uri, got, tc.want[i])
					}
				}
			}
		})
	}
}

func TestExampleCaddyfile(t *testing.T) {
	src, err := os.ReadFile("../../examples/Caddyfile")
	if err != nil {
		t.Fatal(err)
	}
	runCases(t, []caddyCase{{
		name:      "examples/Caddyfile",
		caddyfile: string(src),
		probes: []probe{get("localhost:8080/"), get("x/api/users"), get("x/API/Users"), get("x/static/a.css"),
			get("x/old"), get("x/old/x"), get("x/api")},
		want: []string{
			"200 hello from zeroserve" + plain,
			"200 api ok | Cache-Control: no-store" + plain,
			"200 api ok | Cache-Control: no-store" + plain,
			"200 static content" + plain,
			"301  | Location: /new",
			"200 hello from zeroserve" + plain,
			"200 hello from zeroserve" + plain,
		},
	}})
}

// TestDeterministic compiles the same config twice: the objects must be
// byte-identical (map iteration must not leak into the output).
func TestDeterministic(t *testing.T) {
	src := "http://a.example, http://b.example {\n\theader X-A 1\n\trespond /x \"x\"\n}\nhttp://c.example {\n\t@h header X-Y 1\n\trespond @h \"y\"\n}\n:80 {\n\trespond \"any\"\n}\n"
	first := compileCaddyfile(t, src)
	for range 5 {
		if again := compileCaddyfile(t, src); string(again) != string(first) {
			t.Fatal("two compilations of the same config differ")
		}
	}
}
