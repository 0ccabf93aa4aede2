package stsprom_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts"
	"github.com/stsgo/sts/adapters/internal/stsfixture"
	"github.com/stsgo/sts/adapters/stsprom"
	"github.com/stsgo/sts/stscreds"
	"github.com/stsgo/sts/stscreds/redisstore"
	"github.com/stsgo/sts/stscreds/redisstore/redistest"
)

// TestCollectors registers a provider's cache and a session cache, each twice under
// different labels, in a pedantic registry, drives them against the fake STS and
// scrapes: every count is what happened, counters are counters and gauges gauges,
// and the metrics pass Prometheus' lint.
func TestCollectors(t *testing.T) {
	f := stsfixture.New(t)
	ctx := context.Background()
	client, err := sts.NewClient(f.STS.Config())
	require.NoError(t, err)
	sessions, err := stscreds.NewSessionCache(client, func(o *stscreds.SessionCacheOptions) { o.MaxEntries = 1 })
	require.NoError(t, err)
	defer sessions.Close()

	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(
		stsprom.NewCacheCollector(f.Provider, prometheus.Labels{"provider": "upload"}),
		stsprom.NewCacheCollector(stscreds.NewCache(f.Provider), prometheus.Labels{"provider": "idle"}),
		stsprom.NewSessionCacheCollector(sessions, prometheus.Labels{"role": "vend"}),
	)
	for range 3 {
		_, err := f.Provider.Retrieve(ctx)
		require.NoError(t, err)
	}
	for _, name := range []string{"alice", "alice", "bob"} { // bob pushes alice out
		_, err := sessions.Retrieve(ctx, stscreds.Session{RoleArn: f.STS.Role().Arn, RoleSessionName: name})
		require.NoError(t, err)
	}

	want := `
# HELP stsgo_cache_hits_total Reads answered at once from memory.
# TYPE stsgo_cache_hits_total counter
stsgo_cache_hits_total{provider="idle"} 0
stsgo_cache_hits_total{provider="upload"} 2
# HELP stsgo_cache_misses_total Reads that waited for a refresh.
# TYPE stsgo_cache_misses_total counter
stsgo_cache_misses_total{provider="idle"} 0
stsgo_cache_misses_total{provider="upload"} 1
# HELP stsgo_cache_refresh_failures_total Refreshes that failed.
# TYPE stsgo_cache_refresh_failures_total counter
stsgo_cache_refresh_failures_total{provider="idle"} 0
stsgo_cache_refresh_failures_total{provider="upload"} 0
# HELP stsgo_cache_refreshes_total Refreshes started.
# TYPE stsgo_cache_refreshes_total counter
stsgo_cache_refreshes_total{provider="idle"} 0
stsgo_cache_refreshes_total{provider="upload"} 1
# HELP stsgo_session_cache_entries Sessions held in memory.
# TYPE stsgo_session_cache_entries gauge
stsgo_session_cache_entries{role="vend"} 1
# HELP stsgo_session_cache_evictions_total Sessions dropped to stay within MaxEntries.
# TYPE stsgo_session_cache_evictions_total counter
stsgo_session_cache_evictions_total{role="vend"} 1
# HELP stsgo_session_cache_hits_total Reads answered at once from memory over all sessions.
# TYPE stsgo_session_cache_hits_total counter
stsgo_session_cache_hits_total{role="vend"} 1
# HELP stsgo_session_cache_misses_total Reads that waited for a refresh over all sessions.
# TYPE stsgo_session_cache_misses_total counter
stsgo_session_cache_misses_total{role="vend"} 2
# HELP stsgo_session_cache_store_circuit_open 1 while the shared store is left alone after failures, else 0.
# TYPE stsgo_session_cache_store_circuit_open gauge
stsgo_session_cache_store_circuit_open{role="vend"} 0
# HELP stsgo_session_cache_sts_calls_total AssumeRole calls made, failed ones included.
# TYPE stsgo_session_cache_sts_calls_total counter
stsgo_session_cache_sts_calls_total{role="vend"} 2
`
	require.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(want),
		"stsgo_cache_hits_total", "stsgo_cache_misses_total", "stsgo_cache_refreshes_total", "stsgo_cache_refresh_failures_total",
		"stsgo_session_cache_entries", "stsgo_session_cache_evictions_total", "stsgo_session_cache_hits_total",
		"stsgo_session_cache_misses_total", "stsgo_session_cache_sts_calls_total", "stsgo_session_cache_store_circuit_open"))
	n, err := testutil.GatherAndCount(reg)
	require.NoError(t, err)
	require.Equal(t, 2*4+13, n, "every statistic of each collector")
	problems, err := testutil.GatherAndLint(reg)
	require.NoError(t, err)
	require.Empty(t, problems)
}

// downStore is a shared store that is down.
type downStore struct{}

var errDown = errors.New("store down")

