package stscreds_test

import (
	"context"
	"testing"
	"time"

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
