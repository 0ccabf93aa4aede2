package signer

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math/rand/v2"
	"net/url"
	"os"
	"strings"
	"testing"

	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/stretchr/testify/require"
)

type vectors struct {
	V1 []struct {
		Name, Source, Method, Secret string
		Params                       map[string]string
		StringToSign, Signature      string
	}
	ACS3 []struct {
		Name, Source, Algorithm, Method string
		AccessKeyID                     string `json:"accessKeyId"`
		Secret                          string
		Query, Headers                  map[string]string
		HashedCanonicalRequest          string
		Authorization                   string
	}
}

func loadVectors(t *testing.T) vectors {
	t.Helper()
	b, err := os.ReadFile("testdata/vectors.json")
	require.NoError(t, err)
	var v vectors
	require.NoError(t, json.Unmarshal(b, &v))
	require.NotEmpty(t, v.V1)
	require.NotEmpty(t, v.ACS3)
	return v
}

func paramsOf(m map[string]string) []Param {
	p := make([]Param, 0, len(m))
	for k, v := range m {
		p = append(p, Param{k, v})
	}
	SortParams(p)
	return p
}

func TestV1Vectors(t *testing.T) {
	for _, tc := range loadVectors(t).V1 {
		t.Run(tc.Name, func(t *testing.T) {
			q := AppendCanonicalQuery(nil, paramsOf(tc.Params))
			require.Equal(t, tc.StringToSign, string(AppendV1StringToSign(nil, tc.Method, q)))
			require.Equal(t, tc.Signature, string(AppendV1Signature(nil, tc.Method, q, tc.Secret)))
		})
	}
}

func TestACS3Vectors(t *testing.T) {
	for _, tc := range loadVectors(t).ACS3 {
		t.Run(tc.Name, func(t *testing.T) {
			q := AppendCanonicalQuery(nil, paramsOf(tc.Query))
			h := paramsOf(tc.Headers)
			payload := tc.Headers["x-acs-content-sha256"]
			cr := AppendCanonicalRequest(nil, tc.Method, q, h, payload)
			sum := sha256.Sum256(cr)
			require.Equal(t, tc.HashedCanonicalRequest, hex.EncodeToString(sum[:]))
			sig := AppendACS3Signature(nil, tc.Algorithm, tc.Method, q, h, payload, tc.Secret)
			require.Equal(t, tc.Authorization, string(AppendAuthorization(nil, tc.Algorithm, tc.AccessKeyID, h, sig)))
		})
	}
}

func TestHashedPayload(t *testing.T) {
	require.Equal(t, EmptySHA256, HashedPayload(ACS3HMACSHA256, nil))
	for _, alg := range []string{ACS3HMACSHA256, ACS3HMACSM3} {
		for _, body := range []string{"", "a=b&c=d"} {
			want := hex.EncodeToString(openapiutil.Hash([]byte(body), dara.String(alg)))
			require.Equal(t, want, HashedPayload(alg, []byte(body)), "%s %q", alg, body)
		}
	}
}

func TestAppendEscape(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"AZaz09-_.~", "AZaz09-_.~"},
		{"a b", "a%20b"},
		{"*", "%2A"},
		{"+", "%2B"},
		{"/:=&", "%2F%3A%3D%26"},
		{"é", "%C3%A9"},
		{"\x00\xff", "%00%FF"},
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, string(AppendEscape(nil, tc.in)), "%q", tc.in)
		require.Equal(t, tc.want, string(AppendEscape(nil, []byte(tc.in))), "%q as bytes", tc.in)
	}
}

func TestIsSignedHeader(t *testing.T) {
	for name, want := range map[string]bool{
		"host": true, "content-type": true, "x-acs-date": true, "x-acs-security-token": true,
		"user-agent": false, "accept": false, "authorization": false, "x-ac": false,
	} {
		require.Equal(t, want, IsSignedHeader(name), name)
	}
}

// TestMACLongKey covers a secret longer than a hash block, which RFC 2104 hashes first.
func TestMACLongKey(t *testing.T) {
	secret := strings.Repeat("k", 200)
	params := []Param{{"Action", "AssumeRole"}}
	q := AppendCanonicalQuery(nil, params)
	require.Equal(t, refV1("POST", params, secret), string(AppendV1Signature(nil, "POST", q, secret)))
	for _, alg := range []string{ACS3HMACSHA256, ACS3HMACSM3} {
		h := []Param{{"host", "sts.aliyuncs.com"}}
		got := string(AppendAuthorization(nil, alg, "id", h, AppendACS3Signature(nil, alg, "POST", q, h, EmptySHA256, secret)))
		require.Equal(t, refACS3(alg, "POST", params, h, EmptySHA256, "id", secret), got, alg)
	}
}

// refV1 is darabonba-openapi's V1 signature of the same request: the reference.
func refV1(method string, params []Param, secret string) string {
	m := make(map[string]*string, len(params))
	for _, p := range params {
		m[p.Name] = dara.String(p.Value)
	}
	return *openapiutil.GetRPCSignature(m, dara.String(method), dara.String(secret))
}

// refACS3 is darabonba-openapi's V3 Authorization for the same request: the reference.
func refACS3(alg, method string, query, headers []Param, payload, id, secret string) string {
	req := &dara.Request{
		Method:   dara.String(method),
		Pathname: dara.String("/"),
		Query:    map[string]*string{},
		Headers:  map[string]*string{},
	}
	for _, p := range query {
		req.Query[p.Name] = dara.String(p.Value)
	}
	for _, h := range headers {
		req.Headers[h.Name] = dara.String(h.Value)
	}
	return *openapiutil.GetAuthorization(req, dara.String(alg), dara.String(payload), dara.String(id), dara.String(secret))
}

