package redisstore_test

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts/internal/syncbuf"
	"github.com/stsgo/sts/stscreds/redisstore"
	"github.com/stsgo/sts/stscreds/redisstore/redistest"
)

// TestNewRefusesClientsThatIgnoreDeadlines builds every kind of go-redis client with
// and without ContextTimeoutEnabled: New and NewLimiter take only those that honour
// deadlines, and say how to fix the others.
func TestNewRefusesClientsThatIgnoreDeadlines(t *testing.T) {
	const nowhere = "127.0.0.1:1"
	for _, tc := range []struct {
		name string
		make func(enabled bool) redis.UniversalClient
	}{
		{"Client", func(on bool) redis.UniversalClient {
			return redis.NewClient(&redis.Options{Addr: nowhere, ContextTimeoutEnabled: on})
		}},
		{"FailoverClient", func(on bool) redis.UniversalClient {
			return redis.NewFailoverClient(&redis.FailoverOptions{MasterName: "m", SentinelAddrs: []string{nowhere}, ContextTimeoutEnabled: on})
		}},
		{"ClusterClient", func(on bool) redis.UniversalClient {
			return redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{nowhere}, ContextTimeoutEnabled: on})
		}},
		{"UniversalClient", func(on bool) redis.UniversalClient {
			return redis.NewUniversalClient(&redis.UniversalOptions{Addrs: []string{nowhere}, ContextTimeoutEnabled: on})
		}},
		{"Ring", func(on bool) redis.UniversalClient {
			return redis.NewRing(&redis.RingOptions{Addrs: map[string]string{"a": nowhere}, ContextTimeoutEnabled: on})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, on := range []bool{false, true} {
				rdb := tc.make(on)
				defer rdb.Close()
				_, storeErr := redisstore.New(rdb, []redisstore.Key{keyA})
				_, limiterErr := redisstore.NewLimiter(rdb, "name", 10)
				if on {
					require.NoError(t, storeErr)
					require.NoError(t, limiterErr)
					continue
				}
				for _, err := range []error{storeErr, limiterErr} {
					require.ErrorContains(t, err, "ContextTimeoutEnabled: true")
					require.ErrorContains(t, err, "ignores context deadlines")
				}
			}
		})
	}
	_, err := redisstore.New(nil, []redisstore.Key{keyA})
	require.ErrorContains(t, err, "needs a Redis client")
	_, err = redisstore.NewLimiter(nil, "name", 10)
	require.ErrorContains(t, err, "needs a Redis client")
}

// limiterKey is the name of a limiter's state in Redis, as NewLimiter documents it.
func limiterKey(name string) string { return "stsgo:{" + name + "}:limiter" }

// scriptRuns is how many scripts Redis has run (EVAL and EVALSHA, as INFO
// commandstats counts them): one per Wait that Redis paces.
func scriptRuns(t *testing.T, rdb *redis.Client) int64 {
	t.Helper()
	info, err := rdb.Info(context.Background(), "commandstats").Result()
	require.NoError(t, err)
	var n int64
	for line := range strings.Lines(info) {
		name, stats, _ := strings.Cut(strings.TrimSpace(line), ":")
		if name != "cmdstat_eval" && name != "cmdstat_evalsha" {
			continue
		}
		calls, _, _ := strings.Cut(strings.TrimPrefix(stats, "calls="), ",")
		c, err := strconv.ParseInt(calls, 10, 64)
		require.NoError(t, err, "%s", line)
		n += c
	}
	return n
}

// serverMicros is Redis's clock, in microseconds, as the limiter reads it.
func serverMicros(t *testing.T, rdb *redis.Client) int64 {
	t.Helper()
	now, err := rdb.Time(context.Background()).Result()
	require.NoError(t, err)
	return now.UnixMicro()
}

