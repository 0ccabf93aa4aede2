package interop

import (
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	official "github.com/alibabacloud-go/sts-20150401/v2/client"
	"github.com/alibabacloud-go/tea/dara"

	"github.com/stsgo/sts"
)

const (
	benchKeyID  = "LTAI5tBenchAccessKeyId"
	benchSecret = "BenchSecretValue-0123456789abcdef"
	benchRole   = "acs:ram::1234567890123456:role/test-role"
)

// cannedServer answers every request with the recorded AssumeRole body, so that the
// benchmarks compare the clients and not a server.
func cannedServer(b *testing.B) *httptest.Server {
	body, err := os.ReadFile("../testdata/responses/assume_role.json")
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json;charset=utf-8")
		w.Header().Set("x-acs-request-id", "964E0EC5-575B-4FF5-8FD0-D4BD8025602A")
		w.Write(body)
	}))
	b.Cleanup(srv.Close)
	return srv
}

// BenchmarkAssumeRole compares, in one run, a signed AssumeRole round trip through this
// module's client and through the official SDK, and the floor: a bare net/http POST of
// a prebuilt form and a JSON decode of the same body into the same model.
func BenchmarkAssumeRole(b *testing.B) {
	srv := cannedServer(b)
	endpoint := strings.TrimPrefix(srv.URL, "http://")

	b.Run("floor", func(b *testing.B) {
		hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 100}}
		form := "Action=AssumeRole&RoleArn=acs%3Aram%3A%3A1234567890123456%3Arole%2Ftest-role&RoleSessionName=bench&DurationSeconds=3600"
		b.ReportAllocs()
		for b.Loop() {
			resp, err := hc.Post(srv.URL+"/", "application/x-www-form-urlencoded", strings.NewReader(form))
			if err != nil {
				b.Fatal(err)
			}
			raw, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			var body sts.AssumeRoleResponseBody
			if err != nil || json.Unmarshal(raw, &body) != nil || body.Credentials == nil {
				b.Fatal("bad response", err)
			}
		}
	})
	b.Run("stsgo", func(b *testing.B) {
		c, err := sts.NewClient(&sts.Config{AccessKeyId: dara.String(benchKeyID), AccessKeySecret: dara.String(benchSecret),
			Endpoint: dara.String(endpoint), Protocol: dara.String("HTTP")})
		if err != nil {
			b.Fatal(err)
		}
		req := new(sts.AssumeRoleRequest).SetRoleArn(benchRole).SetRoleSessionName("bench").SetDurationSeconds(3600)
		b.ReportAllocs()
		for b.Loop() {
			if resp, err := c.AssumeRole(req); err != nil || resp.Body.Credentials == nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("official", func(b *testing.B) {
		c, err := official.NewClient(&openapi.Config{AccessKeyId: dara.String(benchKeyID), AccessKeySecret: dara.String(benchSecret),
			Endpoint: dara.String(endpoint), Protocol: dara.String("HTTP")})
		if err != nil {
			b.Fatal(err)
		}
		req := new(official.AssumeRoleRequest).SetRoleArn(benchRole).SetRoleSessionName("bench").SetDurationSeconds(3600)
		b.ReportAllocs()
		for b.Loop() {
			if resp, err := c.AssumeRole(req); err != nil || resp.Body.Credentials == nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkSignOfficial is the official SDK's signing of one AssumeRole attempt with
// ACS3-HMAC-SHA256, as its DoRequest does it: timestamp, nonce, headers, payload hash
// and GetAuthorization. Compare with BenchmarkSignACS3 in the root module.
func BenchmarkSignOfficial(b *testing.B) {
	alg := dara.String("ACS3-HMAC-SHA256")
	b.ReportAllocs()
	for b.Loop() {
		req := dara.NewRequest()
		req.Method, req.Pathname = dara.String("POST"), dara.String("/")
		req.Query = map[string]*string{"DurationSeconds": dara.String("3600"), "RoleArn": dara.String(benchRole), "RoleSessionName": dara.String("bench")}
		req.Headers = map[string]*string{
			"host": dara.String("sts.aliyuncs.com"), "x-acs-version": dara.String("2015-04-01"), "x-acs-action": dara.String("AssumeRole"),
			"user-agent": openapiutil.GetUserAgent(nil), "x-acs-date": openapiutil.GetTimestamp(),
			"x-acs-signature-nonce": openapiutil.GetNonce(), "accept": dara.String("application/json"),
		}
		payload := hex.EncodeToString(openapiutil.Hash([]byte(""), alg))
		req.Headers["x-acs-content-sha256"] = dara.String(payload)
		req.Headers["Authorization"] = openapiutil.GetAuthorization(req, alg, dara.String(payload), dara.String(benchKeyID), dara.String(benchSecret))
	}
}
