package sts

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stsgo/sts/internal/signer"
)

// FuzzDecode feeds arbitrary bodies and statuses to the response decoder: it must
// never panic, must return either a body or a *ServiceError, a body only with all
// three credentials and a parseable Expiration, and no error text may carry the
// call's secret.
func FuzzDecode(f *testing.F) {
	for _, seed := range []string{
		`{"RequestId":"r","Credentials":{"AccessKeyId":"STS.x","AccessKeySecret":"s","SecurityToken":"t","Expiration":"2030-01-01T00:00:00Z"}}`,
		`{"Code":"NoPermission","Message":"no","RequestId":"r","AccessDeniedDetail":{"AuthAction":"sts:AssumeRole"}}`,
		`{"Code":"X","AccessDeniedDetail":"a string"}`,
		`<html>502</html>`, `{"RequestId":`, ``, `null`, `[]`, `{"Code":""}`,
	} {
		f.Add(seed, 200)
		f.Add(seed, 403)
	}
	const secret = "FuzzSecretValue0123"
	cred := credential{accessKeyID: "id", accessKeySecret: secret, securityToken: "FuzzTokenValue4567"}
	f.Fuzz(func(t *testing.T, body string, status int) {
		if status < 100 || status > 999 {
			return
		}
		body = strings.ReplaceAll(body, "SECRET", secret) // let the fuzzer place the secret
		resp := &http.Response{StatusCode: status, Header: http.Header{"X-Acs-Request-Id": {"hdr"}}}
		out, err := decode[AssumeRoleResponseBody](opAssumeRole, resp, []byte(body), "hdr",
			func(s string) string { return scrub(s, cred, []signer.Param{}) })
		if (out == nil) == (err == nil) {
			t.Fatalf("decode returned body %v and error %v", out, err)
		}
		if out != nil {
			c := out.Body.Credentials
			if c == nil || deref(c.AccessKeyId) == "" || deref(c.AccessKeySecret) == "" || deref(c.SecurityToken) == "" {
				t.Fatalf("a success without usable credentials: %v", out)
			}
			if _, err := c.ExpirationTime(); err != nil {
				t.Fatalf("a success whose Expiration does not parse: %v", err)
			}
		}
		if err != nil {
			var se *ServiceError
			if !errors.As(err, &se) {
				t.Fatalf("error %T is not a *ServiceError", err)
			}
			if strings.Contains(err.Error(), secret) {
				t.Fatalf("the secret leaked into %q", err.Error())
			}
			if se.StatusCode != status {
				t.Fatalf("StatusCode %d, want %d", se.StatusCode, status)
			}
		}
	})
}

// FuzzParseExpiration holds parseExpiration to time.Parse with ExpirationLayout.
func FuzzParseExpiration(f *testing.F) {
	for _, s := range []string{"2030-01-01T00:00:00Z", "2024-02-29T23:59:59Z", "2023-02-29T00:00:00Z", "2030-13-01T00:00:00Z",
		"2030-01-01T24:00:00Z", "2030-01-01T00:00:60Z", "0000-01-01T00:00:00Z", "2030-01-01 00:00:00Z", "+030-01-01T00:00:00Z", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := time.Parse(ExpirationLayout, s)
		got, ok := parseExpiration(s)
		if ok != (err == nil) || !got.Equal(want) {
			t.Fatalf("parseExpiration(%q) = %v, %v; time.Parse: %v, %v", s, got, ok, want, err)
		}
	})
}