// TestLimiterSurvivesBadState writes what a limiter never writes to its key, as one
// hostile or broken client could: the fleet's calls go on, paced locally at
// rate/FleetSize, the limiter logs it once, deletes the state, and is back on Redis
// (logging that once) after Cooldown. A state in the past is no fault: Redis paces.
//
// Which way the calls were paced, the limiter's Stats and Redis's count of the
// scripts it ran say; the time they took is checked only from below (at least the
// pacing's), since a loaded machine only makes calls slower. An earlier version
// counted the calls made in half a second and wanted more than local pacing allows
// for "paced by Redis": at a load average of 28, Redis paced 11, and the test read
// them as paced locally. (The state's key is no witness: it expires just after its
// turn.)
func TestLimiterSurvivesBadState(t *testing.T) {
	server := redistest.Start(t)
	rdb := server.Client()
	ctx := context.Background()
	const perSecond, fleetSize = 80, 4 // locally 20 per second
	for _, tc := range []struct {
		name  string
		write func(key string) error
		bad   bool
	}{
		{"huge", func(key string) error { return rdb.Set(ctx, key, "1e300", 0).Err() }, true},
		{"an hour ahead", func(key string) error {
			return rdb.Set(ctx, key, strconv.FormatInt(serverMicros(t, rdb)+time.Hour.Microseconds(), 10), 0).Err()
		}, true},
		{"infinite", func(key string) error { return rdb.Set(ctx, key, "inf", 0).Err() }, true},
		{"not a number", func(key string) error { return rdb.Set(ctx, key, "nan", 0).Err() }, true},
		{"garbage", func(key string) error { return rdb.Set(ctx, key, "\x00garbage", 0).Err() }, true},
		{"a hash", func(key string) error {
			_, err := rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
				p.Del(ctx, key)
				p.HSet(ctx, key, "tat", "0")
				return nil
			})
			return err
		}, true},
		{"negative", func(key string) error { return rdb.Set(ctx, key, "-5", 0).Err() }, false},
		{"huge negative", func(key string) error { return rdb.Set(ctx, key, "-1e300", 0).Err() }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name := "bad-state-" + strings.ReplaceAll(tc.name, " ", "-")
			var logs syncbuf.Buffer
			const cooldown = time.Second
			l, err := redisstore.NewLimiter(rdb, name, perSecond, func(o *redisstore.LimiterOptions) {
				o.FleetSize, o.Cooldown, o.Logger = fleetSize, cooldown, slog.New(slog.NewTextHandler(&logs, nil))
				// What is tested is the state, not the time Redis takes: the default
				// 100 ms was outlasted once at a load average of 7, and the replica
				// fell back to local pacing for a state it should have kept.
				o.Timeout = 20 * time.Second
			})
			require.NoError(t, err)
			require.NoError(t, l.Wait(ctx))
			key := limiterKey(name)
			require.NoError(t, tc.write(key))

			// 11 calls, each with a deadline well past any sane turn: paced by Redis
			// they take at least 10/80 s, paced locally at least 10/20 s (one turn of
			// slack for the two clocks, Redis's and this process's).
			const calls = 11
			before := scriptRuns(t, rdb)
			start := time.Now()
			for i := range calls {
				wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
				require.NoError(t, l.Wait(wctx), "call %d: the calls go on", i)
				cancel()
			}
			took := time.Since(start)
			st := l.Stats()
			t.Logf("%d calls in %s after the write; %+v", calls, took, st)
			if !tc.bad {
				require.Zero(t, st.BadStates+st.Fallbacks)
				require.False(t, st.Local, "paced by Redis, not locally")
				require.GreaterOrEqual(t, scriptRuns(t, rdb)-before, int64(calls), "paced by Redis: each call ran its script")
				require.GreaterOrEqual(t, took, (calls-2)*time.Second/perSecond, "paced at the rate")
				require.Empty(t, logs.String())
				return
			}
			// Fell back once, for the bad state. (Whether it still paces locally now is
			// up to Cooldown, a second, which 11 calls on a loaded machine outlast.)
			require.EqualValues(t, 1, st.BadStates)
			require.EqualValues(t, 1, st.Fallbacks)
			require.GreaterOrEqual(t, took, (calls-2)*time.Second*fleetSize/perSecond, "paced locally at rate/FleetSize")
			require.Equal(t, 1, strings.Count(logs.String(), "rate limit is unavailable in Redis"), "%s", &logs)
			require.Contains(t, logs.String(), "impossible")
			require.Zero(t, rdb.Exists(ctx, key).Val(), "the bad state is deleted")

			// Cooldown is a time of the limiter's own: the test waits for its effect
			// (a Wait that asks Redis again), with a bound for a loaded machine.
			require.Eventually(t, func() bool {
				require.NoError(t, l.Wait(ctx))
				return !l.Stats().Local
			}, 20*time.Second, 10*time.Millisecond, "back on Redis after Cooldown")
			require.GreaterOrEqual(t, time.Since(start), cooldown, "not before Cooldown")
			require.NoError(t, l.Wait(ctx))
			require.Equal(t, 1, strings.Count(logs.String(), "rate limit is back in Redis"), "%s", &logs)
			require.EqualValues(t, 1, l.Stats().BadStates, "the state is sane again")
		})
	}
}

