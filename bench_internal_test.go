package sts

import (
	"encoding/hex"
	"testing"

	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
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

// BenchmarkSign is the whole signing of one AssumeRole attempt, by this client and by
// darabonba-openapi's reference functions as the official client's DoRequest and
// DoRPCRequest use them: timestamp, nonce, canonical query and headers, signature and
// the Authorization value (ACS3), or the common parameters and the signed query (V1).
func BenchmarkSign(b *testing.B) {
	b.Run("stsgo/acs3", func(b *testing.B) {
		c := benchClient(b, signer.ACS3HMACSHA256)
		cred, _ := c.creds.get(b.Context())
		b.ReportAllocs()
		for b.Loop() {
			ts := c.timestamp()
			var buf [16]signer.Param
			c.signACS3(opAssumeRole, benchParams, nil, cred, ts, c.nonce(), buf[:0])
		}
	})
	b.Run("official/acs3", func(b *testing.B) {
		alg := dara.String(signer.ACS3HMACSHA256)
		b.ReportAllocs()
		for b.Loop() {
			req := dara.NewRequest()
			req.Method, req.Pathname = dara.String("POST"), dara.String("/")
			req.Query = map[string]*string{"DurationSeconds": dara.String("3600"), "RoleArn": dara.String(benchParams[1].Value), "RoleSessionName": dara.String("bench")}
			req.Headers = map[string]*string{
				"host": dara.String("sts.aliyuncs.com"), "x-acs-version": dara.String(apiVersion), "x-acs-action": dara.String("AssumeRole"),
				"user-agent": openapiutil.GetUserAgent(nil), "x-acs-date": openapiutil.GetTimestamp(),
				"x-acs-signature-nonce": openapiutil.GetNonce(), "accept": dara.String("application/json"),
			}
			payload := hex.EncodeToString(openapiutil.Hash([]byte(""), alg))
			req.Headers["x-acs-content-sha256"] = dara.String(payload)
			req.Headers["Authorization"] = openapiutil.GetAuthorization(req, alg, dara.String(payload), dara.String("LTAI5tBenchAccessKeyId"), dara.String("BenchSecretValue-0123456789abcdef"))
		}
	})
	b.Run("stsgo/v1", func(b *testing.B) {
		c := benchClient(b, "v2")
		cred, _ := c.creds.get(b.Context())
		b.ReportAllocs()
		for b.Loop() {
			ts := c.timestamp()
			c.rpcQuery(opAssumeRole, benchParams, ts, c.nonce(), cred)
		}
	})
	b.Run("official/v1", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			query := map[string]*string{
				"Action": dara.String("AssumeRole"), "Format": dara.String("json"), "Version": dara.String(apiVersion),
				"Timestamp": openapiutil.GetTimestamp(), "SignatureNonce": openapiutil.GetNonce(),
				"AccessKeyId": dara.String("LTAI5tBenchAccessKeyId"), "SignatureMethod": dara.String("HMAC-SHA1"), "SignatureVersion": dara.String("1.0"),
				"DurationSeconds": dara.String("3600"), "RoleArn": dara.String(benchParams[1].Value), "RoleSessionName": dara.String("bench"),
			}
			query["Signature"] = openapiutil.GetRPCSignature(query, dara.String("POST"), dara.String("BenchSecretValue-0123456789abcdef"))
			_ = dara.ToFormString(dara.ToMap(query))
		}
	})
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
