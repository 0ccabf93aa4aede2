// Package stsprom exports the statistics of stscreds caches and of the fleet's rate
// limiter (stscreds/redisstore) to Prometheus (github.com/prometheus/client_golang):
// one collector per cache or limiter, read at each scrape, with the constant labels
// you give so that several can be registered.
//
//	sessions, err := stscreds.NewSessionCache(client, ...)
//	prometheus.MustRegister(stsprom.NewSessionCacheCollector(sessions, prometheus.Labels{"role": "vend"}))
//
// Counts are counters (names ending in _total); Entries, the store's circuit and the
// limiter's local pacing are gauges. Every name starts with stsgo_.
package stsprom

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/stsgo/sts/stscreds"
	"github.com/stsgo/sts/stscreds/redisstore"
)

// CacheSource is what NewCacheCollector reads: a *stscreds.Cache, or any stscreds
// provider (they embed one).
type CacheSource interface {
	Stats() stscreds.CacheStats
}

// SessionCacheSource is what NewSessionCacheCollector reads: a *stscreds.SessionCache.
type SessionCacheSource interface {
	Stats() stscreds.SessionCacheStats
}

// LimiterSource is what NewLimiterCollector reads: a *redisstore.Limiter.
type LimiterSource interface {
	Stats() redisstore.LimiterStats
}

// NewCacheCollector returns a collector of c's statistics as stsgo_cache_* metrics,
// each with the constant labels given (nil for none).
func NewCacheCollector(c CacheSource, labels prometheus.Labels) prometheus.Collector {
	return &collector[stscreds.CacheStats]{stats: c.Stats,
		metrics: cacheMetrics("stsgo_cache_", "", labels, func(s stscreds.CacheStats) stscreds.CacheStats { return s })}
}

// NewSessionCacheCollector returns a collector of c's statistics as
// stsgo_session_cache_* metrics, each with the constant labels given (nil for none).
func NewSessionCacheCollector(c SessionCacheSource, labels prometheus.Labels) prometheus.Collector {
	const p = "stsgo_session_cache_"
	type s = stscreds.SessionCacheStats
	metrics := cacheMetrics(p, " over all sessions", labels, func(s s) stscreds.CacheStats { return s.CacheStats })
	metrics = append(metrics,
		newMetric(p+"entries", "Sessions held in memory.", prometheus.GaugeValue, labels, func(s s) float64 { return float64(s.Entries) }),
		counter(p+"evictions_total", "Sessions dropped to stay within MaxEntries.", labels, func(s s) uint64 { return s.Evictions }),
		counter(p+"sts_calls_total", "AssumeRole calls made, failed ones included.", labels, func(s s) uint64 { return s.STSCalls }),
		counter(p+"shared_hits_total", "Fetches answered by the shared store instead of STS.", labels, func(s s) uint64 { return s.SharedHits }),
		counter(p+"shared_misses_total", "Reads of the shared store that found nothing usable.", labels, func(s s) uint64 { return s.SharedMisses }),
		counter(p+"lock_waits_total", "Fetches that waited for another process's fetch of the same session.", labels, func(s s) uint64 { return s.LockWaits }),
		counter(p+"store_failures_total", "Shared store operations that failed or timed out.", labels, func(s s) uint64 { return s.StoreFailures }),
		newMetric(p+"store_circuit_open", "1 while the shared store is left alone after failures, else 0.", prometheus.GaugeValue, labels, func(s s) float64 { return gauge(s.StoreCircuitOpen) }),
		counter(p+"store_circuit_opens_total", "Times the shared store began to be left alone after failures.", labels, func(s s) uint64 { return s.StoreCircuitOpens }),
	)
	return &collector[s]{stats: c.Stats, metrics: metrics}
}

// NewLimiterCollector returns a collector of l's statistics as stsgo_limiter_*
// metrics, each with the constant labels given (nil for none).
func NewLimiterCollector(l LimiterSource, labels prometheus.Labels) prometheus.Collector {
	const p = "stsgo_limiter_"
	type s = redisstore.LimiterStats
	return &collector[s]{stats: l.Stats, metrics: []metric[s]{
		counter(p+"waits_total", "Waits that let a call go, paced by Redis or locally.", labels, func(s s) uint64 { return s.Waits }),
		newMetric(p+"wait_seconds_total", "Time those waits slept, in all.", prometheus.CounterValue, labels, func(s s) float64 { return s.WaitTime.Seconds() }),
		counter(p+"refused_total", "Waits that failed: the turn lay past the deadline or MaxWait, or the context ended.", labels, func(s s) uint64 { return s.Refused }),
		counter(p+"abandoned_total", "Turns reserved in Redis and left unused by a caller whose context ended.", labels, func(s s) uint64 { return s.Abandoned }),
		counter(p+"fallbacks_total", "Times the limiter began pacing this process alone.", labels, func(s s) uint64 { return s.Fallbacks }),
		counter(p+"redis_errors_total", "Redis operations that failed or outlasted the timeout.", labels, func(s s) uint64 { return s.RedisErrors }),
		counter(p+"bad_states_total", "Impossible limiter states found in Redis and deleted.", labels, func(s s) uint64 { return s.BadStates }),
		newMetric(p+"local", "1 while the limiter paces this process alone at rate/FleetSize, else 0.", prometheus.GaugeValue, labels, func(s s) float64 { return gauge(s.Local) }),
	}}
}

// gauge is 1 for true, 0 for false.
func gauge(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// cacheMetrics are the metrics of a CacheStats, read from S by get.
func cacheMetrics[S any](prefix, over string, labels prometheus.Labels, get func(S) stscreds.CacheStats) []metric[S] {
	return []metric[S]{
		counter(prefix+"hits_total", "Reads answered at once from memory"+over+".", labels, func(s S) uint64 { return get(s).Hits }),
		counter(prefix+"misses_total", "Reads that waited for a refresh"+over+".", labels, func(s S) uint64 { return get(s).Misses }),
		counter(prefix+"refreshes_total", "Refreshes started"+over+".", labels, func(s S) uint64 { return get(s).Refreshes }),
		counter(prefix+"refresh_failures_total", "Refreshes that failed"+over+".", labels, func(s S) uint64 { return get(s).RefreshFailures }),
	}
}

// metric is one metric of the statistics S.
type metric[S any] struct {
	desc  *prometheus.Desc
	typ   prometheus.ValueType
	value func(S) float64
}

func newMetric[S any](name, help string, typ prometheus.ValueType, labels prometheus.Labels, value func(S) float64) metric[S] {
	return metric[S]{desc: prometheus.NewDesc(name, help, nil, labels), typ: typ, value: value}
}

func counter[S any](name, help string, labels prometheus.Labels, value func(S) uint64) metric[S] {
	return newMetric(name, help, prometheus.CounterValue, labels, func(s S) float64 { return float64(value(s)) })
}

// collector reads one snapshot of S per scrape and reports its metrics.
type collector[S any] struct {
	stats   func() S
	metrics []metric[S]
}

// Describe sends the descriptions of the collector's metrics.
func (c *collector[S]) Describe(ch chan<- *prometheus.Desc) {
	for _, m := range c.metrics {
		ch <- m.desc
	}
}

// Collect sends the metrics of one snapshot.
func (c *collector[S]) Collect(ch chan<- prometheus.Metric) {
	s := c.stats()
	for _, m := range c.metrics {
		ch <- prometheus.MustNewConstMetric(m.desc, m.typ, m.value(s))
	}
}
