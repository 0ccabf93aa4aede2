package redisstore_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/stsgo/sts/internal/redistest"
)

// BenchmarkSharedHit is what a replica pays to adopt a session another replica
// published: a GET on loopback and opening the sealed entry. It reports the 99th
// percentile of single loads besides the mean.
func BenchmarkSharedHit(b *testing.B) {
	srv := redistest.Start(b)
	store := newStore(b, srv, keyA)
	ctx := context.Background()
	if err := store.Save(ctx, hash, sample(), time.Now().Add(time.Hour)); err != nil {
		b.Fatal(err)
	}
	var took []time.Duration
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		_, found, err := store.Load(ctx, hash)
		took = append(took, time.Since(start))
		if err != nil || !found {
			b.Fatal(found, err)
		}
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds()), "p99-µs")
}
