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

// TestShardRing adds three sessions to one shard, and another, and removes them in
// every order: each is found as itself until removed, the others stay, and every
// entry knows its place in the ring.
func TestShardRing(t *testing.T) {
	for _, order := range [][]int{{0, 1, 2}, {1, 0, 2}, {2, 1, 0}, {1, 2, 0}} {
		m := newSessionMap(4) // one shard of four
		var es []*sessionEntry
		for i := range 3 {
			e, _ := m.add(&sessionEntry{session: Session{RoleSessionName: fmt.Sprint("s", i)}})
			es = append(es, e)
		}
		m.add(&sessionEntry{session: Session{RoleSessionName: "other"}})
		for n, i := range order {
			require.Same(t, es[i], m.peek(es[i].session))
			m.remove(es[i].session)
			require.Nil(t, m.peek(es[i].session), "removed")
			for _, j := range order[n+1:] {
				require.Same(t, es[j], m.peek(es[j].session), "kept")
			}
			for k, e := range m.shards[0].ring {
				require.Equal(t, k, e.slot)
			}
		}
		require.Equal(t, 1, m.len())
		require.NotNil(t, m.peek(Session{RoleSessionName: "other"}))
	}
}

// assumeStub answers every AssumeRole at once with credentials named after the session.
type assumeStub struct{}

func (assumeStub) AssumeRoleWithContext(_ context.Context, req *sts.AssumeRoleRequest, _ *sts.RuntimeOptions) (*sts.AssumeRoleResponse, error) {
	c := new(sts.Credentials).SetAccessKeyId("STS." + *req.RoleSessionName).SetAccessKeySecret("s").SetSecurityToken("t").
		SetExpiration(time.Now().Add(time.Hour).UTC().Format(sts.ExpirationLayout))
	return &sts.AssumeRoleResponse{Body: &sts.AssumeRoleResponseBody{Credentials: c}}, nil
}

// TestHitsTakeNoLock holds the lock of a session's shard as a writer would: a hit on
// that very session goes through. (On main before the shards, one mutex served every
// hit; with the shards' read locks, a hit waited for its shard's writer.)
func TestHitsTakeNoLock(t *testing.T) {
	c, err := NewSessionCache(assumeStub{})
	require.NoError(t, err)
	defer c.Close()
	ctx := context.Background()
	s := Session{RoleArn: "acs:ram::1234567890123456:role/r", RoleSessionName: "user-0", Duration: time.Hour}
	_, err = c.Retrieve(ctx, s)
	require.NoError(t, err)

	sh := c.sessions.shard(s)
	sh.mu.Lock()
	got, err := c.Retrieve(ctx, s) // would deadlock were a hit to take the shard's lock
	sh.mu.Unlock()
	require.NoError(t, err)
	require.Equal(t, "STS."+s.RoleSessionName, got.AccessKeyId)
	require.EqualValues(t, 1, c.Stats().Hits)
}