// randomValue draws from the characters where encodings differ: space, '*', '~', '+',
// '%', '/', '=', '&', multi-byte UTF-8, raw high bytes, and the empty string.
func randomValue(r *rand.Rand) string {
	pieces := []string{"", " ", "*", "~", "+", "%", "/", "=", "&", "a", "Z", "9", "-", "_", ".",
		"é", "中文", "🙂", "\xff", "\t", "{\"Statement\":[]}", "acs:ram::123:role/x"}
	n := r.IntN(12)
	if r.IntN(20) == 0 {
		n = 1500 // a long policy
	}
	var b strings.Builder
	for range n {
		b.WriteString(pieces[r.IntN(len(pieces))])
	}
	return b.String()
}

// TestDifferentialAgainstDarabonba signs many generated requests with both
// implementations and requires byte-for-byte equal signatures.
func TestDifferentialAgainstDarabonba(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	names := []string{"Action", "Policy", "RoleArn", "RoleSessionName", "DurationSeconds", "ExternalId", "SourceIdentity", "Z", "a"}
	for i := range 500 {
		var params []Param
		for _, n := range names {
			if r.IntN(2) == 0 {
				params = append(params, Param{n, randomValue(r)})
			}
		}
		SortParams(params)
		secret := randomValue(r)
		method := []string{"POST", "GET"}[r.IntN(2)]
		q := AppendCanonicalQuery(nil, params)
		require.Equal(t, refV1(method, params, secret), string(AppendV1Signature(nil, method, q, secret)), "case %d V1", i)

		headers := []Param{
			{"host", "sts.cn-hangzhou.aliyuncs.com"},
			{"x-acs-action", "AssumeRole"},
			{"x-acs-date", "2024-01-02T03:04:05Z"},
			{"x-acs-signature-nonce", hex.EncodeToString([]byte(randomValue(r)))},
			{"x-acs-security-token", strings.TrimSpace(randomValue(r))},
			{"x-acs-content-sha256", EmptySHA256},
		}
		SortParams(headers)
		for _, alg := range []string{ACS3HMACSHA256, ACS3HMACSM3} {
			sig := AppendACS3Signature(nil, alg, method, q, headers, EmptySHA256, secret)
			got := string(AppendAuthorization(nil, alg, "AKID", headers, sig))
			require.Equal(t, refACS3(alg, method, params, headers, EmptySHA256, "AKID", secret), got, "case %d %s", i, alg)
		}
	}
}

// FuzzCanonicalQuery holds the canonical query to url.QueryEscape with the RFC 3986
// fix-ups darabonba-openapi applies, for any name and value.
func FuzzCanonicalQuery(f *testing.F) {
	for _, s := range []string{"", "a b", "*~+", "é", "\xff%"} {
		f.Add("Policy", s)
	}
	f.Fuzz(func(t *testing.T, name, value string) {
		got := string(AppendCanonicalQuery(nil, []Param{{name, value}}))
		fix := strings.NewReplacer("+", "%20", "*", "%2A", "%7E", "~")
		want := fix.Replace(url.QueryEscape(name)) + "=" + fix.Replace(url.QueryEscape(value))
		if got != want {
			t.Fatalf("AppendCanonicalQuery(%q=%q) = %q, want %q", name, value, got, want)
		}
		params := []Param{{"Action", "AssumeRole"}, {name, value}}
		SortParams(params)
		q, sts := AppendCanonicalQueryAndV1StringToSign(nil, nil, "POST", params)
		if want := AppendCanonicalQuery(nil, params); string(q) != string(want) {
			t.Fatalf("one pass: query %q, want %q", q, want)
		}
		if want := AppendV1StringToSign(nil, "POST", q); string(sts) != string(want) {
			t.Fatalf("one pass: string to sign %q, want %q", sts, want)
		}
	})
}

// FuzzV1Signature compares the V1 signature with darabonba-openapi's for any value
// and secret.
func FuzzV1Signature(f *testing.F) {
	f.Add("acs:ram::1:role/r", "secret")
	f.Add("a b*~+", "")
	f.Fuzz(func(t *testing.T, value, secret string) {
		params := []Param{{"Action", "AssumeRole"}, {"RoleArn", value}}
		q := AppendCanonicalQuery(nil, params)
		want := refV1("POST", params, secret)
		if got := string(AppendV1Signature(nil, "POST", q, secret)); got != want {
			t.Fatalf("V1Signature = %q, want %q", got, want)
		}
		if got, want := string(AppendSignedV1Query(nil, "POST", params, secret)), string(q)+"&Signature="+string(AppendEscape(nil, want)); got != want {
			t.Fatalf("AppendSignedV1Query = %q, want %q", got, want)
		}
	})
}

func BenchmarkACS3Signature(b *testing.B) {
	q := AppendCanonicalQuery(nil, []Param{{"RoleArn", "acs:ram::123456789012:role/test"}, {"RoleSessionName", "bench"}})
	h := []Param{{"host", "sts.aliyuncs.com"}, {"x-acs-action", "AssumeRole"}, {"x-acs-content-sha256", EmptySHA256},
		{"x-acs-date", "2024-01-02T03:04:05Z"}, {"x-acs-signature-nonce", "0123456789abcdef"}, {"x-acs-version", "2015-04-01"}}
	b.ReportAllocs()
	for b.Loop() {
		AppendACS3Signature(nil, ACS3HMACSHA256, "POST", q, h, EmptySHA256, "secret")
	}
}
