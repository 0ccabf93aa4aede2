package stscreds_test

import (
	"context"
	"encoding/pem"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/credentials-go/credentials/providers"

	"github.com/stsgo/sts"
	"github.com/stsgo/sts/stscreds"
)

func warmCache(b *testing.B) *stscreds.Cache {
	c := stscreds.NewCache(stscreds.ProviderFunc(func(context.Context) (stscreds.Credentials, error) {
		return stscreds.Credentials{AccessKeyId: "STS.id", AccessKeySecret: "secret", SecurityToken: "token", Expires: time.Now().Add(time.Hour)}, nil
	}))
	if _, err := c.Retrieve(context.Background()); err != nil {
		b.Fatal(err)
	}
	return c
}

// BenchmarkRetrieveCached is a read of a valid cached value.
func BenchmarkRetrieveCached(b *testing.B) {
	c := warmCache(b)
	ctx := context.Background()
	b.Run("serial", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.Retrieve(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := c.Retrieve(ctx); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

// BenchmarkGetCredential is the credentials-go adapter over a cached value, as other
// Alibaba Cloud SDKs call it for every request.
func BenchmarkGetCredential(b *testing.B) {
	c := warmCache(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.GetCredential(); err != nil {
			b.Fatal(err)
		}
	}
}

// stubAssumer answers AssumeRole without a network, so that benchmarks measure the
// cache alone.
type stubAssumer struct{}

func (stubAssumer) AssumeRoleWithContext(_ context.Context, req *sts.AssumeRoleRequest, _ *sts.RuntimeOptions) (*sts.AssumeRoleResponse, error) {
	exp := time.Now().Add(time.Hour).UTC().Format(sts.ExpirationLayout)
	c := new(sts.Credentials).SetAccessKeyId("STS.bench-" + *req.RoleSessionName).SetAccessKeySecret("secret").
		SetSecurityToken(strings.Repeat("t", 1000)).SetExpiration(exp)
	return &sts.AssumeRoleResponse{Body: &sts.AssumeRoleResponseBody{Credentials: c}}, nil
}

func benchSession(i int) stscreds.Session {
	return stscreds.Session{RoleArn: "acs:ram::1234567890123456:role/vend", RoleSessionName: "user-" + strconv.Itoa(i),
		Policy: `{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:PutObject","Resource":"acs:oss:*:*:uploads/user-` + strconv.Itoa(i) + `/*"}]}`}
}

// BenchmarkSessionCacheHit is a read of a session held in memory, among 1,000.
func BenchmarkSessionCacheHit(b *testing.B) {
	c, err := stscreds.NewSessionCache(stubAssumer{})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	sessions := make([]stscreds.Session, 1000)
	for i := range sessions {
		sessions[i] = benchSession(i)
		if _, err := c.Retrieve(ctx, sessions[i]); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("serial", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, err := c.Retrieve(ctx, sessions[i%len(sessions)]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			i := rand.IntN(len(sessions)) // goroutines serve different users at a time
			for pb.Next() {
				if _, err := c.Retrieve(ctx, sessions[i%len(sessions)]); err != nil {
					b.Error(err)
					return
				}
				i++
			}
		})
	})
}

// BenchmarkSessionCacheMemory fills a cache with a million sessions (each with a
// 1,000-byte token and a policy of about 130 bytes) and reports the heap per entry.
func BenchmarkSessionCacheMemory(b *testing.B) {
	const n = 1_000_000
	for b.Loop() {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		// Room for twice as many, so that no shard is full: every session stays.
		c, err := stscreds.NewSessionCache(stubAssumer{}, func(o *stscreds.SessionCacheOptions) { o.MaxEntries = 2 * n })
		if err != nil {
			b.Fatal(err)
		}
		for i := range n {
			if _, err := c.Retrieve(context.Background(), benchSession(i)); err != nil {
				b.Fatal(err)
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "B/entry")
		if c.Len() != n {
			b.Fatalf("Len %d", c.Len())
		}
		c.Close()
	}
}

// BenchmarkCredentialsGoRAMRoleARN is the read of a cached value from credentials-go's
// own RAM-role provider, the other way Alibaba Cloud Go SDKs assume a role: compare
// with BenchmarkRetrieveCached. Its provider speaks HTTPS only, so the stand-in STS
// serves TLS and its certificate is made a system root (SSL_CERT_FILE, read once per
// process: nothing before this benchmark may have loaded the system roots).
func BenchmarkCredentialsGoRAMRoleARN(b *testing.B) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"RequestId":"r","Credentials":{"AccessKeyId":"STS.bench","AccessKeySecret":"secret","SecurityToken":"token","Expiration":%q}}`,
			time.Now().Add(time.Hour).UTC().Format(sts.ExpirationLayout))
	}))
	defer srv.Close()
	roots := filepath.Join(b.TempDir(), "roots.pem")
	if err := os.WriteFile(roots, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		b.Fatal(err)
	}
	b.Setenv("SSL_CERT_FILE", roots)
	static, err := providers.NewStaticAKCredentialsProviderBuilder().WithAccessKeyId("LTAIbench").WithAccessKeySecret("secret").Build()
	if err != nil {
		b.Fatal(err)
	}
	p, err := providers.NewRAMRoleARNCredentialsProviderBuilder().WithCredentialsProvider(static).
		WithRoleArn("acs:ram::1234567890123456:role/bench").WithStsEndpoint(strings.TrimPrefix(srv.URL, "https://")).Build()
	if err != nil {
		b.Fatal(err)
	}
	if _, err := p.GetCredentials(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.GetCredentials(); err != nil {
			b.Fatal(err)
		}
	}
}
