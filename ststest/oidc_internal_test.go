package ststest

import (
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// newTestOIDCProvider is a provider outside any server, its clock at a whole second so
// that the tests can put a time claim exactly on it.
func newTestOIDCProvider(t testing.TB) (*OIDCProvider, time.Time) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	now := time.Unix(1_800_000_000, 0)
	return &OIDCProvider{Arn: "acs:ram::1:oidc-provider/ack", Issuer: "https://oidc.example.com", ClientIDs: []string{"sts.aliyuncs.com", "app"},
		key: key, now: func() time.Time { return now }}, now
}

// TestOIDCTokenChecks crafts tokens the provider's own key signs (and some it does
// not) and holds verify to what go-jose v4's ParseSigned with RS256 only, Claims and
// ValidateWithLeeway(..., 0) decided (interop's TestOIDCHostileTokensAgreeWithGoJose
// asks go-jose itself): the header names RS256 and nothing else, the signature is
// checked before any claim is read, a claim that does not decode is answered as a bad
// signature (go-jose's Claims failed either way), then issuer, any audience, not
// before, expiry and issued at, in that order, with no leeway.
func TestOIDCTokenChecks(t *testing.T) {
	p, now := newTestOIDCProvider(t)
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	const rs256 = `{"alg":"RS256","typ":"JWT"}`
	at := func(d time.Duration) string { return strconv.FormatInt(now.Add(d).Unix(), 10) }
	claims := func(extra string) []byte {
		return []byte(`{"iss":"https://oidc.example.com","sub":"alice","aud":"sts.aliyuncs.com"` + extra + `}`)
	}
	valid := signRS256(p.key, rs256, claims(`,"exp":`+at(time.Hour)))
	parts := strings.Split(valid, ".")
	pub, err := x509.MarshalPKIXPublicKey(&p.key.PublicKey)
	require.NoError(t, err)
	mac := hmac.New(sha256.New, pub)
	hsInput := b64.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + parts[1]
	mac.Write([]byte(hsInput))
	otherHeader := b64.EncodeToString([]byte(`{"alg":"RS256","typ":"at+jwt"}`))
	// signInput signs input and puts payloadPart (as sent) between its header part and
	// the signature.
	signInput := func(key *rsa.PrivateKey, input, payloadPart string) string {
		digest := sha256.Sum256([]byte(input))
		sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, digest[:])
		require.NoError(t, err)
		header, _, _ := strings.Cut(input, ".")
		return header + "." + payloadPart + "." + b64.EncodeToString(sig)
	}
	// canonical encodes claims padded with spaces to a length of 3n+1 bytes, whose
	// last base64 character carries 2 bits and 4 spare ones; nonCanonical sets one of
	// those (a decoder that is not strict ignores it).
	spaced := claims("")
	for len(spaced)%3 != 1 {
		spaced = append(spaced, ' ')
	}
	canonical := b64.EncodeToString(spaced)
	nonCanonical := canonical[:len(canonical)-1] + string(canonical[len(canonical)-1]+1)
	require.Equal(t, spaced, mustDecodeB64(t, nonCanonical))

	const (
		invalid   = "AuthenticationFail.OIDCToken.Invalid"
		signature = "AuthenticationFail.OIDCToken.InvalidSignature"
		issuer    = "AuthenticationFail.OIDCToken.IssuerNotMatch"
		aud       = "AuthenticationFail.OIDCToken.AudienceNotMatch"
		expired   = "AuthenticationFail.OIDCToken.Expired"
		notJWT    = "The OIDC token is not a valid JWT."
		notYet    = "The OIDC token is not valid yet."
		noClaims  = "The OIDC token's claims do not decode."
	)
	tests := []struct {
		name, token   string
		code, message string
	}{
		{name: "minted by Token", token: p.Token("alice")},
		{name: "valid", token: valid},
		{name: "no time claims at all", token: signRS256(p.key, rs256, claims(""))},
		{name: "the header without typ", token: signRS256(p.key, `{"alg":"RS256"}`, claims(""))},
		{name: "expires this very second", token: signRS256(p.key, rs256, claims(`,"exp":`+at(0)))},
		{name: "not before this very second", token: signRS256(p.key, rs256, claims(`,"nbf":`+at(0)+`,"iat":`+at(0)))},
		{name: "fractional times are cut to the second", token: signRS256(p.key, rs256, claims(`,"exp":`+at(0)+`.9,"nbf":`+at(0)+`.9`))},
		{name: "the second of two audiences", token: signRS256(p.key, rs256, []byte(`{"iss":"https://oidc.example.com","aud":["x","app"]}`))},

		{name: "alg none", token: b64.EncodeToString([]byte(`{"alg":"none"}`)) + "." + parts[1] + ".", code: invalid, message: notJWT},
		{name: "alg HS256 keyed with the public key", token: hsInput + "." + b64.EncodeToString(mac.Sum(nil)), code: invalid, message: notJWT},
		{name: "alg in lower case", token: signRS256(p.key, `{"alg":"rs256"}`, claims("")), code: invalid, message: notJWT},
		{name: "alg PS256", token: signRS256(p.key, `{"alg":"PS256"}`, claims("")), code: invalid, message: notJWT},
		{name: "no alg", token: signRS256(p.key, `{"typ":"JWT"}`, claims("")), code: invalid, message: notJWT},
		{name: "a critical header", token: signRS256(p.key, `{"alg":"RS256","crit":["exp"],"exp":1}`, claims("")), code: signature},
		{name: "header not JSON", token: signRS256(p.key, `alg=RS256`, claims("")), code: invalid, message: notJWT},
		{name: "header an array", token: signRS256(p.key, `["RS256"]`, claims("")), code: invalid, message: notJWT},
		{name: "two parts", token: parts[0] + "." + parts[1], code: invalid, message: notJWT},
		{name: "four parts", token: valid + "." + parts[2], code: invalid, message: notJWT},
		{name: "padded base64", token: valid + "==", code: invalid, message: notJWT},
		{name: "standard base64 alphabet", token: parts[0] + "." + parts[1] + "." + strings.NewReplacer("-", "+", "_", "/").Replace(parts[2]) + "+/", code: invalid, message: notJWT},
		{name: "empty", token: "", code: invalid, message: notJWT},

		{name: "signed by another key", token: signRS256(other, rs256, claims("")), code: signature},
		{name: "payload swapped after signing", token: parts[0] + "." + b64.EncodeToString(claims(`,"sub":"mallory"`)) + "." + parts[2], code: signature},
		{name: "header swapped after signing", token: otherHeader + "." + parts[1] + "." + parts[2], code: signature},
		{name: "no signature", token: parts[0] + "." + parts[1] + ".", code: signature},

		{name: "payload not an object", token: signRS256(p.key, rs256, []byte(`["sts.aliyuncs.com"]`)), code: signature, message: noClaims},
		{name: "payload null is no claims", token: signRS256(p.key, rs256, []byte(`null`)), code: issuer},
		{name: "exp a string", token: signRS256(p.key, rs256, claims(`,"exp":"`+at(time.Hour)+`"`)), code: signature, message: noClaims},
		{name: "exp beyond 2^62 seconds", token: signRS256(p.key, rs256, claims(`,"exp":4611686018427387904`)), code: signature, message: noClaims},
		{name: "nbf so far ahead it would wrap", token: signRS256(p.key, rs256, claims(`,"nbf":9223372036854775807`)), code: signature, message: noClaims},
		{name: "aud null", token: signRS256(p.key, rs256, []byte(`{"iss":"https://oidc.example.com","aud":null}`)), code: signature, message: noClaims},
		{name: "aud holding null", token: signRS256(p.key, rs256, []byte(`{"iss":"https://oidc.example.com","aud":["sts.aliyuncs.com",null]}`)), code: signature, message: noClaims},
		{name: "aud a number", token: signRS256(p.key, rs256, []byte(`{"iss":"https://oidc.example.com","aud":1}`)), code: signature, message: noClaims},
		{name: "iss a number", token: signRS256(p.key, rs256, []byte(`{"iss":1,"aud":"app"}`)), code: signature, message: noClaims},
		{name: "jti a number", token: signRS256(p.key, rs256, claims(`,"jti":1`)), code: signature, message: noClaims},
		{name: "a claim named twice", token: signRS256(p.key, rs256, []byte(`{"iss":"https://oidc.example.com","aud":"x","aud":"app"}`)), code: signature, message: noClaims},
		{name: "a name twice inside an unknown claim is not read", token: signRS256(p.key, rs256, claims(`,"x":{"a":1,"a":2}`))},

		{name: "a header member named twice", token: signRS256(p.key, `{"alg":"none","alg":"RS256"}`, claims("")), code: invalid, message: notJWT},
		{name: "a name twice deep in the header", token: signRS256(p.key, `{"alg":"RS256","x":[{"a":1,"a":2}]}`, claims("")), code: invalid, message: notJWT},
		{name: "kid a number", token: signRS256(p.key, `{"alg":"RS256","kid":1}`, claims("")), code: invalid, message: notJWT},
		{name: "x5c not a certificate", token: signRS256(p.key, `{"alg":"RS256","x5c":["bm90IGEgY2VydA=="]}`, claims("")), code: invalid, message: notJWT},
		{name: "a jwk, the one difference kept from go-jose", token: signRS256(p.key, `{"alg":"RS256","jwk":{"kty":"RSA","n":"AQAB","e":"AQAB"}}`, claims("")), code: invalid, message: notJWT},
		{name: "alg written with escapes", token: signRS256(p.key, `{"alg":"RS\u0032\u0035\u0036","kid":null,"jwk":null}`, claims(""))},
		{name: "crit naming b64", token: signRS256(p.key, `{"alg":"RS256","crit":["b64"],"b64":true}`, claims(""))},
		{name: "crit not a list", token: signRS256(p.key, `{"alg":"RS256","crit":"b64"}`, claims("")), code: signature},
		{name: "b64 false signs the payload as is", token: signInput(p.key, b64.EncodeToString([]byte(`{"alg":"RS256","b64":false}`))+"."+string(claims("")), b64.EncodeToString(claims("")))},
		{name: "b64 false, signed over the base64 payload", token: signRS256(p.key, `{"alg":"RS256","b64":false}`, claims("")), code: signature},
		{name: "CR LF inside parts are ignored", token: parts[0][:4] + "\r\n" + parts[0][4:] + "." + parts[1][:7] + "\n" + parts[1][7:] + "." + parts[2][:9] + "\n" + parts[2][9:]},
		{name: "non-canonical base64 bits, signed as sent", token: signInput(p.key, parts[0]+"."+nonCanonical, nonCanonical), code: signature},
		{name: "non-canonical base64 bits, signed as decoded", token: signInput(p.key, parts[0]+"."+canonical, nonCanonical)},

		{name: "another issuer", token: signRS256(p.key, rs256, []byte(`{"iss":"https://evil.example.com","aud":"app"}`)), code: issuer},
		{name: "issuer named in upper case only", token: signRS256(p.key, rs256, []byte(`{"ISS":"https://oidc.example.com","aud":"app"}`)), code: issuer},
		{name: "the issuer is checked before the audience", token: signRS256(p.key, rs256, []byte(`{"iss":"x","aud":"x"}`)), code: issuer},
		{name: "no audience", token: signRS256(p.key, rs256, []byte(`{"iss":"https://oidc.example.com"}`)), code: aud},
		{name: "an empty audience list", token: signRS256(p.key, rs256, []byte(`{"iss":"https://oidc.example.com","aud":[]}`)), code: aud},
		{name: "an audience differing in case", token: signRS256(p.key, rs256, []byte(`{"iss":"https://oidc.example.com","aud":"APP"}`)), code: aud},
		{name: "the audience is checked before the times", token: signRS256(p.key, rs256, []byte(`{"iss":"https://oidc.example.com","aud":"x","exp":1}`)), code: aud},
		{name: "expired a second ago", token: signRS256(p.key, rs256, claims(`,"exp":`+at(-time.Second))), code: expired},
		{name: "not before a second ahead", token: signRS256(p.key, rs256, claims(`,"nbf":`+at(time.Second))), code: invalid, message: notYet},
		{name: "issued a second ahead", token: signRS256(p.key, rs256, claims(`,"iat":`+at(time.Second))), code: invalid, message: notYet},
		{name: "not before is checked before expiry", token: signRS256(p.key, rs256, claims(`,"nbf":`+at(time.Hour)+`,"exp":`+at(-time.Hour))), code: invalid, message: notYet},
		{name: "expiry is checked before issued at", token: signRS256(p.key, rs256, claims(`,"iat":`+at(time.Hour)+`,"exp":`+at(-time.Hour))), code: expired},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, e := p.verify(tc.token, now)
			if tc.code == "" {
				require.Nil(t, e)
				require.Equal(t, "https://oidc.example.com", got.Issuer)
				return
			}
			require.NotNil(t, e)
			require.Nil(t, got)
			require.Equal(t, 401, e.status)
			require.Equal(t, tc.code, e.code)
			if tc.message != "" {
				require.Equal(t, tc.message, e.message)
			}
		})
	}
}

