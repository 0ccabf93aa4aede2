package stscreds

import (
	"context"
	"hash/maphash"
	"math/bits"
	"sync"
	"sync/atomic"
)

// sessionMap holds a SessionCache's sessions: an index that reads take without a
// lock or a write (a sync.Map, whose lookups are atomic loads), and shards, picked by
// a hash of the session, that keep the eviction order and serialise the writes. A read
// looks the session up and marks it used only if it is not marked already, so hits on
// many cores write no shared memory: an atomic add on a shard's read lock, even
// uncontended, moved its cache line between cores at every hit, and two goroutines'
// hits took 0.77 of the time one took, where they take half now.
//
// Each shard holds at most its share of MaxEntries and evicts by CLOCK (second
// chance), an approximation of least-recently-used: the shard's hand sweeps its
// sessions, clearing the used marks it finds, and evicts the first session not used
// since the hand last passed it. So the map never holds more than MaxEntries, and
// may evict while holding fewer: with shards of at least 64 sessions, a cache that has
// seen about MaxEntries sessions holds roughly 97% of them, and one that has seen
// twice as many holds MaxEntries rounded down to a multiple of the shard count.
type sessionMap struct {
	index    sync.Map // Session → *sessionEntry; written only under the entry's shard's mu
	seed     maphash.Seed
	shards   []shard
	mask     uint64 // len(shards) - 1, a power of two less one
	perShard int    // the most sessions a shard holds
}

// shard is one part of a sessionMap's eviction order. It is padded so that two
// shards' locks never share a 128-byte pair of cache lines.
type shard struct {
	mu   sync.Mutex      // guards the fields below and the index's sessions of this shard
	ring []*sessionEntry // the clock's ring of sessions, in no particular order
	hand int             // the next place in ring the clock looks at
	_    [128 - 8 - 24 - 8]byte
}

// sessionEntry is one session's cache, in a shard.
type sessionEntry struct {
	owner   *SessionCache
	session Session
	used    atomic.Bool // read since the clock's hand last passed
	dropped atomic.Bool // invalidated: a fetch under way must not publish what it gets
	slot    int         // the entry's place in its shard's ring, guarded by the shard's mu
	cache   Cache
}

// Retrieve fetches the entry's session for its cache: the entry is its cache's
// provider.
func (e *sessionEntry) Retrieve(ctx context.Context) (Credentials, error) {
	return e.owner.fetch(ctx, e)
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
	return &sessionMap{seed: maphash.MakeSeed(), shards: make([]shard, n), mask: uint64(n - 1), perShard: maxEntries / n}
}

// shard is s's shard, picked by a hash of s.
func (m *sessionMap) shard(s Session) *shard {
	return &m.shards[maphash.Comparable(m.seed, s)&m.mask]
}

// get returns s's entry, or nil, and marks it used.
func (m *sessionMap) get(s Session) *sessionEntry {
	e := m.peek(s)
	if e != nil && !e.used.Load() { // a write only when the mark changes
		e.used.Store(true)
	}
	return e
}

// peek returns s's entry, or nil, leaving its mark alone. It takes no lock.
func (m *sessionMap) peek(s Session) *sessionEntry {
	if v, ok := m.index.Load(s); ok {
		return v.(*sessionEntry)
	}
	return nil
}

// add puts e in the map, unless it holds e's session already: it returns the entry in
// the map and how many it evicted from e's shard to make room.
func (m *sessionMap) add(e *sessionEntry) (*sessionEntry, int) {
	sh := m.shard(e.session)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if v, ok := m.index.Load(e.session); ok {
		old := v.(*sessionEntry)
		old.used.Store(true)
		return old, 0
	}
	evicted := 0
	for ; len(sh.ring) >= m.perShard; evicted++ {
		m.evictLocked(sh)
	}
	e.slot = len(sh.ring)
	sh.ring = append(sh.ring, e)
	m.index.Store(e.session, e)
	return e, evicted
}

// remove drops s's entry, if any, marking it dropped.
func (m *sessionMap) remove(s Session) {
	sh := m.shard(s)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if v, ok := m.index.Load(s); ok {
		e := v.(*sessionEntry)
		e.dropped.Store(true)
		m.removeLocked(sh, e)
	}
}

// len counts the sessions held.
func (m *sessionMap) len() int {
	n := 0
	for i := range m.shards {
		sh := &m.shards[i]
		sh.mu.Lock()
		n += len(sh.ring)
		sh.mu.Unlock()
	}
	return n
}

// evictLocked moves sh's hand on, clearing used marks, to the first entry not used
// since it last passed, and evicts that one. It ends within two turns.
func (m *sessionMap) evictLocked(sh *shard) {
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
		m.removeLocked(sh, e) // the last entry takes its place, and is looked at next
		return
	}
}

// removeLocked drops e, of shard sh, from the index and the ring: the ring's last
// entry moves into its slot.
func (m *sessionMap) removeLocked(sh *shard, e *sessionEntry) {
	m.index.CompareAndDelete(e.session, e)
	last := len(sh.ring) - 1
	moved := sh.ring[last]
	sh.ring[e.slot], moved.slot = moved, e.slot
	sh.ring[last] = nil
	sh.ring = sh.ring[:last]
}
