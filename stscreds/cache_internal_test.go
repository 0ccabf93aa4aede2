package stscreds

import (
	"context"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
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