// TestLimiterTurns reads the limiter's state in Redis (the next free turn, in
// microseconds of Redis's clock) after each kind of Wait: a turn past the caller's
// deadline, or past MaxWait, is refused at once and reserves nothing; a caller whose
// context ends while it sleeps leaves its turn unused; the counters say so. Each case
// sets the next turn itself, seconds ahead of a deadline or MaxWait, so that no step
// depends on how fast the machine runs the one before.
func TestLimiterTurns(t *testing.T) {
	server := redistest.Start(t)
	rdb := server.Client()
	ctx := context.Background()
	const interval = 1_000_000 // µs: one call per second
	l, err := redisstore.NewLimiter(rdb, "turns", 1)
	require.NoError(t, err)
	key := limiterKey("turns")
	state := func() int64 {
		v, err := rdb.Get(ctx, key).Int64()
		require.NoError(t, err)
		return v
	}
	queue := func(ahead time.Duration) int64 { // the next free turn, ahead of Redis's now
		turn := serverMicros(t, rdb) + ahead.Microseconds()
		require.NoError(t, rdb.Set(ctx, key, turn, time.Minute).Err())
		return turn
	}

	before := serverMicros(t, rdb)
	require.NoError(t, l.Wait(ctx))
	first := state()
	require.GreaterOrEqual(t, first, before+interval, "the first caller goes at once; the next turn is one interval on")
	require.LessOrEqual(t, first, serverMicros(t, rdb)+interval)

	far := queue(8 * time.Second)
	short, cancel := context.WithTimeout(ctx, 4*time.Second)
	defer cancel()
	err = l.Wait(short)
	require.ErrorIs(t, err, redisstore.ErrWouldExceedDeadline)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Equal(t, far, state(), "a refused caller reserves nothing")

	soon := queue(5 * time.Second)
	gone, cancel := context.WithCancel(ctx)
	abandoned := make(chan error, 1)
	go func() { abandoned <- l.Wait(gone) }()
	require.Eventually(t, func() bool { return state() == soon+interval }, 20*time.Second, time.Millisecond,
		"the caller never reserved its turn")
	cancel() // while it sleeps until soon
	require.ErrorIs(t, <-abandoned, context.Canceled)
	require.Equal(t, soon+interval, state(), "a cancelled caller's turn stays taken")

	st := l.Stats()
	require.EqualValues(t, 1, st.Waits)
	require.EqualValues(t, 2, st.Refused)
	require.EqualValues(t, 1, st.Abandoned)
	require.Greater(t, st.WaitTime, time.Duration(0))
	require.False(t, st.Local)

	// A queue seconds longer than MaxWait: a caller with MaxWait 1s is refused
	// without a deadline of its own; one with the default MaxWait waits its turn.
	turn := queue(3 * time.Second)
	impatient, err := redisstore.NewLimiter(rdb, "turns", 1, func(o *redisstore.LimiterOptions) { o.MaxWait = time.Second })
	require.NoError(t, err)
	require.ErrorIs(t, impatient.Wait(ctx), redisstore.ErrWouldExceedDeadline)
	require.Equal(t, turn, state(), "a refused caller reserves nothing")
	require.NoError(t, l.Wait(ctx))
	require.GreaterOrEqual(t, serverMicros(t, rdb), turn, "the caller went before its turn")
	require.Zero(t, l.Stats().BadStates, "a queue within MaxWait is no fault")
}
