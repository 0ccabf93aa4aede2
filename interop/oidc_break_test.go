package interop

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stsgo/sts/ststest"
)

// TestOIDCMoreShapesAgreeWithGoJose: shapes the differential test lacks (round 2 of
// the review): duplicate claim names spelled apart, lone surrogates in claim names,
// numbers at and beyond the 2^62 bound in every date claim, exponents, many digits.
func TestOIDCMoreShapesAgreeWithGoJose(t *testing.T) {
	fake := newOIDCFake(t)
	sign := func(header, payload string) string {
		return fake.provider.Token("", ststest.RawHeader(header), ststest.RawClaims(payload))
	}
	const rs256 = `{"alg":"RS256"}`
	const base = `"iss":"https://oidc.example.com","aud":"app"`
	at := strconv.FormatInt(fake.now.Add(time.Hour).Unix(), 10)
	tests := []struct{ name, token string }{
		{"unknown claim twice", sign(rs256, `{`+base+`,"x":1,"x":2}`)},
		{"iss twice, once escaped", sign(rs256, `{"iss":"https://evil.example.com","\u0069ss":"https://oidc.example.com","aud":"app"}`)},
		{"a name as a surrogate pair and as UTF-8", sign(rs256, `{`+base+`,"\ud83d\ude00":1,"😀":2}`)},
		{"two lone surrogates at the top of the claims", sign(rs256, `{`+base+`,"\ud800":1,"\udfff":2}`)},
		{"aud and Aud", sign(rs256, `{`+base+`,"Aud":"evil"}`)},
		{"escaped nested duplicate in the header", sign(`{"alg":"RS256","x":{"a":1,"\u0061":2}}`, `{`+base+`}`)},
		{"nbf 2^62", sign(rs256, `{`+base+`,"nbf":4611686018427387904}`)},
		{"nbf 1e19", sign(rs256, `{`+base+`,"nbf":1e19}`)},
		{"nbf -1e19", sign(rs256, `{`+base+`,"nbf":-1e19}`)},
		{"iat 1e300", sign(rs256, `{`+base+`,"iat":1e300}`)},
		{"iat -1e300", sign(rs256, `{`+base+`,"iat":-1e300}`)},
		{"exp float rounding to 2^62", sign(rs256, `{`+base+`,"exp":4611686018427387903.9}`)},
		{"exp 2^62-512", sign(rs256, `{`+base+`,"exp":4611686018427387392}`)},
		{"exp 1E+10", sign(rs256, `{`+base+`,"exp":1E+10}`)},
		{"exp huge exponent", sign(rs256, `{`+base+`,"exp":1e99999999999999999999}`)},
		{"exp tiny exponent", sign(rs256, `{`+base+`,"exp":1e-99999999999999999999}`)},
		{"exp many digits", sign(rs256, `{`+base+`,"exp":`+at+`.`+strings.Repeat("9", 5000)+`}`)},
		{"nbf -0.0", sign(rs256, `{`+base+`,"nbf":-0.0}`)},
		{"exp -0.5", sign(rs256, `{`+base+`,"exp":-0.5}`)},
		{"exp 0", sign(rs256, `{`+base+`,"exp":0}`)},
		{"iss with escaped slash", sign(rs256, `{"iss":"https:\/\/oidc.example.com","aud":"app"}`)},
		{"aud with a NUL", sign(rs256, `{"iss":"https://oidc.example.com","aud":"app\u0000"}`)},
		{"deep unknown claim, 6000", sign(rs256, `{`+base+`,"x":`+strings.Repeat("[", 6000)+strings.Repeat("]", 6000)+`}`)},
		{"deep object in header", sign(`{"alg":"RS256","x":`+strings.Repeat(`{"a":`, 2000)+`1`+strings.Repeat("}", 2000)+`}`, `{`+base+`}`)},
		{"b64 false without crit", sign(`{"alg":"RS256","b64":false}`, `{`+base+`}`)},
		{"b64 false, crit b64 twice", sign(`{"alg":"RS256","crit":["b64","b64"],"b64":false}`, `{`+base+`}`)},
		{"crit b64 with b64 null", sign(`{"alg":"RS256","crit":["b64"],"b64":null}`, `{`+base+`}`)},
		{"b64 false as a string, crit b64", sign(`{"alg":"RS256","crit":["b64"],"b64":"false"}`, `{`+base+`}`)},
		{"typ a number", sign(`{"alg":"RS256","typ":1}`, `{`+base+`}`)},
		{"cty an object", sign(`{"alg":"RS256","cty":{}}`, `{`+base+`}`)},
		{"alg twice in case", sign(`{"alg":"RS256","ALG":"none"}`, `{`+base+`}`)},
		{"kid escaped twice", sign(`{"alg":"RS256","kid":"a","\u006bid":"b"}`, `{`+base+`}`)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assertEqualCode(t, fake.goJose(tc.token), fake.answer(t, tc.token))
		})
	}
}
