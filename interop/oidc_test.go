package interop

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"testing"
	"time"

	"github.com/alibabacloud-go/tea/dara"
	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts"
	"github.com/stsgo/sts/ststest"
)

// TestOIDCTokensAgreeWithGoJose holds the fake's JWTs, minted and checked with the
// standard library, to go-jose (the JOSE library the fake used before): every token
// the fake mints parses with go-jose's jwt.ParseSigned limited to RS256, with the
// header and claims it was asked for, and the fake's answer to it is the one go-jose's
// ValidateWithLeeway(..., 0) gives at the server's time. Tokens go-jose signs reach the
// fake's signature check (RS256 with a key the provider does not have) or are refused
// as not RS256 at all (HS256, none).
func TestOIDCTokensAgreeWithGoJose(t *testing.T) {
	now := time.Unix(1_800_000_000, 0) // a whole second, so that a token can expire exactly now
	clock := func() time.Time { return now }
	srv := ststest.NewServer(ststest.WithClock(clock))
	defer srv.Close()
	provider := srv.AddOIDCProvider(ststest.DefaultAccountID, "ack", "https://oidc.example.com", "sts.aliyuncs.com", "app")
	srv.Trust(srv.Role().Arn, provider.Arn)
	anon, err := sts.NewClient(&sts.Config{Endpoint: dara.String(srv.Endpoint()), Protocol: dara.String("HTTP")}, sts.WithClock(clock))
	require.NoError(t, err)
	exchange := func(token string) error {
		_, err := anon.AssumeRoleWithOIDC(new(sts.AssumeRoleWithOIDCRequest).SetRoleArn(srv.Role().Arn).
			SetOIDCProviderArn(provider.Arn).SetOIDCToken(token).SetRoleSessionName("pod"))
		return err
	}
	code := func(err error) string {
		var se *sts.ServiceError
		if errors.As(err, &se) {
			return se.Code
		}
		require.NoError(t, err)
		return ""
	}
	// What the fake answers for each go-jose verdict.
	verdicts := []struct {
		err  error
		code string
	}{
		{jwt.ErrInvalidIssuer, "AuthenticationFail.OIDCToken.IssuerNotMatch"},
		{jwt.ErrInvalidAudience, "AuthenticationFail.OIDCToken.AudienceNotMatch"},
		{jwt.ErrExpired, "AuthenticationFail.OIDCToken.Expired"},
		{jwt.ErrNotValidYet, "AuthenticationFail.OIDCToken.Invalid"},
		{jwt.ErrIssuedInTheFuture, "AuthenticationFail.OIDCToken.Invalid"},
	}
	expected := jwt.Expected{Issuer: provider.Issuer, AnyAudience: provider.ClientIDs, Time: now}

	tests := []struct {
		name string
		opts []ststest.TokenOption
		aud  []string
		exp  *jwt.NumericDate
	}{
		{name: "defaults", aud: []string{"sts.aliyuncs.com"}, exp: jwt.NewNumericDate(now.Add(time.Hour))},
		{name: "the second client ID", opts: []ststest.TokenOption{ststest.Audience("x", "app")}, aud: []string{"x", "app"}, exp: jwt.NewNumericDate(now.Add(time.Hour))},
		{name: "another audience", opts: []ststest.TokenOption{ststest.Audience("x")}, aud: []string{"x"}, exp: jwt.NewNumericDate(now.Add(time.Hour))},
		{name: "no audience", opts: []ststest.TokenOption{ststest.Audience()}, exp: jwt.NewNumericDate(now.Add(time.Hour))},
		{name: "expires now", opts: []ststest.TokenOption{ststest.Expiry(now)}, aud: []string{"sts.aliyuncs.com"}, exp: jwt.NewNumericDate(now)},
		{name: "expired a second ago", opts: []ststest.TokenOption{ststest.Expiry(now.Add(-time.Second))}, aud: []string{"sts.aliyuncs.com"}, exp: jwt.NewNumericDate(now.Add(-time.Second))},
		{name: "no expiry", opts: []ststest.TokenOption{ststest.Expiry(time.Time{})}, aud: []string{"sts.aliyuncs.com"}},
		{name: "another issuer", opts: []ststest.TokenOption{ststest.Issuer("https://evil.example.com")}, aud: []string{"sts.aliyuncs.com"}, exp: jwt.NewNumericDate(now.Add(time.Hour))},
		{name: "another issuer and audience", opts: []ststest.TokenOption{ststest.Issuer(""), ststest.Audience("x"), ststest.Expiry(now.Add(-time.Hour))}, aud: []string{"x"}, exp: jwt.NewNumericDate(now.Add(-time.Hour))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			token := provider.Token("system:serviceaccount:default:app", tc.opts...)
			parsed, err := jwt.ParseSigned(token, []jose.SignatureAlgorithm{jose.RS256})
			require.NoError(t, err)
			require.Len(t, parsed.Headers, 1)
			require.Equal(t, "RS256", parsed.Headers[0].Algorithm)
			require.Equal(t, "JWT", parsed.Headers[0].ExtraHeaders[jose.HeaderType])
			var claims jwt.Claims
			require.NoError(t, parsed.UnsafeClaimsWithoutVerification(&claims))
			require.Equal(t, "system:serviceaccount:default:app", claims.Subject)
			require.Equal(t, jwt.Audience(tc.aud), claims.Audience)
			require.Equal(t, tc.exp, claims.Expiry)
			require.Equal(t, jwt.NewNumericDate(now), claims.IssuedAt)
			require.Equal(t, jwt.NewNumericDate(now), claims.NotBefore)

			want := ""
			verdict := claims.ValidateWithLeeway(expected, 0)
			for _, v := range verdicts {
				if errors.Is(verdict, v.err) {
					want = v.code
				}
			}
			require.False(t, verdict != nil && want == "", "a go-jose verdict the table lacks: %v", verdict)
			require.Equal(t, want, code(exchange(token)), "go-jose says %v", verdict)
		})
	}

	// Tokens go-jose signs, with the claims the fake would accept.
	claims := jwt.Claims{Issuer: provider.Issuer, Subject: "app", Audience: jwt.Audience{"sts.aliyuncs.com"},
		IssuedAt: jwt.NewNumericDate(now), Expiry: jwt.NewNumericDate(now.Add(time.Hour))}
	sign := func(key jose.SigningKey) string {
		signer, err := jose.NewSigner(key, (&jose.SignerOptions{}).WithType("JWT"))
		require.NoError(t, err)
		token, err := jwt.Signed(signer).Claims(claims).Serialize()
		require.NoError(t, err)
		return token
	}
	otherKey, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	payload, err := jwt.ParseSigned(sign(jose.SigningKey{Algorithm: jose.HS256, Key: []byte("a shared secret of 32 bytes.....")}), []jose.SignatureAlgorithm{jose.HS256})
	require.NoError(t, err)
	var raw map[string]any
	require.NoError(t, payload.UnsafeClaimsWithoutVerification(&raw))
	for name, tc := range map[string]struct{ token, code string }{
		"RS256 by another key": {sign(jose.SigningKey{Algorithm: jose.RS256, Key: otherKey}), "AuthenticationFail.OIDCToken.InvalidSignature"},
		"PS256 by another key": {sign(jose.SigningKey{Algorithm: jose.PS256, Key: otherKey}), "AuthenticationFail.OIDCToken.Invalid"},
		"HS256":                {sign(jose.SigningKey{Algorithm: jose.HS256, Key: []byte("a shared secret of 32 bytes.....")}), "AuthenticationFail.OIDCToken.Invalid"},
		"none": {base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." +
			base64.RawURLEncoding.EncodeToString([]byte(`{"iss":"https://oidc.example.com","aud":"sts.aliyuncs.com"}`)) + ".", "AuthenticationFail.OIDCToken.Invalid"},
	} {
		t.Run(name, func(t *testing.T) {
			require.Equal(t, tc.code, code(exchange(tc.token)))
		})
	}
	require.Equal(t, "https://oidc.example.com", raw["iss"], "the HS256 token carries claims the fake would accept")
}
