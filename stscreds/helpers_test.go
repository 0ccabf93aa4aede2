package stscreds_test

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts"
	"github.com/stsgo/sts/ststest"
)

// fakeClock is a clock that tests move by hand; the fake server, our client and the
// cache all read it.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Now().UTC().Truncate(time.Second)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// once is a retry policy of a single attempt, so that a test's injected fault is seen
// by exactly one refresh.
var once = sts.WithRetryPolicy(sts.RetryPolicy{MaxAttempts: 1})

// userClient is a client of srv signed as its fixture user, on clock.
func userClient(t testing.TB, srv *ststest.Server, clock *fakeClock) *sts.Client {
	t.Helper()
	opts := []sts.Option{once}
	if clock != nil {
		opts = append(opts, sts.WithClock(clock.Now))
	}
	c, err := sts.NewClient(srv.Config(), opts...)
	require.NoError(t, err)
	return c
}
