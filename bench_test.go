package sts_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/alibabacloud-go/tea/dara"

	"github.com/stsgo/sts"
)

// cannedServer answers every request with the recorded AssumeRole body, as cheaply as
// it can, so that the benchmarks below measure the clients.
func cannedServer(b *testing.B) *httptest.Server {
	body := recorded(b, "assume_role.json")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json;charset=utf-8")
		w.Header().Set("x-acs-request-id", "964E0EC5-575B-4FF5-8FD0-D4BD8025602A")
		w.Write(body)
	}))
	b.Cleanup(srv.Close)
	return srv
}

// BenchmarkAssumeRole is one signed AssumeRole round trip through this client.
func BenchmarkAssumeRole(b *testing.B) {
	srv := cannedServer(b)
	c, err := sts.NewClient(&sts.Config{
		AccessKeyId: dara.String(testKeyID), AccessKeySecret: dara.String(testSecret),
		Endpoint: dara.String(strings.TrimPrefix(srv.URL, "http://")), Protocol: dara.String("HTTP"),
	})
	if err != nil {
		b.Fatal(err)
	}
	req := new(sts.AssumeRoleRequest).SetRoleArn(testRole).SetRoleSessionName("bench").SetDurationSeconds(3600)
	b.ReportAllocs()
	for b.Loop() {
		resp, err := c.AssumeRole(req)
		if err != nil || resp.Body.Credentials == nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFloor is the least any client must do: a bare net/http POST of a prebuilt
// form (no signing, no retries) and a JSON decode of the same body into the same model.
func BenchmarkFloor(b *testing.B) {
	srv := cannedServer(b)
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
		if err != nil {
			b.Fatal(err)
		}
		var body sts.AssumeRoleResponseBody
		if err := json.Unmarshal(raw, &body); err != nil || body.Credentials == nil {
			b.Fatal(err)
		}
	}
}
