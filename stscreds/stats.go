package stscreds

import (
	"sync/atomic"
	"unsafe"
)

// CacheStats counts what a Cache has done since it was made; every counter only grows.
// Take two snapshots and subtract to get rates.
type CacheStats struct {
	// Hits counts reads answered at once from memory, inside the expiry window too.
	Hits uint64
	// Misses counts reads that found no valid value in memory and waited for a refresh
	// (or got the error of one that failed too recently to try again).
	Misses uint64
	// Refreshes counts calls to the provider (for a SessionCache: fetches of a session,
	// from the shared store or STS); RefreshFailures counts those that failed.
	Refreshes, RefreshFailures uint64
}

// SessionCacheStats counts what a SessionCache has done since it was made, over all
// its sessions; every counter only grows, except Entries and StoreCircuitOpen, which
// say how things are now.
type SessionCacheStats struct {
	CacheStats
	// Entries is how many sessions are in memory now.
	Entries int
	// Evictions counts sessions dropped to stay within MaxEntries.
	Evictions uint64
	// STSCalls counts AssumeRole calls, failed ones included: without a store, about
	// Refreshes; with one shared by a fleet, the part of the fleet's calls made here.
	STSCalls uint64
	// SharedHits counts fetches answered by the shared store, another process's
	// session adopted instead of calling STS; SharedMisses counts reads of the store
	// that found nothing usable.
	SharedHits, SharedMisses uint64
	// LockWaits counts fetches that waited for another process's fetch of the same
	// session.
	LockWaits uint64
	// StoreFailures counts store operations that failed or took longer than
	// StoreTimeout.
	StoreFailures uint64
	// StoreCircuitOpen says the store is being left alone after failures (sessions are
	// fetched from STS directly); StoreCircuitOpens counts the times that began.
	StoreCircuitOpen  bool
	StoreCircuitOpens uint64
}

// hitStripes is how many counters share the count of hits, each on a cache line of its
// own, so that reads on many cores do not all write one line: the only counter that
// every read moves.
const (
	hitStripeBits = 4
	hitStripes    = 1 << hitStripeBits
)

// counters are a cache's statistics; a SessionCache's sessions share one set.
type counters struct {
	hits                               [hitStripes]paddedCounter
	misses, refreshes, refreshFailures atomic.Uint64
}

// paddedCounter fills two 64-byte lines, since x86 processors fetch lines in pairs.
type paddedCounter struct {
	n atomic.Uint64
	_ [120]byte
}

// hit counts a hit on the stripe that the calling goroutine's stack picks: goroutines
// have stacks of their own, at least 8 KiB each, so those hitting at once on several
// cores mostly write different stripes, and picking costs no more than taking an
// address. (A random stripe, or one picked by the clock, let two cores collide often
// enough to cost the parallel read its scaling.)
func (c *counters) hit() {
	var anchor byte
	// Two goroutines' stacks can lie within one 8 KiB window (their frames 4 KiB
	// apart were seen): a multiplicative hash of the address from 1 KiB up picks the
	// stripe, where the address's 8 KiB window alone put both on one stripe in about
	// half of the parallel benchmark's runs.
	h := uint64(uintptr(unsafe.Pointer(&anchor))>>10) * 0x9E3779B97F4A7C15
	c.hits[h>>(64-hitStripeBits)].n.Add(1)
}

func (c *counters) snapshot() CacheStats {
	s := CacheStats{Misses: c.misses.Load(), Refreshes: c.refreshes.Load(), RefreshFailures: c.refreshFailures.Load()}
	for i := range c.hits {
		s.Hits += c.hits[i].n.Load()
	}
	return s
}

// sessionCounters are what a SessionCache counts beyond its sessions' caches.
type sessionCounters struct {
	evictions, stsCalls, sharedHits, sharedMisses, lockWaits atomic.Uint64
}