// TestOIDCTokenClaims reads back what Token and its options put in a token, and what
// the fake answers about it.
func TestOIDCTokenClaims(t *testing.T) {
	p, now := newTestOIDCProvider(t)
	got, e := p.verify(p.Token("system:serviceaccount:default:app"), now)
	require.Nil(t, e)
	hour, then := now.Add(time.Hour).Unix(), now.Unix()
	require.Equal(t, &jwtClaims{Issuer: p.Issuer, Subject: "system:serviceaccount:default:app", Audience: audience{"sts.aliyuncs.com"},
		Expiry: &hour, NotBefore: &then, IssuedAt: &then}, got)

	got, e = p.verify(p.Token("bob", Audience("a", "app"), Expiry(time.Time{})), now)
	require.Nil(t, e, "the zero expiry leaves exp out")
	require.Equal(t, &jwtClaims{Issuer: p.Issuer, Subject: "bob", Audience: audience{"a", "app"}, NotBefore: &then, IssuedAt: &then}, got)
	_, e = p.verify(p.Token("bob", Issuer("")), now)
	require.Equal(t, "AuthenticationFail.OIDCToken.IssuerNotMatch", e.code, "no issuer fails a provider that has one")

	p.Issuer = ""
	_, e = p.verify(p.Token("bob", Issuer("anyone")), now)
	require.Nil(t, e, "a provider without an issuer checks none, as go-jose skips an empty expected issuer")
}

