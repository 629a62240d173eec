package compile

import (
	"fmt"

	"github.com/zeroserve/zeroserve/internal/bpf"
	"github.com/zeroserve/zeroserve/internal/caddyconf"
	"github.com/zeroserve/zeroserve/internal/helpers"
	"github.com/zeroserve/zeroserve/internal/vm/abi"
)

// request emits the request section: what Caddy's Server.ServeHTTP does
// around the server's route lists.
//
//	[r1, r2 = &cfg, len                   ; with trusted proxies: the client IP
//	 call zs_caddy_client_ip]
//	[r1 = snapshot; call zs_caddy_error]  ; with error routes or {http.request.orig_*}:
//	                                      ; keep the request
//	<routes>                              ; inline list, result in r0
//	if r0 == 1 goto done                  ; answered or aborted
//	if r0 != 3 goto empty                 ; 0 or 2: nobody answered
//	[r1 = server; call zs_caddy_error     ; restore the request, error in context
//	 <error routes>; if r0 == 1 goto done]
//	r1 = respond; call zs_caddy_error     ; the error's status, empty body
//	goto done
//	empty: zs_respond(200, "", 0)         ; net/http's implicit 200
//	done: r0 = 0; exit
func (c *compiler) request() error {
	sp := c.server
	for _, rl := range [...]struct {
		path string
		need int
	}{{sp.Routes.Path, listNeeds(sp.Routes)}, {errPath(sp), errNeeds(sp)}} {
		if 1+rl.need > abi.MaxCallDepth {
			return &Error{Path: rl.path, Msg: fmt.Sprintf("routes nest %d calls deep, over the VM's %d frames", 1+rl.need, abi.MaxCallDepth)}
		}
	}
	end, errEnd, empty, done := c.e.NewLabel(), c.e.NewLabel(), c.e.NewLabel(), c.e.NewLabel()
	if js, err := clientIPConfig(sp); err != nil {
		return err
	} else if js != "" {
		c.e.LoadString(bpf.R1, bpf.R2, js)
		c.e.CallHelper("zs_caddy_client_ip")
	}
	if sp.Errors != nil || c.pre.orig {
		c.e.Mov64Imm(bpf.R1, helpers.CaddyErrorSnapshot)
		c.e.CallHelper("zs_caddy_error")
	}
	if err := c.listBody(sp.Routes, sourceRoutes(sp.Server.Routes), end); err != nil {
		return err
	}
	c.e.Bind(end)
	c.e.JumpImm(bpf.JumpJEQ, bpf.R0, 1, done)
	c.e.JumpImm(bpf.JumpJNE, bpf.R0, resultError, empty)
	if sp.Errors != nil {
		c.e.Mov64Imm(bpf.R1, helpers.CaddyErrorServer)
		c.e.CallHelper("zs_caddy_error")
		if err := c.listBody(sp.Errors, sourceRoutes(sp.Server.Errors.Routes), errEnd); err != nil {
			return err
		}
		c.e.Bind(errEnd)
		c.e.JumpImm(bpf.JumpJEQ, bpf.R0, 1, done)
	}
	c.e.Mov64Imm(bpf.R1, helpers.CaddyErrorRespond)
	c.e.CallHelper("zs_caddy_error")
	c.e.Jump(done)
	c.e.Bind(empty)
	c.e.Mov64Imm(bpf.R1, 200)
	c.e.Mov64Imm(bpf.R2, 0)
	c.e.Mov64Imm(bpf.R3, 0)
	c.e.CallHelper("zs_respond")
	c.e.Bind(done)
	c.e.Mov64Imm(bpf.R0, 0)
	c.e.Exit()
	return nil
}

func errPath(sp *caddyconf.ServerProgram) string {
	if sp.Errors == nil {
		return ""
	}
	return sp.Errors.Path
}

func errNeeds(sp *caddyconf.ServerProgram) int {
	if sp.Errors == nil {
		return 0
	}
	return listNeeds(sp.Errors)
}
