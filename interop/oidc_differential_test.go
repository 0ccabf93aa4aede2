package interop

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/alibabacloud-go/tea/dara"
	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts"
	"github.com/stsgo/sts/ststest"
)

// oidcFake is a fake STS at a fixed time whose role trusts an OIDC provider (issuer
// https://oidc.example.com, client IDs sts.aliyuncs.com and app).
type oidcFake struct {
	provider *ststest.OIDCProvider
	now      time.Time
	// answer trades token for the role's credentials and returns the error code, ""
	// when the token is accepted.
	answer func(t *testing.T, token string) string
}

func newOIDCFake(tb testing.TB) oidcFake {
	now := time.Unix(1_800_000_000, 0)
	clock := func() time.Time { return now }
	srv := ststest.NewServer(ststest.WithClock(clock))
	tb.Cleanup(srv.Close)
	provider := srv.AddOIDCProvider(ststest.DefaultAccountID, "ack", "https://oidc.example.com", "sts.aliyuncs.com", "app")
	srv.Trust(srv.Role().Arn, provider.Arn)
	anon, err := sts.NewClient(&sts.Config{Endpoint: dara.String(srv.Endpoint()), Protocol: dara.String("HTTP")}, sts.WithClock(clock))
	require.NoError(tb, err)
	return oidcFake{provider: provider, now: now, answer: func(t *testing.T, token string) string {
		_, err := anon.AssumeRoleWithOIDC(new(sts.AssumeRoleWithOIDCRequest).SetRoleArn(srv.Role().Arn).
			SetOIDCProviderArn(provider.Arn).SetOIDCToken(token).SetRoleSessionName("pod"))
		var se *sts.ServiceError
		if errors.As(err, &se) {
			return se.Code
		}
		require.NoError(t, err)
		return ""
	}}
}

