// Package stsprom exports the statistics of stscreds caches to Prometheus
// (github.com/prometheus/client_golang): one collector per cache, read at each scrape,
// with the constant labels you give so that several caches can be registered.
//
//	sessions, err := stscreds.NewSessionCache(client, ...)
//	prometheus.MustRegister(stsprom.NewSessionCacheCollector(sessions, prometheus.Labels{"role": "vend"}))
//
// Counts are counters (names ending in _total); Entries and the store's circuit are
// gauges. Every name starts with stsgo_.
package stsprom

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/stsgo/sts/stscreds"
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
		newMetric(p+"store_circuit_open", "1 while the shared store is left alone after failures, else 0.", prometheus.GaugeValue, labels, func(s s) float64 {
			if s.StoreCircuitOpen {
				return 1
			}
			return 0
		}),
		counter(p+"store_circuit_opens_total", "Times the shared store began to be left alone after failures.", labels, func(s s) uint64 { return s.StoreCircuitOpens }),
	)
	return &collector[s]{stats: c.Stats, metrics: metrics}
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
