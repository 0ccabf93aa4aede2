package redisstore_test

import (
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts/stscreds/redisstore"
)

// tracedClient is what an instrumentation wrapper looks like: a *redis.Client
// embedded, so every method (Options too) is the client's.
type tracedClient struct{ *redis.Client }

// TestNewRefusesWrappedClientsThatIgnoreDeadlines: a wrapper that embeds a go-redis
// client built without ContextTimeoutEnabled is refused like the client itself
// (found by an adversarial review: only the concrete types were checked).
func TestNewRefusesWrappedClientsThatIgnoreDeadlines(t *testing.T) {
	rdb := tracedClient{redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})}
	defer rdb.Close()
	require.False(t, rdb.Options().ContextTimeoutEnabled)
	_, storeErr := redisstore.New(rdb, []redisstore.Key{keyA})
	_, limiterErr := redisstore.NewLimiter(rdb, "name", 10)
	require.ErrorContains(t, storeErr, "ContextTimeoutEnabled: true", "New accepted a client that ignores deadlines")
	require.ErrorContains(t, limiterErr, "ContextTimeoutEnabled: true", "NewLimiter accepted a client that ignores deadlines")
}
