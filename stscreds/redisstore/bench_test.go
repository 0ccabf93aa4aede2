package redisstore_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/stsgo/sts/stscreds/redisstore"
	"github.com/stsgo/sts/stscreds/redisstore/redistest"
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

// BenchmarkLimiterWait is what the fleet's limiter adds to each STS call when the
// rate leaves room: one script (EVALSHA) on loopback that reserves a turn.
func BenchmarkLimiterWait(b *testing.B) {
	srv := redistest.Start(b)
	limiter, err := redisstore.NewLimiter(srv.Client(), "bench", 1_000_000, func(o *redisstore.LimiterOptions) { o.Burst = 1000 })
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := limiter.Wait(ctx); err != nil {
			b.Fatal(err)
		}
	}
	if st := limiter.Stats(); st.Local || st.Waits == 0 {
		b.Fatalf("not paced by Redis: %+v", st)
	}
}
