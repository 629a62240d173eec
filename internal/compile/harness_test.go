package compile

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/zeroserve/zeroserve/internal/bpf/elfload"
	"github.com/zeroserve/zeroserve/internal/bpf/elfwrite"
	"github.com/zeroserve/zeroserve/internal/caddyconf"
	"github.com/zeroserve/zeroserve/internal/caddyfile"
	"github.com/zeroserve/zeroserve/internal/helpers"
	"github.com/zeroserve/zeroserve/internal/script"
	"github.com/zeroserve/zeroserve/internal/vm"
)

// engines are the VM engines every end-to-end case runs on.
var engines = []vm.JITMode{vm.JITOff, vm.JITAuto}

// compileCaddyfile adapts, parses, lowers and compiles a Caddyfile and
// returns the ELF object.
func compileCaddyfile(t testing.TB, src string) []byte {
	t.Helper()
	js, _, err := caddyfile.Adapt("Caddyfile", []byte(src))
	if err != nil {
		t.Fatalf("adapt: %v", err)
	}
	return compileJSON(t, js)
}

// compileJSON parses, lowers and compiles Caddy JSON into an ELF object.
func compileJSON(t testing.TB, js []byte) []byte {
	t.Helper()
	cfg, err := caddyconf.Parse(js)
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, js)
	}
	prog, err := caddyconf.Lower(cfg)
	if err != nil {
		t.Fatalf("lower: %v", err)
	}
	obj, err := Compile(prog, Options{})
	if err != nil {
		t.Fatalf("compile: %v\n%s", err, js)
	}
	elf, err := elfwrite.Write(obj)
	if err != nil {
		t.Fatalf("elfwrite: %v", err)
	}
	// `zeroserve run` loads the compiled object without the ELF round
	// trip (script.LoadCompiled): the file must load back unchanged.
	back, err := elfload.Load(elf)
	if err != nil {
		t.Fatalf("elfload: %v", err)
	}
	if !reflect.DeepEqual(back, obj) {
		t.Fatalf("the compiled object does not load back from its ELF file unchanged")
	}
	return elf
}

// load loads a compiled object as the only script of a chain.
func load(t testing.TB, elf []byte, jit vm.JITMode) *script.Chain {
	t.Helper()
	h, err := script.NewHelpers()
	if err != nil {
		t.Fatal(err)
	}
	s, err := script.LoadObject("caddy", elf, h, script.Options{JIT: jit})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	ch := script.NewChain(s)
	t.Cleanup(ch.Close)
	return ch
}

// probe is one request: "GET host/path?query" plus header lines, from
// peer (192.0.2.7:51000 when empty).
type probe struct {
	method, host, uri, peer string
	header                  []helpers.Field
}

// get returns a GET probe for "host/path?query".
func get(hostURI string, header ...string) probe {
	host, uri, _ := strings.Cut(hostURI, "/")
	p := probe{method: "GET", host: host, uri: "/" + uri}
	for _, h := range header {
		n, v, _ := strings.Cut(h, ": ")
		p.header = append(p.header, helpers.Field{Name: n, Value: v})
	}
	return p
}

// serve runs p through the chain and renders the outcome as
// "status body" plus sorted "Name: value" header lines, or "abort".
func serve(t testing.TB, ch *script.Chain, p probe) string {
	t.Helper()
	ex := &helpers.Exchange{Meta: map[string]string{}}
	ex.Req = helpers.Request{Method: p.method, Scheme: "http", ProtoMajor: 1, ProtoMinor: 1, Peer: p.peer}
	if ex.Req.Peer == "" {
		ex.Req.Peer = "192.0.2.7:51000"
	}
	if err := ex.Req.SetURI(p.uri); err != nil {
		t.Fatalf("%s: %v", p.uri, err)
	}
	ex.Req.Header = append([]helpers.Field{{Name: "Host", Value: p.host}}, p.header...)
	if err := ch.Run(ex, script.DefaultFuel); err != nil {
		return "error: " + err.Error()
	}
	switch ex.Action {
	case helpers.ActionAbort:
		return "abort"
	case helpers.ActionNone:
		return "no response"
	}
	var hdr []string
	for _, f := range ex.ResponseHeader {
		hdr = append(hdr, f.Name+": "+f.Value)
	}
	sort.Strings(hdr)
	out := fmt.Sprintf("%d %s", ex.Response.Status, ex.Response.Body)
	if len(hdr) > 0 {
		out += " | " + strings.Join(hdr, " | ")
	}
	return out
}
