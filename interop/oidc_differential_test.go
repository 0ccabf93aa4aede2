package interop

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/alibabacloud-go/tea/dara"
	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts"
	"github.com/stsgo/sts/ststest"
)

// providerKey reaches the provider's private key, which ststest does not export, so
// that the test can sign claims shapes Token cannot make. A test hook in ststest would
// do the same.
func providerKey(p *ststest.OIDCProvider) *rsa.PrivateKey {
	f := reflect.ValueOf(p).Elem().FieldByName("key")
	return reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem().Interface().(*rsa.PrivateKey)
}

// goJoseVerdict is the fake's verify before this session, word for word: go-jose's
// ParseSigned limited to RS256, Claims with the provider's key, ValidateWithLeeway(..., 0).
func goJoseVerdict(token string, key *rsa.PublicKey, issuer string, clientIDs []string, now time.Time) string {
	parsed, err := jwt.ParseSigned(token, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		return "AuthenticationFail.OIDCToken.Invalid"
	}
	var claims jwt.Claims
	if err := parsed.Claims(key, &claims); err != nil {
		return "AuthenticationFail.OIDCToken.InvalidSignature"
	}
	err = claims.ValidateWithLeeway(jwt.Expected{Issuer: issuer, AnyAudience: clientIDs, Time: now}, 0)
	switch {
	case err == nil:
		return ""
	case errors.Is(err, jwt.ErrInvalidAudience):
		return "AuthenticationFail.OIDCToken.AudienceNotMatch"
	case errors.Is(err, jwt.ErrExpired):
		return "AuthenticationFail.OIDCToken.Expired"
	case errors.Is(err, jwt.ErrInvalidIssuer):
		return "AuthenticationFail.OIDCToken.IssuerNotMatch"
	}
	return "AuthenticationFail.OIDCToken.Invalid"
}