// goJose is goJoseVerdict for the fake's provider at the fake's time.
func (f oidcFake) goJose(token string) string {
	return goJoseVerdict(token, f.provider.PublicKey(), f.provider.Issuer, f.provider.ClientIDs, f.now)
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
// error of Claims, a claims decoding error included, was InvalidSignature. The tokens
// the provider signs are minted with ststest's RawHeader and RawClaims; the cases
// where the fake answers otherwise on purpose are listed in knownDifferences.
func TestOIDCHostileTokensAgreeWithGoJose(t *testing.T) {
	fake := newOIDCFake(t)
	provider, now := fake.provider, fake.now

	b64 := base64.RawURLEncoding
	// sign has the provider mint a token of exactly this header and payload.
	sign := func(header, payload string, opts ...ststest.TokenOption) string {
		return provider.Token("", append(opts, ststest.RawHeader(header), ststest.RawClaims(payload))...)
	}
	const rs256 = `{"alg":"RS256","typ":"JWT"}`
	at := func(d time.Duration) string { return strconv.FormatInt(now.Add(d).Unix(), 10) }
	good := `{"iss":"https://oidc.example.com","sub":"alice","aud":"sts.aliyuncs.com","exp":` + at(time.Hour) + `}`
	valid := sign(rs256, good)
	parts := strings.Split(valid, ".")
	// spareBits is a valid token whose payload, spaced to 3n+1 bytes, ends in a base64
	// character with 4 spare bits, one of them set: the part decodes to the same
	// bytes, and go-jose verified the signature over the canonical re-encoding.
	spaced := good
	for len(spaced)%3 != 1 {
		spaced += " "
	}
	spacedParts := strings.Split(sign(rs256, spaced), ".")
	last := spacedParts[1][len(spacedParts[1])-1]
	require.Contains(t, "AQgw", string(last), "a last character with its 4 spare bits clear")
	spacedParts[1] = spacedParts[1][:len(spacedParts[1])-1] + string(last+1)
	spareBits := strings.Join(spacedParts, ".")
	attacker, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	attackerJWK := `{"kty":"RSA","n":"` + b64.EncodeToString(attacker.N.Bytes()) + `","e":"AQAB"}`
	signedByAttacker := func(header, payload string) string {
		input := b64.EncodeToString([]byte(header)) + "." + b64.EncodeToString([]byte(payload))
		d := sha256.Sum256([]byte(input))
		sig, err := rsa.SignPKCS1v15(nil, attacker, crypto.SHA256, d[:])
		require.NoError(t, err)
		return input + "." + b64.EncodeToString(sig)
	}

	tests := []struct{ name, token string }{
		{"valid", valid},
		// headers
		{"duplicate alg none then RS256", sign(`{"alg":"none","alg":"RS256"}`, good)},
		{"duplicate alg RS256 then none", sign(`{"alg":"RS256","alg":"none"}`, good)},
		{"alg escaped in JSON", sign(`{"alg":"RS\u0032\u0035\u0036"}`, good)},
		{"alg RS256 with a space", sign(`{"alg":"RS256 "}`, good)},
		{"alg lower case", sign(`{"alg":"rs256"}`, good)},
		{"header with whitespace", sign("{ \"alg\" : \"RS256\" }", good)},
		{"kid a number", sign(`{"alg":"RS256","kid":1}`, good)},
		{"kid naming an attacker key", sign(`{"alg":"RS256","kid":"attacker"}`, good)},
		{"jwk of the attacker, signed by the provider", sign(`{"alg":"RS256","jwk":`+attackerJWK+`}`, good)},
		{"jwk of the attacker, signed by the attacker", signedByAttacker(`{"alg":"RS256","jwk":`+attackerJWK+`}`, good)},
		{"jwk null", sign(`{"alg":"RS256","jwk":null}`, good)},
		{"jwk not a key", sign(`{"alg":"RS256","jwk":{"kty":"oct","k":"c2VjcmV0"}}`, good)},
		{"x5c garbage", sign(`{"alg":"RS256","x5c":["bm90IGEgY2VydA=="]}`, good)},
		{"x5c not a list", sign(`{"alg":"RS256","x5c":"x"}`, good)},
		{"jku to an attacker", signedByAttacker(`{"alg":"RS256","jku":"https://evil.example.com/jwks"}`, good)},
		{"nonce a number", sign(`{"alg":"RS256","nonce":1}`, good)},
		{"crit null", sign(`{"alg":"RS256","crit":null}`, good)},
		{"crit empty", sign(`{"alg":"RS256","crit":[]}`, good)},
		{"crit b64 with b64 true", sign(`{"alg":"RS256","crit":["b64"],"b64":true}`, good)},
		{"header BOM", sign("\ufeff"+rs256, good)},
		{"crit holding null", sign(`{"alg":"RS256","crit":[null]}`, good)},
		{"crit an object", sign(`{"alg":"RS256","crit":{}}`, good)},
		{"crit a string", sign(`{"alg":"RS256","crit":"b64"}`, good)},
		{"crit naming exp", sign(`{"alg":"RS256","crit":["exp"],"exp":1}`, good)},
		{"crit b64 without b64", sign(`{"alg":"RS256","crit":["b64"]}`, good)},
		{"b64 false over a base64 payload", sign(`{"alg":"RS256","crit":["b64"],"b64":false}`, good)},
		{"b64 the string false", sign(`{"alg":"RS256","b64":"false"}`, good)},
		{"x5c null", sign(`{"alg":"RS256","x5c":null}`, good)},
		{"x5c empty", sign(`{"alg":"RS256","x5c":[]}`, good)},
		{"x5c holding null", sign(`{"alg":"RS256","x5c":[null]}`, good)},
		{"kid null", sign(`{"alg":"RS256","kid":null}`, good)},
		{"alg null", sign(`{"alg":null}`, good)},
		{"jwk empty", sign(`{"alg":"RS256","jwk":{}}`, good)},
		{"a header number beyond float64", sign(`{"alg":"RS256","x":1e400}`, good)},
		{"alg named twice, once escaped", sign(`{"alg":"RS256","\u0061lg":"RS256"}`, good)},
		{"a name twice deep in the header", sign(`{"alg":"RS256","x":[{"y":{"a":1,"a":1}}]}`, good)},
		{"two lone surrogates, one name", sign(`{"alg":"RS256","x":{"\ud800":1,"\udfff":2}}`, good)},
		{"two invalid UTF-8 names, one name", sign("{\"alg\":\"RS256\",\"x\":{\"\xff\":1,\"\xfe\":2}}", good)},
		{"header null", sign(`null`, good)},
		{"header empty", sign(``, good)},
		// encodings
		{"newline inside the header part", parts[0][:5] + "\n" + parts[0][5:] + "." + parts[1] + "." + parts[2]},
		{"newline inside the payload part", parts[0] + "." + parts[1][:5] + "\r\n" + parts[1][5:] + "." + parts[2]},
		{"newline inside the signature part", parts[0] + "." + parts[1] + "." + parts[2][:5] + "\n" + parts[2][5:]},
		{"CR LF in every part", strings.Join([]string{parts[0][:3] + "\r\n" + parts[0][3:], parts[1][:2] + "\n\n" + parts[1][2:], parts[2][:1] + "\r" + parts[2][1:]}, ".")},
		{"a tab inside a part", parts[0] + "." + parts[1][:5] + "\t" + parts[1][5:] + "." + parts[2]},
		{"empty payload part", parts[0] + ".." + parts[2]},
		{"empty signature part", parts[0] + "." + parts[1] + "."},
		{"spare base64 bits set in the payload part", spareBits},
		{"leading space", " " + valid},
		{"trailing newline", valid + "\n"},
		{"extra dot", valid + "."},
		// (both parsers refuse these parts before they look at the signature)
		{"padded payload", parts[0] + "." + base64.URLEncoding.EncodeToString([]byte(good)) + "." + parts[2]},
		{"standard alphabet payload", parts[0] + "." + base64.RawStdEncoding.EncodeToString([]byte(good+"??>>")) + "." + parts[2]},
		{"signature one byte short", parts[0] + "." + parts[1] + "." + b64.EncodeToString(mustDecode(t, parts[2])[1:])},
		{"signature with a leading zero byte", parts[0] + "." + parts[1] + "." + b64.EncodeToString(append([]byte{0}, mustDecode(t, parts[2])...))},
		// claims
		{"duplicate aud, the accepted one last", sign(rs256, `{"iss":"https://oidc.example.com","aud":"evil","aud":"app"}`)},
		{"duplicate iss, the provider's last", sign(rs256, `{"iss":"https://evil.example.com","iss":"https://oidc.example.com","aud":"app"}`)},
		{"duplicate iss, null last", sign(rs256, `{"iss":"https://oidc.example.com","aud":"app","iss":null}`)},
		{"duplicate exp, a past one first", sign(rs256, `{"iss":"https://oidc.example.com","aud":"app","exp":1,"exp":`+at(time.Hour)+`}`)},
		{"claims BOM", sign(rs256, "\ufeff"+good)},
		{"claims trailing garbage", sign(rs256, good+"x")},
		{"claims trailing whitespace", sign(rs256, good+" \n")},
		{"claims null", sign(rs256, `null`)},
		{"claims an array", sign(rs256, `[]`)},
		{"exp a string", sign(rs256, `{"iss":"https://oidc.example.com","aud":"app","exp":"`+at(time.Hour)+`"}`)},
		{"exp a float", sign(rs256, `{"iss":"https://oidc.example.com","aud":"app","exp":`+at(time.Hour)+`.75}`)},
		{"exp 1e10", sign(rs256, `{"iss":"https://oidc.example.com","aud":"app","exp":1e10}`)},
		{"exp negative", sign(rs256, `{"iss":"https://oidc.example.com","aud":"app","exp":-1}`)},
		{"exp 1e309", sign(rs256, `{"iss":"https://oidc.example.com","aud":"app","exp":1e309}`)},
		{"exp -2^62", sign(rs256, `{"iss":"https://oidc.example.com","aud":"app","exp":-4611686018427387904}`)},
		{"exp null", sign(rs256, `{"iss":"https://oidc.example.com","aud":"app","exp":null}`)},
		{"exp true", sign(rs256, `{"iss":"https://oidc.example.com","aud":"app","exp":true}`)},
		{"aud nested", sign(rs256, `{"iss":"https://oidc.example.com","aud":[["app"]]}`)},
		{"aud object", sign(rs256, `{"iss":"https://oidc.example.com","aud":{"app":1}}`)},
		{"aud null", sign(rs256, `{"iss":"https://oidc.example.com","aud":null}`)},
		{"aud array", sign(rs256, `{"iss":"https://oidc.example.com","aud":["x","app"]}`)},
		{"iss NFD", sign(rs256, `{"iss":"https://oidc.example.com\u0301","aud":"app"}`)},
		{"iss null", sign(rs256, `{"iss":null,"aud":"app"}`)},
		{"sub a number", sign(rs256, `{"iss":"https://oidc.example.com","aud":"app","sub":1}`)},
		{"jti a number", sign(rs256, `{"iss":"https://oidc.example.com","aud":"app","jti":1}`)},
		{"ISS in upper case", sign(rs256, `{"ISS":"https://oidc.example.com","aud":"app"}`)},
		{"iss key escaped", sign(rs256, `{"\u0069ss":"https://oidc.example.com","aud":"app"}`)},
		{"invalid UTF-8 in sub", sign(rs256, "{\"iss\":\"https://oidc.example.com\",\"aud\":\"app\",\"sub\":\"\xff\"}")},
		{"nbf now", sign(rs256, `{"iss":"https://oidc.example.com","aud":"app","nbf":`+at(0)+`}`)},
		{"exp now", sign(rs256, `{"iss":"https://oidc.example.com","aud":"app","exp":`+at(0)+`}`)},
		{"iat a second ahead", sign(rs256, `{"iss":"https://oidc.example.com","aud":"app","iat":`+at(time.Second)+`}`)},
		{"iat a fraction ahead", sign(rs256, `{"iss":"https://oidc.example.com","aud":"app","iat":`+at(0)+`.999999999}`)},
		{"nbf a fraction behind", sign(rs256, `{"iss":"https://oidc.example.com","aud":"app","nbf":`+at(-time.Second)+`.000000001}`)},
		{"claims empty", sign(rs256, ``)},
		{"claims a string", sign(rs256, `"https://oidc.example.com"`)},
		{"claims empty object", sign(rs256, `{}`)},
		{"an unknown claim beyond float64", sign(rs256, `{"iss":"https://oidc.example.com","aud":"app","x":1e400}`)},
		{"a name twice inside an unknown claim", sign(rs256, `{"iss":"https://oidc.example.com","aud":"app","x":{"a":1,"a":2}}`)},
		{"a name twice inside aud", sign(rs256, `{"iss":"https://oidc.example.com","aud":{"a":1,"a":2}}`)},
		{"aud empty", sign(rs256, `{"iss":"https://oidc.example.com","aud":[]}`)},
		{"aud holding a number", sign(rs256, `{"iss":"https://oidc.example.com","aud":["app",1]}`)},
		{"aud key escaped", sign(rs256, `{"iss":"https://oidc.example.com","\u0061ud":"app"}`)},
		{"sub null", sign(rs256, `{"iss":"https://oidc.example.com","aud":"app","sub":null}`)},
		{"jti null", sign(rs256, `{"iss":"https://oidc.example.com","aud":"app","jti":null}`)},
		{"exp 2^62 less a little", sign(rs256, `{"iss":"https://oidc.example.com","aud":"app","exp":4611686018427387903}`)},
		{"exp 1e-400", sign(rs256, `{"iss":"https://oidc.example.com","aud":"app","exp":1e-400}`)},
		{"exp -0", sign(rs256, `{"iss":"https://oidc.example.com","aud":"app","exp":-0}`)},
		{"nbf -1.5", sign(rs256, `{"iss":"https://oidc.example.com","aud":"app","nbf":-1.5}`)},
		{"deeply nested extra claim", sign(rs256, `{"iss":"https://oidc.example.com","aud":"app","x":`+strings.Repeat("[", 3000)+strings.Repeat("]", 3000)+`}`)},
		// algorithms
		{"alg none", b64.EncodeToString([]byte(`{"alg":"none"}`)) + "." + parts[1] + "."},
		{"signed by the attacker", signedByAttacker(rs256, good)},
		{"signed by another key", sign(rs256, good, ststest.SignedByAnotherKey())},
	}
	// knownDifferences are the cases where the fake answers otherwise, on purpose,
	// and why; each must still differ (or the entry is stale) and answer Invalid.
	knownDifferences := map[string]string{
		"jwk of the attacker, signed by the provider": jwkDifference,
		"jwk of the attacker, signed by the attacker": jwkDifference,
	}
	failed, differ := 0, 0
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want, got := fake.goJose(tc.token), fake.answer(t, tc.token)
			if reason, ok := knownDifferences[tc.name]; ok {
				differ++
				require.NotEqual(t, want, got, "listed as a known difference (%s), but the answers agree", reason)
				require.Equal(t, "AuthenticationFail.OIDCToken.Invalid", got)
				t.Logf("known difference, %s: go-jose answers %q, the fake %q", reason, want, got)
				return
			}
			if !assertEqualCode(t, want, got) {
				failed++
			}
		})
	}
	require.Equal(t, len(knownDifferences), differ, "a known difference names no case")
	t.Logf("%d of %d disagree, besides %d known differences", failed, len(tests), differ)
}

