package helpers

import (
	"errors"
	"strconv"
	"strings"

	"github.com/zeroserve/zeroserve/internal/http1"
	"github.com/zeroserve/zeroserve/internal/vm"
)

func init() {
	table = append(table, []struct {
		name string
		fn   vm.HelperFunc
	}{
		{"zs_file_server", zsFileServer},
		{"zs_load_file_metadata", zsLoadFileMetadata},
		{"zs_load_static_json", zsLoadStaticJSON},
	}...)
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

// maxStaticJSON bounds the file zs_load_static_json reads (its parse also
// counts against the request's memory budget).
const maxStaticJSON = 4 << 20

// siteFile returns the site file named verbatim by the guest string at
// (p, n): a tarball key, no leading slash, not normalised. ok is false when
// there is no site or no such regular file.
func siteFile(c *vm.Context, ex *Exchange, p, n uint64) (name string, ok bool, err error) {
	name, err = guestText(c, p, n)
	if err != nil || ex.Site == nil || name == "" {
		return "", false, err
	}
	in, err := ex.Site.Stat(name)
	if err != nil || in.Dir {
		return "", false, nil
	}
	return name, true, nil
}

// zsLoadFileMetadata is zs_load_file_metadata(path, len) -> h | -1: a
// JSON object {"size": bytes, "etag": "<32 hex>", "mtime": unix seconds}
// for the site file path (verbatim tarball key: "data/x.json", not
// "/data/x.json"); -1 without a site or such a file.
func zsLoadFileMetadata(c *vm.Context, p, n, _, _, _ uint64) (uint64, error) {
	k, err := current(c)
	if err != nil {
		return 0, err
	}
	name, ok, err := siteFile(c, k.Ex, p, n)
	if err != nil || !ok {
		return minusOne, err
	}
	in, _ := k.Ex.Site.Stat(name)
	js := `{"size":` + strconv.FormatInt(in.Size, 10) + `,"etag":"` + strings.Trim(in.ETag, `"`) + `","mtime":` + strconv.FormatInt(in.ModTime.Unix(), 10) + `}`
	root, err := parseJSON([]byte(js), k.Ex.budget())
	if err != nil {
		return 0, err
	}
	return k.objects.addTree(root)
}

// zsLoadStaticJSON is zs_load_static_json(path, len) -> h | -1: the site
// file path (verbatim tarball key) parsed as JSON; -1 without a site or
// such a file, for a file over 4 MiB or one that is not JSON.
func zsLoadStaticJSON(c *vm.Context, p, n, _, _, _ uint64) (uint64, error) {
	k, err := current(c)
	if err != nil {
		return 0, err
	}
	name, ok, err := siteFile(c, k.Ex, p, n)
	if err != nil || !ok {
		return minusOne, err
	}
	in, _ := k.Ex.Site.Stat(name)
	if in.Size > maxStaticJSON {
		return minusOne, nil
	}
	if err := c.Charge(uint64(in.Size)); err != nil {
		return 0, err
	}
	f, err := k.Ex.Site.Open(name)
	if err != nil {
		return minusOne, nil
	}
	b := make([]byte, in.Size)
	_, rerr := f.ReadAt(b, 0)
	f.Close()
	if rerr != nil && in.Size > 0 {
		return minusOne, nil
	}
	root, err := parseJSON(b, k.Ex.budget())
	var be *BudgetError
	if errors.As(err, &be) {
		return 0, err
	}
	if err != nil {
		return minusOne, nil
	}
	return k.objects.addTree(root)
}
