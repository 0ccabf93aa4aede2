package stscreds

import (
	"context"
	"testing"

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
