package ststest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"testing"
	"time"
)

// TestOIDCVerdictsAsGoJose holds the fake's OIDC check to what it answered while
// go-jose made the check (ParseSigned with RS256 only, Claims, ValidateWithLeeway(...,
// 0)), for tokens on which a first standard-library check answered otherwise. The
// wanted answers were measured on the code before go-jose was dropped (the same
// tokens, the same clock), by a reviewer other than the check's author: a second,
// independent record beside the interop module's differential test.
func TestOIDCVerdictsAsGoJose(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &OIDCProvider{Issuer: "https://oidc.example.com", ClientIDs: []string{"sts.aliyuncs.com", "other"}, key: key}
	now := time.Unix(1_800_000_000, 0)
	enc := base64.RawURLEncoding
	token := func(header, payload string) string {
		in := enc.EncodeToString([]byte(header)) + "." + enc.EncodeToString([]byte(payload))
		d := sha256.Sum256([]byte(in))
		sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, d[:])
		if err != nil {
			t.Fatal(err)
		}
		return in + "." + enc.EncodeToString(sig)
	}
	const (
		rs256     = `{"alg":"RS256","typ":"JWT"}`
		good      = `"iss":"https://oidc.example.com","sub":"s","aud":"sts.aliyuncs.com","exp":1800003600`
		ok        = ""
		invalid   = "AuthenticationFail.OIDCToken.Invalid"
		signature = "AuthenticationFail.OIDCToken.InvalidSignature"
		issuer    = "AuthenticationFail.OIDCToken.IssuerNotMatch"
	)
	for _, tc := range []struct{ name, header, payload, want string }{
		// A signed payload whose claims do not decode: go-jose's Claims failed, which
		// the fake answered as a signature that does not verify.
		{"exp a string", rs256, `{"iss":"https://oidc.example.com","aud":"sts.aliyuncs.com","exp":"1800003600"}`, signature},
		{"exp 1e300", rs256, `{"iss":"https://oidc.example.com","aud":"sts.aliyuncs.com","exp":1e300}`, signature},
		{"aud a number", rs256, `{"iss":"https://oidc.example.com","aud":5}`, signature},
		{"aud null", rs256, `{"iss":"https://oidc.example.com","aud":null}`, signature},
		{"iss a number", rs256, `{"iss":5,"aud":"sts.aliyuncs.com"}`, signature},
		{"sub a number", rs256, `{"iss":"https://oidc.example.com","sub":5,"aud":"sts.aliyuncs.com"}`, signature},
		{"jti a number", rs256, `{` + good + `,"jti":5}`, signature},
		{"payload an array", rs256, `[1]`, signature},
		{"payload with trailing bytes", rs256, `{` + good + `} x`, signature},
		{"payload null", rs256, `null`, issuer},
		// Duplicate names: go-jose refused them; encoding/json keeps the last.
		{"exp twice", rs256, `{` + good + `,"exp":1800003601}`, signature},
		{"iss twice", rs256, `{` + good + `,"iss":"https://evil.example.com"}`, signature},
		{"alg twice, none first", `{"alg":"none","alg":"RS256"}`, `{` + good + `}`, invalid},
		// Headers go-jose refused.
		{"b64 false", `{"alg":"RS256","b64":false}`, `{` + good + `}`, signature},
		{"an embedded jwk", `{"alg":"RS256","jwk":{"kty":"oct","k":"AA"}}`, `{` + good + `}`, invalid},
		// Headers go-jose accepted.
		{"crit empty", `{"alg":"RS256","crit":[]}`, `{` + good + `}`, ok},
		{"crit null", `{"alg":"RS256","crit":null}`, `{` + good + `}`, ok},
		{"alg spelled with JSON escapes", `{"alg":"RS\u0032\u00356"}`, `{` + good + `}`, ok},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, e := p.verify(token(tc.header, tc.payload), now)
			got := ok
			if e != nil {
				got = e.code
			}
			if got != tc.want {
				t.Errorf("got %q, go-jose's check answered %q", got, tc.want)
			}
		})
	}
}
