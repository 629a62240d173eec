package helpers

import (
	"fmt"

	"github.com/zeroserve/zeroserve/internal/vm"
)

// table is every helper this package implements, by its name in
// sdk/zeroserve.h. Ids are assigned in this order by Register.
var table = []struct {
	name string
	fn   vm.HelperFunc
}{
	{"zs_log", zsLog},
	{"zs_now_ms", zsNowMs},
	{"zs_memcpy", zsMemcpy},
	{"memcpy", zsMemcpy},
	{"zs_memset", zsMemset},
	{"memset", zsMemset},
	{"zs_memcmp", zsMemcmp},

	{"zs_req_method", reqString(func(r *Request) string { return r.Method })},
	{"zs_req_path", reqString(func(r *Request) string { return r.Path })},
	{"zs_req_uri", reqString((*Request).URI)},
	{"zs_req_query", reqString(func(r *Request) string { return r.RawQuery })},
	{"zs_req_scheme", reqString(func(r *Request) string { return r.Scheme })},
	{"zs_req_peer", reqString(func(r *Request) string { return r.Peer })},
	{"zs_req_proto_major", reqValue(func(r *Request) uint64 { return uint64(r.ProtoMajor) })},
	{"zs_req_proto_minor", reqValue(func(r *Request) uint64 { return uint64(r.ProtoMinor) })},
	{"zs_req_is_tls", reqValue(func(r *Request) uint64 { return boolResult(r.TLS) })},
	{"zs_req_header", keyedString(func(ex *Exchange, name string) string { v, _ := ex.Req.Get(name); return v })},
	{"zs_req_query_param", keyedString(func(ex *Exchange, name string) string { v, _ := ex.Req.QueryParam(name); return v })},
	{"zs_req_set_method", zsReqSetMethod},
	{"zs_req_set_uri", zsReqSetURI},
	{"zs_req_set_header", headerOp("zs_req_set_header", func(r *Request, n, v string) {
		if v == "" {
			r.Delete(n)
		} else {
			r.Set(n, v)
		}
	})},
	{"zs_req_append_header", headerOp("zs_req_append_header", (*Request).Add)},
	{"zs_req_delete_header", zsReqDeleteHeader},

	{"zs_meta_get", keyedString(func(ex *Exchange, key string) string { return ex.Meta[key] })},
	{"zs_meta_set", zsMetaSet},

	{"zs_respond", zsRespond},
	{"zs_reverse_proxy", zsReverseProxy},
	{"zs_abort", zsAbort},
	{"zs_response_pending", zsResponsePending},
	{"zs_response_clear", zsResponseClear},

	// Caddy compiler helpers (caddy_*.go).
	{"zs_caddy_host_dispatch", zsCaddyHostDispatch},
	{"zs_caddy_match", zsCaddyMatch},
	{"zs_caddy_handle", zsCaddyHandle},
	{"zs_caddy_group", zsCaddyGroup},
	{"zs_caddy_error", zsCaddyError},

	// JSON handles, crypto, encoding, env, rate limiting, zs_call, response
	// hooks, SigV4 (J1).
	{"zs_json_parse", zsJSONParse},
	{"zs_json_reset", zsJSONReset},
	{"zs_json_get", zsJSONGet},
	{"zs_json_array_get", zsJSONArrayGet},
	{"zs_json_read_string", zsJSONReadString},
	{"zs_json_read_i64", zsJSONReadI64},
	{"zs_json_read_bool", zsJSONReadBool},
	{"zs_json_new_object", jsonNew(jsonObject)},
	{"zs_json_new_array", jsonNew(jsonArray)},
	{"zs_json_clone", zsJSONClone},
	{"zs_json_type", zsJSONType},
	{"zs_json_len", zsJSONLen},
	{"zs_json_set", zsJSONSet},
	{"zs_json_remove", zsJSONRemove},
	{"zs_json_array_push", zsJSONArrayPush},
	{"zs_json_array_set", zsJSONArraySet},
	{"zs_json_set_string", zsJSONSetString},
	{"zs_json_set_i64", zsJSONSetI64},
	{"zs_json_set_bool", zsJSONSetBool},
	{"zs_json_set_null", zsJSONSetNull},
	{"zs_json_respond", zsJSONRespond},
	{"zs_object_free", zsObjectFree},
	{"zs_getrandom", zsGetrandom},
	{"zs_sha256", zsSHA256},
	{"zs_hmac_sha256", zsHMACSHA256},
	{"zs_base64_encode", zsBase64Encode},
	{"zs_base64_decode_in_place", zsBase64DecodeInPlace},
	{"zs_hex_encode", zsHexEncode},
	{"zs_hex_decode_in_place", zsHexDecodeInPlace},
	{"zs_env_get", zsEnvGet},
	{"zs_rate_limit", zsRateLimit},
	{"zs_call", zsCall},
	{"zs_res_hook", zsResHook},
	{"zs_res_hooks_clear", zsResHooksClear},
	{"zs_res_status", zsResStatus},
	{"zs_res_set_status", zsResSetStatus},
	{"zs_res_header", zsResHeader},
	{"zs_res_continue_request", zsResContinueRequest},
	{"zs_aws_v4_authorization_header", sigV4Helper(false)},
	{"zs_aws_v4_presigned_url", sigV4Helper(true)},
}

// Register adds every helper to h.
func Register(h *vm.Helpers) error {
	for _, e := range table {
		if _, err := h.Register(e.name, e.fn); err != nil {
			return fmt.Errorf("helpers: %w", err)
		}
	}
	return nil
}

// Names returns the names of the implemented helpers, in table order.
func Names() []string {
	names := make([]string, len(table))
	for i, e := range table {
		names[i] = e.name
	}
	return names
}
