package ststest_test

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/alibabacloud-go/tea/dara"
	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts"
	"github.com/stsgo/sts/ststest"
)

// TestOIDCRawTokenParts holds RawHeader, RawClaims and PublicKey to their word: the
// token's first two parts decode to the bytes given, unchecked and not re-encoded
// (invalid JSON and invalid UTF-8 included), RawClaims wins over the claim options in
// any order, the signature is the provider's (PublicKey verifies it) unless
// SignedByAnotherKey, and the fake answers such tokens end to end.
func TestOIDCRawTokenParts(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	clock := func() time.Time { return now }
	srv := ststest.NewServer(ststest.WithClock(clock))
	defer srv.Close()
	provider := srv.AddOIDCProvider(ststest.DefaultAccountID, "ack", "https://oidc.example.com", "sts.aliyuncs.com")
	srv.Trust(srv.Role().Arn, provider.Arn)
	anon, err := sts.NewClient(&sts.Config{Endpoint: dara.String(srv.Endpoint()), Protocol: dara.String("HTTP")}, sts.WithClock(clock))
	require.NoError(t, err)
	b64 := base64.RawURLEncoding
	const good = `{"iss":"https://oidc.example.com","sub":"raw","aud":"sts.aliyuncs.com"}`

	tests := []struct {
		name           string
		opts           []ststest.TokenOption
		header, claims string // want, decoded; "" is what Token makes
		signedByKey    bool
		code           string
	}{
		{name: "default", signedByKey: true},
		{name: "raw claims", opts: []ststest.TokenOption{ststest.RawClaims(good)}, claims: good, signedByKey: true},
		{name: "raw claims win over options given after", opts: []ststest.TokenOption{ststest.RawClaims(good), ststest.Issuer("x"), ststest.Audience("y")}, claims: good, signedByKey: true},
		{name: "raw claims win over options given before", opts: []ststest.TokenOption{ststest.Expiry(now.Add(-time.Hour)), ststest.RawClaims(good)}, claims: good, signedByKey: true},
		{name: "raw header with a kid", opts: []ststest.TokenOption{ststest.RawHeader(`{"kid":"k1", "alg":"RS256"}`), ststest.RawClaims(good)}, header: `{"kid":"k1", "alg":"RS256"}`, claims: good, signedByKey: true},
		{name: "raw header naming none", opts: []ststest.TokenOption{ststest.RawHeader(`{"alg":"none"}`)}, header: `{"alg":"none"}`, signedByKey: true, code: "AuthenticationFail.OIDCToken.Invalid"},
		{name: "raw header not JSON", opts: []ststest.TokenOption{ststest.RawHeader("\xff{")}, header: "\xff{", signedByKey: true, code: "AuthenticationFail.OIDCToken.Invalid"},
		{name: "raw claims not JSON", opts: []ststest.TokenOption{ststest.RawClaims(`{"iss":`)}, claims: `{"iss":`, signedByKey: true, code: "AuthenticationFail.OIDCToken.InvalidSignature"},
		{name: "raw claims of another issuer", opts: []ststest.TokenOption{ststest.RawClaims(`{"iss":"x","aud":"sts.aliyuncs.com"}`)}, claims: `{"iss":"x","aud":"sts.aliyuncs.com"}`, signedByKey: true, code: "AuthenticationFail.OIDCToken.IssuerNotMatch"},
		{name: "raw parts signed by another key", opts: []ststest.TokenOption{ststest.RawHeader(`{"alg":"RS256"}`), ststest.RawClaims(good), ststest.SignedByAnotherKey()}, header: `{"alg":"RS256"}`, claims: good, code: "AuthenticationFail.OIDCToken.InvalidSignature"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			token := provider.Token("alice", tc.opts...)
			parts := strings.Split(token, ".")
			require.Len(t, parts, 3)
			header, err := b64.DecodeString(parts[0])
			require.NoError(t, err)
			claims, err := b64.DecodeString(parts[1])
			require.NoError(t, err)
			if tc.header == "" {
				tc.header = `{"alg":"RS256","typ":"JWT"}`
			}
			require.Equal(t, tc.header, string(header))
			if tc.claims != "" {
				require.Equal(t, tc.claims, string(claims))
			} else {
				require.Contains(t, string(claims), `"sub":"alice"`)
			}
			sig, err := b64.DecodeString(parts[2])
			require.NoError(t, err)
			digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
			verified := rsa.VerifyPKCS1v15(provider.PublicKey(), crypto.SHA256, digest[:], sig) == nil
			require.Equal(t, tc.signedByKey, verified, "PublicKey verifies the signature")

			resp, err := anon.AssumeRoleWithOIDC(new(sts.AssumeRoleWithOIDCRequest).SetRoleArn(srv.Role().Arn).
				SetOIDCProviderArn(provider.Arn).SetOIDCToken(token).SetRoleSessionName("pod"))
			if tc.code != "" {
				requireCode(t, err, 401, tc.code)
				return
			}
			require.NoError(t, err)
			if tc.claims == good {
				require.Equal(t, "raw", *resp.Body.OIDCTokenInfo.Subject)
			}
		})
	}
}

// ExampleRawClaims has the provider sign claims no real provider would write, an exp
// that is a string, and shows what the fake answers, as go-jose's Claims did: the
// claims do not decode, which counts as a bad signature.
func ExampleRawClaims() {
	srv := ststest.NewServer()
	defer srv.Close()
	provider := srv.AddOIDCProvider(ststest.DefaultAccountID, "ack", "https://oidc.example.com", "sts.aliyuncs.com")
	srv.Trust(srv.Role().Arn, provider.Arn)
	token := provider.Token("", ststest.RawClaims(`{"iss":"https://oidc.example.com","aud":"sts.aliyuncs.com","exp":"soon"}`))

	anon, _ := sts.NewClient(&sts.Config{Endpoint: dara.String(srv.Endpoint()), Protocol: dara.String("HTTP")})
	_, err := anon.AssumeRoleWithOIDC(new(sts.AssumeRoleWithOIDCRequest).SetRoleArn(srv.Role().Arn).
		SetOIDCProviderArn(provider.Arn).SetOIDCToken(token).SetRoleSessionName("pod"))
	fmt.Println(err.(*sts.ServiceError).Code)
	// Output:
	// AuthenticationFail.OIDCToken.InvalidSignature
}