// jwkDifference is the one difference from go-jose that the fake keeps: go-jose
// parsed a "jwk" header member (a public key of any type it knows, RSA, EC, Ed25519,
// ML-DSA, checked against its own x5c) and then ignored it, the key given to Claims
// being the one that counts; the fake refuses any non-null jwk as Invalid rather than
// carry a JWK parser for a member no OIDC provider puts in its ID tokens and no
// verifier that holds the provider's key should read. It is refused, never accepted,
// so the difference cannot let a token through that go-jose refused.
const jwkDifference = "a jwk header member: go-jose parses and ignores it, the fake refuses it as Invalid"

// hasJWK reports whether header is a JSON object with a non-null jwk member.
func hasJWK(header string) bool {
	var members map[string]json.RawMessage
	return json.Unmarshal([]byte(header), &members) == nil && members["jwk"] != nil && string(members["jwk"]) != "null"
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

// FuzzOIDCClaimsAgreeWithGoJose has the provider sign arbitrary headers and payloads
// (RawHeader, RawClaims) and wants the fake's answer to be go-jose's, or Invalid for a
// header with a jwk (jwkDifference): the signature holds, so
// only the parsing of what was signed is under test (FuzzOIDCToken in ststest mutates
// whole tokens, whose signature then fails, and so never reaches the claims of a
// token the key signed with a shape Token does not make).
func FuzzOIDCClaimsAgreeWithGoJose(f *testing.F) {
	fake := newOIDCFake(f)
	for _, seed := range [][2]string{
		{`{"alg":"RS256","typ":"JWT"}`, `{"iss":"https://oidc.example.com","sub":"alice","aud":"sts.aliyuncs.com","exp":1800003600}`},
		{`{"alg":"RS256"}`, `{"iss":"https://oidc.example.com","aud":["x","app"],"nbf":1.8e9,"iat":1800000000.5}`},
		{`{"alg":"none","alg":"RS256"}`, `{"iss":"https://oidc.example.com","aud":"app"}`},
		{`{"alg":"RS256"}`, `{"iss":"https://oidc.example.com","aud":"x","aud":"app"}`},
		{`{"alg":"RS256","kid":1}`, `{"iss":"https://oidc.example.com","aud":"app"}`},
		{`{"alg":"RS256","crit":[]}`, `{"iss":"https://oidc.example.com","aud":"app"}`},
		{`{"alg":"RS256"}`, `{"iss":"https://oidc.example.com","aud":"app","exp":"1"}`},
		{`{"alg":"RS256"}`, `{"iss":"https://oidc.example.com","aud":"app","jti":1}`},
		{`{"alg":"RS\u0032\u0035\u0036","crit":["b64"],"b64":true,"kid":null}`, `{"iss":"https://oidc.example.com","aud":"app","x":{"a":1,"a":1}}`},
		{`{"alg":"RS256","x5c":[],"x":[{"a":1,"a":1}]}`, `null`},
		{`{"alg":"RS256","jwk":{"kty":"RSA","n":"AQAB","e":"AQAB"}}`, `{"iss":"https://oidc.example.com","aud":"app"}`},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, header, payload string) {
		token := fake.provider.Token("", ststest.RawHeader(header), ststest.RawClaims(payload))
		if len(token) > 20000 {
			t.Skip("over the OIDCToken parameter's length")
		}
		want, got := fake.goJose(token), fake.answer(t, token)
		if hasJWK(header) {
			require.Equal(t, "AuthenticationFail.OIDCToken.Invalid", got, "a jwk header (go-jose answers %q)", want)
			return
		}
		require.Equal(t, want, got, "header %q payload %q", header, payload)
	})
}