// TestOIDCHostileTokensAgreeWithGoJose feeds the same hostile tokens to the fake
// (over the wire) and to the go-jose path it replaced, and wants the same answer:
// accepted by both, or refused by both with the same code. go-jose's JSON refuses
// duplicate member names (header and claims), decodes the header's values (kid, nonce,
// x5c, jwk) and refuses ill-typed ones, verifies over the re-encoded base64 of what it
// decoded (so a newline in a part is ignored), allows an empty or "b64" crit, and any
// error of Claims, a claims decoding error included, was InvalidSignature.
func TestOIDCHostileTokensAgreeWithGoJose(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	clock := func() time.Time { return now }
	srv := ststest.NewServer(ststest.WithClock(clock))
	defer srv.Close()
	provider := srv.AddOIDCProvider(ststest.DefaultAccountID, "ack", "https://oidc.example.com", "sts.aliyuncs.com", "app")
	srv.Trust(srv.Role().Arn, provider.Arn)
	key := providerKey(provider)
	anon, err := sts.NewClient(&sts.Config{Endpoint: dara.String(srv.Endpoint()), Protocol: dara.String("HTTP")}, sts.WithClock(clock))
	require.NoError(t, err)
	fake := func(token string) string {
		_, err := anon.AssumeRoleWithOIDC(new(sts.AssumeRoleWithOIDCRequest).SetRoleArn(srv.Role().Arn).
			SetOIDCProviderArn(provider.Arn).SetOIDCToken(token).SetRoleSessionName("pod"))
		var se *sts.ServiceError
		if errors.As(err, &se) {
			return se.Code
		}
		require.NoError(t, err)
		return ""
	}

	b64 := base64.RawURLEncoding
	sign := func(k *rsa.PrivateKey, header, payload string) string {
		input := b64.EncodeToString([]byte(header)) + "." + b64.EncodeToString([]byte(payload))
		d := sha256.Sum256([]byte(input))
		sig, err := rsa.SignPKCS1v15(nil, k, crypto.SHA256, d[:])
		require.NoError(t, err)
		return input + "." + b64.EncodeToString(sig)
	}
	// signRaw signs exactly the given (possibly non-canonical) first two parts.
	signRaw := func(k *rsa.PrivateKey, h, p string) string {
		d := sha256.Sum256([]byte(h + "." + p))
		sig, err := rsa.SignPKCS1v15(nil, k, crypto.SHA256, d[:])
		require.NoError(t, err)
		return h + "." + p + "." + b64.EncodeToString(sig)
	}
	const rs256 = `{"alg":"RS256","typ":"JWT"}`
	at := func(d time.Duration) string { return strconv.FormatInt(now.Add(d).Unix(), 10) }
	good := `{"iss":"https://oidc.example.com","sub":"alice","aud":"sts.aliyuncs.com","exp":` + at(time.Hour) + `}`
	valid := sign(key, rs256, good)
	parts := strings.Split(valid, ".")
	attacker, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	attackerJWK := `{"kty":"RSA","n":"` + b64.EncodeToString(attacker.N.Bytes()) + `","e":"AQAB"}`

	tests := []struct{ name, token string }{
		{"valid", valid},
		// headers
		{"duplicate alg none then RS256", sign(key, `{"alg":"none","alg":"RS256"}`, good)},
		{"duplicate alg RS256 then none", sign(key, `{"alg":"RS256","alg":"none"}`, good)},
		{"alg escaped in JSON", sign(key, `{"alg":"RS\u0032\u0035\u0036"}`, good)},
		{"alg RS256 with a space", sign(key, `{"alg":"RS256 "}`, good)},
		{"alg lower case", sign(key, `{"alg":"rs256"}`, good)},
		{"header with whitespace", sign(key, "{ \"alg\" : \"RS256\" }", good)},
		{"kid a number", sign(key, `{"alg":"RS256","kid":1}`, good)},
		{"kid naming an attacker key", sign(key, `{"alg":"RS256","kid":"attacker"}`, good)},
		{"jwk of the attacker, signed by the provider", sign(key, `{"alg":"RS256","jwk":`+attackerJWK+`}`, good)},
		{"jwk of the attacker, signed by the attacker", sign(attacker, `{"alg":"RS256","jwk":`+attackerJWK+`}`, good)},
		{"jwk not a key", sign(key, `{"alg":"RS256","jwk":{"kty":"oct","k":"c2VjcmV0"}}`, good)},
		{"x5c garbage", sign(key, `{"alg":"RS256","x5c":["bm90IGEgY2VydA=="]}`, good)},
		{"x5c not a list", sign(key, `{"alg":"RS256","x5c":"x"}`, good)},
		{"jku to an attacker", sign(attacker, `{"alg":"RS256","jku":"https://evil.example.com/jwks"}`, good)},
		{"nonce a number", sign(key, `{"alg":"RS256","nonce":1}`, good)},
		{"crit null", sign(key, `{"alg":"RS256","crit":null}`, good)},
		{"crit empty", sign(key, `{"alg":"RS256","crit":[]}`, good)},
		{"crit b64 with b64 true", sign(key, `{"alg":"RS256","crit":["b64"],"b64":true}`, good)},
		{"header BOM", sign(key, "\ufeff"+rs256, good)},
		// encodings
		{"newline inside the header part", parts[0][:5] + "\n" + parts[0][5:] + "." + parts[1] + "." + parts[2]},
		{"newline inside the payload part", parts[0] + "." + parts[1][:5] + "\r\n" + parts[1][5:] + "." + parts[2]},
		{"newline inside the signature part", parts[0] + "." + parts[1] + "." + parts[2][:5] + "\n" + parts[2][5:]},
		{"leading space", " " + valid},
		{"trailing newline", valid + "\n"},
		{"extra dot", valid + "."},
		{"padded payload", signRaw(key, parts[0], base64.URLEncoding.EncodeToString([]byte(good)))},
		{"standard alphabet payload", signRaw(key, parts[0], base64.RawStdEncoding.EncodeToString([]byte(good+"??>>")))},
		{"signature one byte short", parts[0] + "." + parts[1] + "." + b64.EncodeToString(mustDecode(t, parts[2])[1:])},
		{"signature with a leading zero byte", parts[0] + "." + parts[1] + "." + b64.EncodeToString(append([]byte{0}, mustDecode(t, parts[2])...))},
		// claims
		{"duplicate aud, the accepted one last", sign(key, rs256, `{"iss":"https://oidc.example.com","aud":"evil","aud":"app"}`)},
		{"duplicate iss, the provider's last", sign(key, rs256, `{"iss":"https://evil.example.com","iss":"https://oidc.example.com","aud":"app"}`)},
		{"duplicate iss, null last", sign(key, rs256, `{"iss":"https://oidc.example.com","aud":"app","iss":null}`)},
		{"duplicate exp, a past one first", sign(key, rs256, `{"iss":"https://oidc.example.com","aud":"app","exp":1,"exp":`+at(time.Hour)+`}`)},
		{"claims BOM", sign(key, rs256, "\ufeff"+good)},
		{"claims trailing garbage", sign(key, rs256, good+"x")},
		{"claims trailing whitespace", sign(key, rs256, good+" \n")},
		{"claims null", sign(key, rs256, `null`)},
		{"claims an array", sign(key, rs256, `[]`)},
		{"exp a string", sign(key, rs256, `{"iss":"https://oidc.example.com","aud":"app","exp":"`+at(time.Hour)+`"}`)},
		{"exp a float", sign(key, rs256, `{"iss":"https://oidc.example.com","aud":"app","exp":`+at(time.Hour)+`.75}`)},
		{"exp 1e10", sign(key, rs256, `{"iss":"https://oidc.example.com","aud":"app","exp":1e10}`)},
		{"exp negative", sign(key, rs256, `{"iss":"https://oidc.example.com","aud":"app","exp":-1}`)},
		{"exp 1e309", sign(key, rs256, `{"iss":"https://oidc.example.com","aud":"app","exp":1e309}`)},
		{"exp -2^62", sign(key, rs256, `{"iss":"https://oidc.example.com","aud":"app","exp":-4611686018427387904}`)},
		{"exp null", sign(key, rs256, `{"iss":"https://oidc.example.com","aud":"app","exp":null}`)},
		{"exp true", sign(key, rs256, `{"iss":"https://oidc.example.com","aud":"app","exp":true}`)},
		{"aud nested", sign(key, rs256, `{"iss":"https://oidc.example.com","aud":[["app"]]}`)},
		{"aud object", sign(key, rs256, `{"iss":"https://oidc.example.com","aud":{"app":1}}`)},
		{"aud null", sign(key, rs256, `{"iss":"https://oidc.example.com","aud":null}`)},
		{"aud array", sign(key, rs256, `{"iss":"https://oidc.example.com","aud":["x","app"]}`)},
		{"iss NFD", sign(key, rs256, `{"iss":"https://oidc.example.com\u0301","aud":"app"}`)},
		{"iss null", sign(key, rs256, `{"iss":null,"aud":"app"}`)},
		{"sub a number", sign(key, rs256, `{"iss":"https://oidc.example.com","aud":"app","sub":1}`)},
		{"jti a number", sign(key, rs256, `{"iss":"https://oidc.example.com","aud":"app","jti":1}`)},
		{"ISS in upper case", sign(key, rs256, `{"ISS":"https://oidc.example.com","aud":"app"}`)},
		{"iss key escaped", sign(key, rs256, `{"\u0069ss":"https://oidc.example.com","aud":"app"}`)},
		{"invalid UTF-8 in sub", sign(key, rs256, "{\"iss\":\"https://oidc.example.com\",\"aud\":\"app\",\"sub\":\"\xff\"}")},
		{"nbf now", sign(key, rs256, `{"iss":"https://oidc.example.com","aud":"app","nbf":`+at(0)+`}`)},
		{"exp now", sign(key, rs256, `{"iss":"https://oidc.example.com","aud":"app","exp":`+at(0)+`}`)},
		{"iat a second ahead", sign(key, rs256, `{"iss":"https://oidc.example.com","aud":"app","iat":`+at(time.Second)+`}`)},
		{"iat a fraction ahead", sign(key, rs256, `{"iss":"https://oidc.example.com","aud":"app","iat":`+at(0)+`.999999999}`)},
		{"nbf a fraction behind", sign(key, rs256, `{"iss":"https://oidc.example.com","aud":"app","nbf":`+at(-time.Second)+`.000000001}`)},
		{"deeply nested extra claim", sign(key, rs256, `{"iss":"https://oidc.example.com","aud":"app","x":`+strings.Repeat("[", 3000)+strings.Repeat("]", 3000)+`}`)},
		// algorithms
		{"alg none", b64.EncodeToString([]byte(`{"alg":"none"}`)) + "." + parts[1] + "."},
		{"signed by the attacker", sign(attacker, rs256, good)},
	}
	failed := 0
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := goJoseVerdict(tc.token, &key.PublicKey, provider.Issuer, provider.ClientIDs, now)
			if !assertEqualCode(t, want, fake(tc.token)) {
				failed++
			}
		})
	}
	t.Logf("%d of %d disagree", failed, len(tests))
}

