package sts

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/alibabacloud-go/tea/tea"

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
			scrubber{cred, []signer.Param{}})
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

// FuzzIssuedSecrets wraps an answer carrying newly issued credentials in whatever the
// fuzzer makes (noise before and after, a status, a cut anywhere, one of the shapes
// that proxies and echoing servers use) and requires that no 12-character piece of
// the issued secret or token reaches the error unless the noise itself holds it.
func FuzzIssuedSecrets(f *testing.F) {
	f.Add("", "garbage", "IssuedSecretCanary0123456789ab", "CAISIssuedToken+/0123456789abcdefABCDEF==", 200, 0, uint8(0))
	f.Add("<html><pre>", "</pre>", "wyLTSmsyPGP1ohvvw8xYgB29dlGI8KMiH2pK1234", "CAIShwJ1q6Ft5B2yfSjIr5fiNvPnrelQ0LSTbhfXhGUFVPEb1pbeoTz2IHhMSXBgA+AcwDh2u2RZ7v0Slq4qE", 502, 0, uint8(1))
	f.Add("", "", "abcdefghijklmnopqrstuvwxyz0123", "tokentokentokentokentokentoken", 200, 120, uint8(0))
	f.Add("x", "", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123", "0123456789+/0123456789+/0123456789", 500, 0, uint8(2))
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	shapes := []func(secret, token string) string{
		func(secret, token string) string { // STS's JSON
			return fmt.Sprintf(`{"RequestId":"R","Credentials":{"AccessKeyId":"STS.x","AccessKeySecret":%q,"SecurityToken":%q,"Expiration":"2030-01-01T00:00:00Z"}}`, secret, token)
		},
		func(secret, token string) string { // HTML-escaped JSON
			return fmt.Sprintf(`{&quot;AccessKeySecret&quot;: &quot;%s&quot;, &quot;SecurityToken&quot;: &quot;%s&quot;}`, secret, token)
		},
		func(secret, token string) string { // an error whose Message is the answer
			inner := fmt.Sprintf(`{"Credentials":{"AccessKeySecret":%q,"SecurityToken":%q}}`, secret, token)
			q, _ := json.Marshal(inner)
			return `{"Code":"InternalError","Message":` + string(q) + `,"RequestId":"R"}`
		},
		func(secret, token string) string { // XML
			return "<Credentials><AccessKeySecret>" + secret + "</AccessKeySecret><SecurityToken>" + token + "</SecurityToken></Credentials>"
		},
	}
	f.Fuzz(func(t *testing.T, before, after, secret, token string, status, cut int, shape uint8) {
		if status < 100 || status > 999 || len(secret) < 12 || len(token) < 12 {
			return
		}
		// Credentials are base64-like; map the fuzzer's bytes onto that alphabet.
		toAlphabet := func(s string) string {
			b := []byte(s)
			for i := range b {
				b[i] = alphabet[int(b[i])%len(alphabet)]
			}
			return string(b)
		}
		secret, token = toAlphabet(secret), toAlphabet(token)
		answer := shapes[int(shape)%len(shapes)](secret, token)
		if cut > 0 && cut < len(answer) {
			answer = answer[:cut]
		}
		body := before + answer + after
		resp := &http.Response{StatusCode: status, Header: http.Header{}}
		out, err := decode[AssumeRoleResponseBody](opAssumeRole, resp, []byte(body), "hdr",
			scrubber{cred: credential{accessKeyID: "id", accessKeySecret: "callersecret"}})
		if err == nil {
			_ = out // a whole answer, read as such: nothing to leak
			return
		}
		text := err.Error()
		var sdkErr *tea.SDKError
		if errors.As(err, &sdkErr) {
			text += fmt.Sprint(sdkErr.Data)
		}
		for _, s := range []string{secret, token} {
			for i := 0; i+12 <= len(s); i++ {
				piece := s[i : i+12]
				if strings.Contains(text, piece) && !strings.Contains(before+after, piece) {
					t.Fatalf("a piece %q of an issued secret leaked into %q (body %q)", piece, text, body)
				}
			}
		}
	})
}