// FuzzOIDCToken feeds the verifier arbitrary strings and mutations of tokens the key
// signed: it never panics, and it accepts nothing whose header and payload, as decoded,
// the key did not sign (a forged signature cannot be found by fuzzing, so an accepted
// token whose decoded parts are new would mean the signature was skipped or checked
// over the wrong bytes; the parts as sent may differ, by a CR or LF or spare base64
// bits, as go-jose allowed).
func FuzzOIDCToken(f *testing.F) {
	p, now := newTestOIDCProvider(f)
	signed := map[[2]string]bool{}
	decoded := func(t testing.TB, token string) [2]string {
		header, rest, _ := strings.Cut(token, ".")
		payload, _, _ := strings.Cut(rest, ".")
		h, err1 := b64.DecodeString(header)
		c, err2 := b64.DecodeString(payload)
		require.NoError(t, errors.Join(err1, err2))
		return [2]string{string(h), string(c)}
	}
	for _, token := range []string{
		p.Token("alice"),
		p.Token("bob", Audience("x", "app"), Expiry(now.Add(-time.Second))),
		p.Token("", RawHeader(`{"alg":"RS256"}`), RawClaims(`{"iss":"https://oidc.example.com","aud":["app"],"nbf":1.5e9,"iat":null}`)),
		p.Token("", RawHeader(`{"alg":"RS256","typ":"JWT","crit":["b64"]}`), RawClaims(`{}`)),
	} {
		signed[decoded(f, token)] = true
		f.Add(token)
	}
	f.Add("eyJhbGciOiJub25lIn0.e30.")
	f.Add("a.b.c")
	f.Fuzz(func(t *testing.T, token string) {
		claims, err := parseRS256(token, &p.key.PublicKey)
		verified, e := p.verify(token, now)
		if err != nil {
			require.Nil(t, claims)
			require.NotNil(t, e, "verify accepted what the parser refused")
			return
		}
		if !signed[decoded(t, token)] {
			t.Fatalf("accepted a token whose header and payload the key never signed: %q", token)
		}
		if e == nil {
			require.Equal(t, claims, verified)
		}
	})
}

func mustDecodeB64(t *testing.T, s string) []byte {
	t.Helper()
	b, err := b64.DecodeString(s)
	require.NoError(t, err)
	return b
}