func (downStore) Load(context.Context, string) (stscreds.Credentials, bool, error) {
	return stscreds.Credentials{}, false, errDown
}
func (downStore) Save(context.Context, string, stscreds.Credentials, time.Time) error { return errDown }
func (downStore) Lock(context.Context, string, time.Duration) (func(context.Context) error, error) {
	return nil, errDown
}
func (downStore) Delete(context.Context, string) error { return errDown }

// TestCircuitGauge scrapes a session cache whose store is down: the circuit's gauge
// reads 1, with the failures that opened it.
func TestCircuitGauge(t *testing.T) {
	f := stsfixture.New(t)
	client, err := sts.NewClient(f.STS.Config())
	require.NoError(t, err)
	sessions, err := stscreds.NewSessionCache(client, func(o *stscreds.SessionCacheOptions) {
		o.Store, o.Logger = downStore{}, slog.New(slog.DiscardHandler)
	})
	require.NoError(t, err)
	defer sessions.Close()
	for _, name := range []string{"a1", "b1", "c1", "d1"} {
		_, err := sessions.Retrieve(context.Background(), stscreds.Session{RoleArn: f.STS.Role().Arn, RoleSessionName: name})
		require.NoError(t, err)
	}
	c := stsprom.NewSessionCacheCollector(sessions, nil)
	require.NoError(t, testutil.CollectAndCompare(c, strings.NewReader(`
# HELP stsgo_session_cache_store_circuit_open 1 while the shared store is left alone after failures, else 0.
# TYPE stsgo_session_cache_store_circuit_open gauge
stsgo_session_cache_store_circuit_open 1
# HELP stsgo_session_cache_store_circuit_opens_total Times the shared store began to be left alone after failures.
# TYPE stsgo_session_cache_store_circuit_opens_total counter
stsgo_session_cache_store_circuit_opens_total 1
# HELP stsgo_session_cache_store_failures_total Shared store operations that failed or timed out.
# TYPE stsgo_session_cache_store_failures_total counter
stsgo_session_cache_store_failures_total 3
# HELP stsgo_session_cache_sts_calls_total AssumeRole calls made, failed ones included.
# TYPE stsgo_session_cache_sts_calls_total counter
stsgo_session_cache_sts_calls_total 4
`), "stsgo_session_cache_store_circuit_open", "stsgo_session_cache_store_circuit_opens_total",
		"stsgo_session_cache_store_failures_total", "stsgo_session_cache_sts_calls_total"))
}

// TestLimiterCollector scrapes a limiter in a real Redis through calls it lets go and
// through an outage, when it paces locally: the counts and the local gauge follow.
func TestLimiterCollector(t *testing.T) {
	srv := redistest.Start(t)
	limiter, err := redisstore.NewLimiter(srv.Client(), "1234567890123456:cn-hangzhou:AssumeRole", 1000, func(o *redisstore.LimiterOptions) {
		o.Timeout, o.Burst = time.Second, 10
	})
	require.NoError(t, err)
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(stsprom.NewLimiterCollector(limiter, prometheus.Labels{"action": "AssumeRole"}))
	for range 5 {
		require.NoError(t, limiter.Wait(context.Background()))
	}
	require.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(`
# HELP stsgo_limiter_local 1 while the limiter paces this process alone at rate/FleetSize, else 0.
# TYPE stsgo_limiter_local gauge
stsgo_limiter_local{action="AssumeRole"} 0
# HELP stsgo_limiter_waits_total Waits that let a call go, paced by Redis or locally.
# TYPE stsgo_limiter_waits_total counter
stsgo_limiter_waits_total{action="AssumeRole"} 5
`), "stsgo_limiter_local", "stsgo_limiter_waits_total"))

	srv.Stop()
	require.NoError(t, limiter.Wait(context.Background()), "paced locally")
	require.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(`
# HELP stsgo_limiter_fallbacks_total Times the limiter began pacing this process alone.
# TYPE stsgo_limiter_fallbacks_total counter
stsgo_limiter_fallbacks_total{action="AssumeRole"} 1
# HELP stsgo_limiter_local 1 while the limiter paces this process alone at rate/FleetSize, else 0.
# TYPE stsgo_limiter_local gauge
stsgo_limiter_local{action="AssumeRole"} 1
# HELP stsgo_limiter_redis_errors_total Redis operations that failed or outlasted the timeout.
# TYPE stsgo_limiter_redis_errors_total counter
stsgo_limiter_redis_errors_total{action="AssumeRole"} 1
# HELP stsgo_limiter_waits_total Waits that let a call go, paced by Redis or locally.
# TYPE stsgo_limiter_waits_total counter
stsgo_limiter_waits_total{action="AssumeRole"} 6
`), "stsgo_limiter_fallbacks_total", "stsgo_limiter_local", "stsgo_limiter_redis_errors_total", "stsgo_limiter_waits_total"))
	n, err := testutil.GatherAndCount(reg)
	require.NoError(t, err)
	require.Equal(t, 8, n)
	problems, err := testutil.GatherAndLint(reg)
	require.NoError(t, err)
	require.Empty(t, problems)
}
