package helpers

import (
	"strconv"

	"github.com/zeroserve/zeroserve/internal/vm"
)

// DefaultBodyJSONLimit is the largest request body zs_req_body_json
// parses (the original's --max-buffered-body-size-kb 256).
const DefaultBodyJSONLimit = 256 << 10

func init() {
	table = append(table, []struct {
		name string
		fn   vm.HelperFunc
	}{
		{"zs_req_body_json", zsReqBodyJSON},
		{"zs_req_body_limit", zsReqBodyLimit},
	}...)
}

// bodyJSONLimit is the request's current limit for zs_req_body_json.
func (ex *Exchange) bodyJSONLimit() int64 {
	switch {
	case ex.bodyLimit < 0:
		return 0
	case ex.bodyLimit > 0 && ex.bodyLimit < DefaultBodyJSONLimit:
		return ex.bodyLimit
	}
	return DefaultBodyJSONLimit
}

// zsReqBodyJSON is zs_req_body_json() -> handle to the request body parsed
// as JSON, or -1 when the body is empty, larger than the limit
// (DefaultBodyJSONLimit, lowered by zs_req_body_limit) or not JSON. Every
// call parses into a tree of its own, counted against the memory budget.
func zsReqBodyJSON(c *vm.Context, _, _, _, _, _ uint64) (uint64, error) {
	k, err := current(c)
	if err != nil {
		return 0, err
	}
	b := k.Ex.Body
	if len(b) == 0 || int64(len(b)) > k.Ex.bodyJSONLimit() {
		return minusOne, nil
	}
	return parseToHandle(c, k, b)
}

// zsReqBodyLimit is zs_req_body_limit(max) -> 0/1: lowers the request's
// body limit (the lowest limit set wins; 0 is a limit of 0 bytes) and
// returns 1 when the body, or its announced Content-Length, is already
// larger.
func zsReqBodyLimit(c *vm.Context, limit, _, _, _, _ uint64) (uint64, error) {
	k, err := current(c)
	if err != nil {
		return 0, err
	}
	ex := k.Ex
	lim := int64(min(limit, 1<<62))
	switch {
	case lim == 0:
		ex.bodyLimit = -1
	case ex.bodyLimit == 0 || ex.bodyLimit > lim:
		ex.bodyLimit = lim
	}
	over := int64(len(ex.Body)) > lim || ex.BodyLength > lim
	if v, ok := ex.Req.Get("Content-Length"); ok {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > lim {
			over = true
		}
	}
	return boolResult(over), nil
}
