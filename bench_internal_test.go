package sts

import (
	"testing"

	"github.com/alibabacloud-go/tea/dara"

	"github.com/stsgo/sts/internal/signer"
)

func benchClient(b *testing.B, algorithm string) *Client {
	c, err := NewClient(&Config{AccessKeyId: dara.String("LTAI5tBenchAccessKeyId"), AccessKeySecret: dara.String("BenchSecretValue-0123456789abcdef"),
		SignatureAlgorithm: dara.String(algorithm)})
	if err != nil {
		b.Fatal(err)
	}
	return c
}

var benchParams = []signer.Param{
	{Name: "DurationSeconds", Value: "3600"},
	{Name: "RoleArn", Value: "acs:ram::1234567890123456:role/test-role"},
	{Name: "RoleSessionName", Value: "bench"},
}

// BenchmarkSignACS3 is the whole signing of one AssumeRole attempt with
// ACS3-HMAC-SHA256: timestamp, nonce, canonical query, canonical headers, signature
// and the Authorization value.
func BenchmarkSignACS3(b *testing.B) {
	c := benchClient(b, signer.ACS3HMACSHA256)
	cred, _ := c.creds.get(b.Context())
	b.ReportAllocs()
	for b.Loop() {
		ts := c.timestamp()
		var buf [16]signer.Param
		c.signACS3(opAssumeRole, benchParams, nil, cred, ts, c.nonce(), buf[:0])
	}
}

// BenchmarkSignV1 is the whole V1 signing of one AssumeRole attempt: timestamp, nonce,
// common parameters, canonical query, HMAC-SHA1 and the final query string.
func BenchmarkSignV1(b *testing.B) {
	c := benchClient(b, "v2")
	cred, _ := c.creds.get(b.Context())
	b.ReportAllocs()
	for b.Loop() {
		ts := c.timestamp()
		c.rpcQuery(opAssumeRole, benchParams, ts, c.nonce(), cred)
	}
}

// BenchmarkNewRequest is signing plus building the *http.Request.
func BenchmarkNewRequest(b *testing.B) {
	c := benchClient(b, signer.ACS3HMACSHA256)
	cred, _ := c.creds.get(b.Context())
	s, _ := c.settings(nil)
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		_ = c.newRequest(ctx, opAssumeRole, benchParams, &s, cred)
	}
}
