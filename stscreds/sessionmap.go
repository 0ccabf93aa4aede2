package stscreds

import (
	"context"
	"hash/maphash"
	"math/bits"
	"sync"
	"sync/atomic"
)

// sessionMap holds a SessionCache's sessions in shards, each behind its own lock,
// picked by a hash of the session, so that reads of different sessions share no lock
// and writes no memory: a read hashes the session once, takes its shard's read lock,
// looks the hash up and marks the session used only if it is not marked already.
//
// Each shard holds at most its share of MaxEntries and evicts by CLOCK (second
// chance), an approximation of least-recently-used: the shard's hand sweeps its
// sessions, clearing the used marks it finds, and evicts the first session not used
// since the hand last passed it. So the map never holds more than MaxEntries, and
// may evict while holding fewer: with shards of at least 64 sessions, a cache that has
// seen about MaxEntries sessions holds roughly 97% of them, and one that has seen
// twice as many holds MaxEntries rounded down to a multiple of the shard count.
type sessionMap struct {
	seed     maphash.Seed
	shards   []shard
	mask     uint64 // len(shards) - 1, a power of two less one
	perShard int    // the most sessions a shard holds
}

// shard is one part of a sessionMap. It is padded so that two shards' locks never
// share a 128-byte pair of cache lines.
type shard struct {
	mu      sync.RWMutex             // guards the fields below
	entries map[uint64]*sessionEntry // by hash; sessions of one hash chain through next
	ring    []*sessionEntry          // the clock's ring of sessions, in no particular order
	hand    int                      // the next place in ring the clock looks at
	_       [128 - 24 - 8 - 24 - 8]byte
}

// sessionEntry is one session's cache, in a shard.
type sessionEntry struct {
	owner   *SessionCache
	session Session
	hash    uint64
	next    *sessionEntry // another session of the same hash, guarded by the shard's mu
	used    atomic.Bool   // read since the clock's hand last passed
	slot    int           // the entry's place in its shard's ring, guarded by the shard's mu
	cache   Cache
}

// Retrieve fetches the entry's session for its cache: the entry is its cache's
// provider.
func (e *sessionEntry) Retrieve(ctx context.Context) (Credentials, error) {
	return e.owner.fetch(ctx, e.session)
}

// maxShards bounds the shard count; minPerShard is the fewest sessions a shard is
// made for, so that per-shard eviction stays close to the cache's own.
const (
	maxShards   = 64
	minPerShard = 64
)

func newSessionMap(maxEntries int) *sessionMap {
	n := 1
	if per := maxEntries / minPerShard; per > 1 {
		n = min(1<<(bits.Len(uint(per))-1), maxShards)
	}
	m := &sessionMap{seed: maphash.MakeSeed(), shards: make([]shard, n), mask: uint64(n - 1), perShard: maxEntries / n}
	for i := range m.shards {
		m.shards[i].entries = map[uint64]*sessionEntry{}
	}
	return m
}

// hash is s's hash, which picks its shard and finds it there.
func (m *sessionMap) hash(s Session) uint64 { return maphash.Comparable(m.seed, s) }

// get returns s's entry, or nil, and marks it used.
func (m *sessionMap) get(s Session) *sessionEntry {
	e := m.peek(s)
	if e != nil && !e.used.Load() { // a write only when the mark changes
		e.used.Store(true)
	}
	return e
}

// peek returns s's entry, or nil, leaving its mark alone.
func (m *sessionMap) peek(s Session) *sessionEntry {
	h := m.hash(s)
	sh := &m.shards[h&m.mask]
	sh.mu.RLock()
	e := sh.findLocked(h, s)
	sh.mu.RUnlock()
	return e
}

// add puts e in its shard, unless the shard holds its session already: it returns the
// entry in the map and how many it evicted to make room.
func (m *sessionMap) add(e *sessionEntry) (*sessionEntry, int) {
	e.hash = m.hash(e.session)
	sh := &m.shards[e.hash&m.mask]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if old := sh.findLocked(e.hash, e.session); old != nil {
		old.used.Store(true)
		return old, 0
	}
	evicted := 0
	for ; len(sh.ring) >= m.perShard; evicted++ {
		sh.evictLocked()
	}
	sh.insertLocked(e)
	return e, evicted
}

// insertLocked puts e in the shard, whose hash e.hash is.
func (sh *shard) insertLocked(e *sessionEntry) {
	e.slot = len(sh.ring)
	sh.ring = append(sh.ring, e)
	e.next = sh.entries[e.hash]
	sh.entries[e.hash] = e
}

// remove drops s's entry, if any.
func (m *sessionMap) remove(s Session) {
	h := m.hash(s)
	sh := &m.shards[h&m.mask]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if e := sh.findLocked(h, s); e != nil {
		sh.removeLocked(e)
	}
}

// findLocked returns the entry of s, whose hash is h, or nil.
func (sh *shard) findLocked(h uint64, s Session) *sessionEntry {
	e := sh.entries[h]
	for e != nil && e.session != s {
		e = e.next
	}
	return e
}

// len counts the sessions held.
func (m *sessionMap) len() int {
	n := 0
	for i := range m.shards {
		sh := &m.shards[i]
		sh.mu.RLock()
		n += len(sh.ring)
		sh.mu.RUnlock()
	}
	return n
}

// evictLocked moves the hand on, clearing used marks, to the first entry not used
// since it last passed, and evicts that one. It ends within two turns.
func (sh *shard) evictLocked() {
	for {
		if sh.hand >= len(sh.ring) {
			sh.hand = 0
		}
		e := sh.ring[sh.hand]
		if e.used.Load() {
			e.used.Store(false)
			sh.hand++
			continue
		}
		sh.removeLocked(e) // the last entry takes its place, and is looked at next
		return
	}
}

// removeLocked drops e from the shard: the ring's last entry moves into its slot.
func (sh *shard) removeLocked(e *sessionEntry) {
	last := len(sh.ring) - 1
	moved := sh.ring[last]
	sh.ring[e.slot], moved.slot = moved, e.slot
	sh.ring[last] = nil
	sh.ring = sh.ring[:last]
	switch first := sh.entries[e.hash]; {
	case first == e && e.next == nil:
		delete(sh.entries, e.hash)
	case first == e:
		sh.entries[e.hash] = e.next
	default:
		for first.next != e {
			first = first.next
		}
		first.next = e.next
	}
	e.next = nil
}
