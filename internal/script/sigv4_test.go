package script

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/zeroserve/zeroserve/internal/vm"
	"github.com/zeroserve/zeroserve/internal/vm/abi"
)

// TestSigV4Helpers runs the zs_aws_v4_* helpers through the C ABI (the
// 144-byte params struct) and checks them against aws-sdk-go-v2 on the
// original's test vectors; then the -1, -2 and trap paths.
func TestSigV4Helpers(t *testing.T) {
	ts := time.UnixMilli(1704067200000).UTC()
	creds := aws.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}
	const emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	s3 := func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }

	req, _ := http.NewRequest("GET", "https://s3.amazonaws.com/my-bucket/test-object", nil)
	req.Header.Set("X-Amz-Content-Sha256", emptyHash)
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, emptyHash, "s3", "us-east-1", ts, s3); err != nil {
		t.Fatal(err)
	}
	wantHeader := req.Header.Get("Authorization")

	req, _ = http.NewRequest("GET", "https://s3.amazonaws.com/my-bucket/test-object?prefix=docs/&X-Amz-Expires=3600", nil)
	url, _, err := v4.NewSigner().PresignHTTP(context.Background(), creds, req, "UNSIGNED-PAYLOAD", "s3", "us-east-1", ts, s3)
	if err != nil {
		t.Fatal(err)
	}
	wantURL := strings.TrimPrefix(url, "https://s3.amazonaws.com")
	if !strings.Contains(wantURL, "prefix=docs%2F") || !strings.Contains(wantURL, "X-Amz-SignedHeaders=host&") {
		t.Fatalf("SDK URL %s", wantURL)
	}

	eachEngine(t, func(t *testing.T, mode vm.JITMode) {
		ch := loadFixtures(t, mode, "sigv4")
		for _, c := range []struct{ op, want string }{
			{"header", wantHeader},
			{"presign", wantURL},
			{"short", wantHeader[:9]},
			{"limit", "-1"},
			{"expires", "-1"},
			{"nohost", "-2"},
		} {
			ex, err := runOp(t, ch, "op="+c.op)
			if err != nil || ex.Response.Status != 200 || string(ex.Response.Body) != c.want {
				t.Errorf("%s: %v %d\n got %s\nwant %s", c.op, err, ex.Response.Status, ex.Response.Body, c.want)
			}
		}
		for _, op := range []string{"size", "misaligned"} {
			if _, err := runOp(t, ch, "op="+op); !errors.Is(err, abi.TrapHelper) {
				t.Errorf("%s: got %v, want a helper trap", op, err)
			}
		}
	})
}
