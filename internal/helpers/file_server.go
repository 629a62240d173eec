package helpers

import (
	"strconv"

	"github.com/zeroserve/zeroserve/internal/http1"
	"github.com/zeroserve/zeroserve/internal/vm"
)

func init() {
	table = append(table, struct {
		name string
		fn   vm.HelperFunc
	}{"zs_file_server", zsFileServer})
}

// zsFileServer is zs_file_server(cfg, len) -> 0 served | 1 pass_thru miss
// | 2 error: serve the request's path with Caddy's file_server semantics,
// configured by Caddy file_server JSON at (cfg, len) ("{}": the site's own
// files, index.html/index.txt). 2 fills http.error.status_code,
// http.error.status_text and http.error.message in the metadata; the
// script then decides (zs_respond, or let the chain go on). An invalid
// configuration traps.
func zsFileServer(c *vm.Context, p, n, _, _, _ uint64) (uint64, error) {
	k, err := current(c)
	if err != nil {
		return 0, err
	}
	fsrv, err := cachedConfig(c, "zs_file_server", p, n, func(b []byte) (*CaddyFileServer, error) {
		cfg := new(CaddyFileServer)
		if err := decodeStrict(b, cfg); err != nil {
			return nil, err
		}
		if _, err := newFileServer(cfg); err != nil {
			return nil, err
		}
		return cfg, nil
	})
	if err != nil {
		return 0, err
	}
	ex := k.Ex
	raised := ex.caddy.raised
	r := fsrv.serve(ex, replacer{ex})
	if r == fileError {
		e := ex.caddy.raised
		ex.caddy.raised = raised
		for _, kv := range [...][2]string{
			{"http.error.status_code", strconv.Itoa(e.status)},
			{"http.error.status_text", http1.StatusText(e.status)},
			{"http.error.message", e.message},
		} {
			if err := ex.budget().Take(int64(len(kv[0]) + len(kv[1]))); err != nil {
				return 0, err
			}
			if ex.Meta == nil {
				ex.Meta = map[string]string{}
			}
			ex.Meta[kv[0]] = kv[1]
		}
	}
	return uint64(r), nil
}
