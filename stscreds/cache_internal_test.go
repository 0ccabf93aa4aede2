package stscreds

import (
	"context"
	"fmt"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts"
)

// TestNoCacheInACache checks that caching a cached provider builds one cache over the
// underlying provider.
func TestNoCacheInACache(t *testing.T) {
	inner := ProviderFunc(func(context.Context) (Credentials, error) {
		return Credentials{AccessKeyId: "a", AccessKeySecret: "b"}, nil
	})
	p := &AssumeRoleProvider{newCache(inner, "stscreds.AssumeRole", CacheOptions{})}
	for _, c := range []*Cache{NewCache(p), NewCache(p.Cache), NewCache(NewCache(NewCache(inner)))} {
		_, isCache := c.provider.(cached)
		require.False(t, isCache)
	}
	require.Equal(t, "stscreds.AssumeRole", NewCache(p).GetProviderName())
}

// TestSessionMapShards checks the shard layout: each shard fills a 128-byte pair of
// cache lines, and the shards' shares never add up to more than MaxEntries nor leave
// a shard smaller than minPerShard (unless the whole cache is).
func TestSessionMapShards(t *testing.T) {
	require.EqualValues(t, 128, unsafe.Sizeof(shard{}))
	for _, tc := range []struct{ max, shards, perShard int }{
		{1, 1, 1}, {2, 1, 2}, {127, 1, 127}, {128, 2, 64}, {1000, 8, 125}, {10_000, 64, 156}, {1_000_000, 64, 15_625},
	} {
		m := newSessionMap(tc.max)
		require.Equal(t, tc.shards, len(m.shards), tc.max)
		require.Equal(t, tc.perShard, m.perShard, tc.max)
		require.LessOrEqual(t, len(m.shards)*m.perShard, tc.max)
	}
}

// TestShardHashCollisions puts sessions of one hash in a shard, as two sessions whose
// 64-bit hashes collide would be, and removes them in every order: each is found as
// itself until removed, and the others stay.
func TestShardHashCollisions(t *testing.T) {
	for _, order := range [][]int{{0, 1, 2}, {1, 0, 2}, {2, 1, 0}, {1, 2, 0}} {
		sh := shard{entries: map[uint64]*sessionEntry{}}
		var es []*sessionEntry
		for i := range 3 {
			e := &sessionEntry{session: Session{RoleSessionName: fmt.Sprint("s", i)}, hash: 7}
			sh.insertLocked(e)
			es = append(es, e)
		}
		sh.insertLocked(&sessionEntry{session: Session{RoleSessionName: "other"}, hash: 8})
		for n, i := range order {
			require.Same(t, es[i], sh.findLocked(7, es[i].session))
			sh.removeLocked(es[i])
			require.Nil(t, sh.findLocked(7, es[i].session), "removed")
			for _, j := range order[n+1:] {
				require.Same(t, es[j], sh.findLocked(7, es[j].session), "kept")
			}
			for k, e := range sh.ring {
				require.Equal(t, k, e.slot)
			}
		}
		require.Len(t, sh.ring, 1)
		require.Len(t, sh.entries, 1)
		require.NotNil(t, sh.findLocked(8, Session{RoleSessionName: "other"}))
	}
}

// assumeStub answers every AssumeRole at once with credentials named after the session.
type assumeStub struct{}

func (assumeStub) AssumeRoleWithContext(_ context.Context, req *sts.AssumeRoleRequest, _ *sts.RuntimeOptions) (*sts.AssumeRoleResponse, error) {
	c := new(sts.Credentials).SetAccessKeyId("STS." + *req.RoleSessionName).SetAccessKeySecret("s").SetSecurityToken("t").
		SetExpiration(time.Now().Add(time.Hour).UTC().Format(sts.ExpirationLayout))
	return &sts.AssumeRoleResponse{Body: &sts.AssumeRoleResponseBody{Credentials: c}}, nil
}

// TestHitsShareNoLock holds the lock of one session's shard as a writer would: a hit
// on a session of another shard goes through, while a hit on the held shard waits
// for it. (On main before the shards, one mutex served every hit.)
func TestHitsShareNoLock(t *testing.T) {
	c, err := NewSessionCache(assumeStub{})
	require.NoError(t, err)
	defer c.Close()
	ctx := context.Background()
	session := func(i int) Session {
		return Session{RoleArn: "acs:ram::1234567890123456:role/r", RoleSessionName: fmt.Sprint("user-", i), Duration: time.Hour}
	}
	held := c.sessions.hash(session(0)) & c.sessions.mask
	other := 1
	for c.sessions.hash(session(other))&c.sessions.mask == held {
		other++
	}
	for _, i := range []int{0, other} {
		_, err := c.Retrieve(ctx, session(i))
		require.NoError(t, err)
	}

	sh := &c.sessions.shards[held]
	sh.mu.Lock()
	got, err := c.Retrieve(ctx, session(other)) // would deadlock were the lock shared
	require.NoError(t, err)
	require.Equal(t, "STS."+session(other).RoleSessionName, got.AccessKeyId)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = c.Retrieve(ctx, session(0))
	}()
	select {
	case <-done:
		t.Fatal("a hit on the held shard did not wait for its lock")
	case <-time.After(20 * time.Millisecond):
	}
	sh.mu.Unlock()
	<-done
	require.EqualValues(t, 4, c.Stats().Hits+c.Stats().Misses)
}
