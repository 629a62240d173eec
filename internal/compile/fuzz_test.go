package compile

import (
	"testing"

	"github.com/zeroserve/zeroserve/internal/bpf/elfwrite"
	"github.com/zeroserve/zeroserve/internal/caddyconf"
	"github.com/zeroserve/zeroserve/internal/script"
	"github.com/zeroserve/zeroserve/internal/vm"
)

// FuzzCompile feeds Caddy JSON to Parse → Lower → Compile. The compiler
// never panics; every object it returns is written, loaded by the VM and
// serves a request without a Go panic (a helper may trap, which the
// server answers with 500).
func FuzzCompile(f *testing.F) {
	for _, s := range []string{
		jsonServer(`[{"handle":[{"handler":"static_response","body":"hi"}]}]`, ""),
		jsonServer(`[{"group":"g","match":[{"host":["a.example","*.b.example"],"path":["/x*"]},{"not":[{"method":["GET"]}]}],"handle":[{"handler":"headers","request":{"set":{"X":["{http.request.host}"]}},"response":{"deferred":true,"delete":["Server"]}},{"handler":"rewrite","uri":"/y?a={http.request.uri.query.a}","strip_path_prefix":"/x"}],"terminal":true}]`, ""),
		jsonServer(`[{"match":[{"path_regexp":{"name":"n","pattern":"^/(a+)$"},"query":{"k":["v"]},"header":{"A":null}}],"handle":[{"handler":"vars","v":1},{"handler":"invoke","name":"r"}]}]`,
			`{"r":{"handle":[{"handler":"subroute","routes":[{"handle":[{"handler":"static_response","status_code":"{http.vars.v}","abort":false}]}]}]}}`),
	} {
		f.Add([]byte(s))
	}
	h, err := script.NewHelpers()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := caddyconf.Parse(data)
		if err != nil {
			return
		}
		prog, err := caddyconf.Lower(cfg)
		if err != nil {
			return
		}
		for _, sp := range prog.Servers {
			obj, err := Compile(prog, Options{Server: sp.Name})
			if err != nil {
				continue
			}
			elf, err := elfwrite.Write(obj)
			if err != nil {
				t.Fatalf("server %s: elfwrite: %v", sp.Name, err)
			}
			s, err := script.LoadObject("caddy", elf, h, script.Options{JIT: vm.JITOff})
			if err != nil {
				t.Fatalf("server %s: the VM refuses the compiled object: %v", sp.Name, err)
			}
			ch := script.NewChain(s)
			serve(t, ch, get("a.example/x/aa?k=v&a=1"))
			ch.Close()
		}
	})
}
