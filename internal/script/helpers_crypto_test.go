package script

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/zeroserve/zeroserve/internal/vm"
	"github.com/zeroserve/zeroserve/internal/vm/abi"
)

func TestCryptoAndEncoding(t *testing.T) {
	eachEngine(t, func(t *testing.T, mode vm.JITMode) {
		ch := loadFixtures(t, mode, "crypto")
		var rands []string
		for range 2 {
			ex, err := runOp(t, ch, "op=all")
			if err != nil || ex.Response.Status != 200 {
				t.Fatalf("%v %d", err, ex.Response.Status)
			}
			var got map[string]any
			if err := json.Unmarshal(ex.Response.Body, &got); err != nil {
				t.Fatal(err)
			}
			rands = append(rands, got["rand"].(string))
			delete(got, "rand")
			want := map[string]any{
				"sha_ret": 32.0, "sha": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
				"hmac_ret": 32.0, "hmac": "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8",
				"b64_0": "+/+/Pw==", "d64_0": 4.0, "b64_1": "+/+/Pw", "d64_1": 4.0,
				"b64_2": "-_-_Pw==", "d64_2": 4.0, "b64_3": "-_-_Pw", "d64_3": 4.0,
				"b64_need": 8.0, "b64_bad": -1.0, "b64_empty": 0.0,
				"hex_need": 8.0, "hex_upper": "FBFFBF3F", "hex_dec": 4.0, "hex_dec_ok": 1.0,
				"hex_odd": -1.0, "hex_bad": -1.0, "rand_ret": 16.0, "rand_zero": 0.0,
			}
			for k, v := range want {
				if got[k] != v {
					t.Errorf("%s = %v, want %v", k, got[k], v)
				}
			}
			if len(got) != len(want) {
				t.Errorf("got %d keys, want %d: %v", len(got), len(want), got)
			}
		}
		if rands[0] == rands[1] || len(rands[0]) != 32 || rands[0] == "00000000000000000000000000000000" {
			t.Errorf("getrandom gave %q", rands)
		}
		for _, op := range []string{"sha_len", "b64_enc", "b64_short", "hex_case", "hex_short"} {
			if _, err := runOp(t, ch, "op="+op); !errors.Is(err, abi.TrapHelper) {
				t.Errorf("%s: got %v, want a helper trap", op, err)
			}
		}
		if _, err := runOp(t, ch, "op=hmac_ro"); !errors.Is(err, abi.TrapMemory) {
			t.Errorf("hmac into read-only memory: got %v", err)
		}
	})
}