func assertEqualCode(t *testing.T, want, got string) bool {
	t.Helper()
	if want != got {
		t.Errorf("go-jose answers %q, the fake %q", want, got)
		return false
	}
	return true
}

func mustDecode(t *testing.T, s string) []byte {
	b, err := base64.RawURLEncoding.DecodeString(s)
	require.NoError(t, err)
	return b
}

// FuzzOIDCClaimsAgreeWithGoJose signs arbitrary headers and payloads with the
// provider's key and wants the fake's answer to be go-jose's: the signature holds, so
// only the parsing of what was signed is under test (FuzzOIDCToken in ststest mutates
// whole tokens, whose signature then fails, and so never reaches the claims of a
// token the key signed with a shape Token does not make).
func FuzzOIDCClaimsAgreeWithGoJose(f *testing.F) {
	now := time.Unix(1_800_000_000, 0)
	clock := func() time.Time { return now }
	srv := ststest.NewServer(ststest.WithClock(clock))
	defer srv.Close()
	provider := srv.AddOIDCProvider(ststest.DefaultAccountID, "ack", "https://oidc.example.com", "sts.aliyuncs.com", "app")
	srv.Trust(srv.Role().Arn, provider.Arn)
	key := providerKey(provider)
	anon, err := sts.NewClient(&sts.Config{Endpoint: dara.String(srv.Endpoint()), Protocol: dara.String("HTTP")}, sts.WithClock(clock))
	require.NoError(f, err)
	for _, seed := range [][2]string{
		{`{"alg":"RS256","typ":"JWT"}`, `{"iss":"https://oidc.example.com","sub":"alice","aud":"sts.aliyuncs.com","exp":1800003600}`},
		{`{"alg":"RS256"}`, `{"iss":"https://oidc.example.com","aud":["x","app"],"nbf":1.8e9,"iat":1800000000.5}`},
		{`{"alg":"none","alg":"RS256"}`, `{"iss":"https://oidc.example.com","aud":"app"}`},
		{`{"alg":"RS256"}`, `{"iss":"https://oidc.example.com","aud":"x","aud":"app"}`},
		{`{"alg":"RS256","kid":1}`, `{"iss":"https://oidc.example.com","aud":"app"}`},
		{`{"alg":"RS256","crit":[]}`, `{"iss":"https://oidc.example.com","aud":"app"}`},
		{`{"alg":"RS256"}`, `{"iss":"https://oidc.example.com","aud":"app","exp":"1"}`},
		{`{"alg":"RS256"}`, `{"iss":"https://oidc.example.com","aud":"app","jti":1}`},
	} {
		f.Add(seed[0], seed[1])
	}
	b64 := base64.RawURLEncoding
	f.Fuzz(func(t *testing.T, header, payload string) {
		input := b64.EncodeToString([]byte(header)) + "." + b64.EncodeToString([]byte(payload))
		d := sha256.Sum256([]byte(input))
		sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, d[:])
		require.NoError(t, err)
		token := input + "." + b64.EncodeToString(sig)
		if len(token) > 20000 {
			t.Skip("over the OIDCToken parameter's length")
		}
		want := goJoseVerdict(token, &key.PublicKey, provider.Issuer, provider.ClientIDs, now)
		_, err = anon.AssumeRoleWithOIDC(new(sts.AssumeRoleWithOIDCRequest).SetRoleArn(srv.Role().Arn).
			SetOIDCProviderArn(provider.Arn).SetOIDCToken(token).SetRoleSessionName("pod"))
		got := ""
		var se *sts.ServiceError
		if errors.As(err, &se) {
			got = se.Code
		} else {
			require.NoError(t, err)
		}
		require.Equal(t, want, got, "header %q payload %q", header, payload)
	})
}
