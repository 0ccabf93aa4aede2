package redisstore_test

import (
	"bytes"
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts/stscreds"
	"github.com/stsgo/sts/stscreds/redisstore"
	"github.com/stsgo/sts/stscreds/redisstore/redistest"
)

var (
	keyA = redisstore.Key{ID: 1, Secret: bytes.Repeat([]byte{0xA1}, 32)}
	keyB = redisstore.Key{ID: 2, Secret: bytes.Repeat([]byte{0xB2}, 32)}
)

func sample() stscreds.Credentials {
	return stscreds.Credentials{AccessKeyId: "STS.sample-id", AccessKeySecret: "canary-secret-0123456789",
		SecurityToken: "canary-token-9876543210", Expires: time.Now().Add(time.Hour).Round(0)}
}

func newStore(t testing.TB, srv *redistest.Server, keys ...redisstore.Key) *redisstore.Store {
	t.Helper()
	s, err := redisstore.New(srv.Client(), keys)
	require.NoError(t, err)
	return s
}

const hash = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"

// TestSealing stores an entry and opens it; then checks that every way to break it
// reads as a miss, never as credentials and never as an error.
func TestSealing(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client()
	ctx := context.Background()
	store := newStore(t, srv, keyA)
	want := sample()
	require.NoError(t, store.Save(ctx, hash, want, time.Now().Add(time.Minute)))

	got, found, err := store.Load(ctx, hash)
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, want.AccessKeyId, got.AccessKeyId)
	require.Equal(t, want.AccessKeySecret, got.AccessKeySecret)
	require.Equal(t, want.SecurityToken, got.SecurityToken)
	require.True(t, want.Expires.Equal(got.Expires))

	name := "stsgo:{" + hash + "}:creds"
	ttl, err := rdb.PTTL(ctx, name).Result()
	require.NoError(t, err)
	require.InDelta(t, time.Minute.Seconds(), ttl.Seconds(), 2, "the entry lives until the time given")
	sealed, err := rdb.Get(ctx, name).Bytes()
	require.NoError(t, err)
	require.NotContains(t, string(sealed), want.AccessKeySecret)
	require.NotContains(t, string(sealed), want.SecurityToken)
	require.NotContains(t, string(sealed), want.AccessKeyId)

	miss := func(t *testing.T, s *redisstore.Store, key string) {
		t.Helper()
		got, found, err := s.Load(ctx, key)
		require.NoError(t, err)
		require.False(t, found)
		require.Zero(t, got)
	}
	for i := range sealed {
		flipped := bytes.Clone(sealed)
		flipped[i] ^= 0x01
		require.NoError(t, rdb.Set(ctx, name, flipped, time.Minute).Err())
		miss(t, store, hash)
	}
	for _, n := range []int{0, 1, 2, 13, 14, 29, len(sealed) - 1} {
		require.NoError(t, rdb.Set(ctx, name, sealed[:n], time.Minute).Err())
		miss(t, store, hash)
	}
	require.NoError(t, rdb.Set(ctx, name, sealed, time.Minute).Err())
	miss(t, newStore(t, srv, keyB), hash)                                       // a store with another key
	miss(t, newStore(t, srv, redisstore.Key{ID: 1, Secret: keyB.Secret}), hash) // same ID, another secret

	other := "1111111111111111111111111111111111111111111111111111111111111111"
	require.NoError(t, rdb.Set(ctx, "stsgo:{"+other+"}:creds", sealed, time.Minute).Err())
	miss(t, store, other) // copied to another key's name

	// The next fetch overwrites a broken entry.
	require.NoError(t, rdb.Set(ctx, name, []byte("garbage"), time.Minute).Err())
	require.NoError(t, store.Save(ctx, hash, want, time.Now().Add(time.Minute)))
	_, found, err = store.Load(ctx, hash)
	require.NoError(t, err)
	require.True(t, found)
}

// TestKeyRotation rolls keys as the package documentation says: a store sealing with
// the new key still opens entries sealed with the old one, and the other way round.
func TestKeyRotation(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	old := newStore(t, srv, keyA)
	step1 := newStore(t, srv, keyA, keyB) // seals with A, opens both
	step2 := newStore(t, srv, keyB, keyA) // seals with B, opens both
	done := newStore(t, srv, keyB)

	require.NoError(t, old.Save(ctx, hash, sample(), time.Now().Add(time.Minute)))
	for _, s := range []*redisstore.Store{step1, step2} {
		_, found, err := s.Load(ctx, hash)
		require.NoError(t, err)
		require.True(t, found)
	}
	require.NoError(t, step2.Save(ctx, hash, sample(), time.Now().Add(time.Minute)))
	for _, s := range []*redisstore.Store{step1, step2, done} {
		_, found, err := s.Load(ctx, hash)
		require.NoError(t, err)
		require.True(t, found, "sealed with B, opened by a store that has B")
	}
	_, found, err := old.Load(ctx, hash)
	require.NoError(t, err)
	require.False(t, found, "a store without B misses")
}

func TestNewRefusesBadKeys(t *testing.T) {
	srv := redistest.Start(t)
	for _, keys := range [][]redisstore.Key{nil, {{ID: 1, Secret: []byte("short")}}, {keyA, {ID: 1, Secret: keyB.Secret}}} {
		_, err := redisstore.New(srv.Client(), keys)
		require.Error(t, err)
		require.NotContains(t, err.Error(), string(keyB.Secret))
	}
}

// TestLock checks SET NX: one holder at a time; release deletes only the releaser's
// own lock; an expired lock frees itself.
//
// "Held by another" is checked on a lock of a minute, and expiry on one of 200 ms
// that the test waits out by asking for it until it is free (for 20 s at most): a
// 200 ms lock checked as held is free already when the machine stalls the test
// that long between the two calls.
func TestLock(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	store := newStore(t, srv, keyA)
	first, err := store.Lock(ctx, hash, time.Minute)
	require.NoError(t, err)
	require.NotNil(t, first)
	again, err := store.Lock(ctx, hash, time.Second)
	require.NoError(t, err)
	require.Nil(t, again, "held by another")
	require.NoError(t, first(ctx))

	unlock, err := store.Lock(ctx, hash, 200*time.Millisecond)
	require.NoError(t, err)
	require.NotNil(t, unlock)
	var next func(context.Context) error
	require.Eventually(t, func() bool { // the holder's lock expires
		next, err = store.Lock(ctx, hash, time.Minute)
		require.NoError(t, err)
		return next != nil
	}, 20*time.Second, 10*time.Millisecond, "a lock of 200 ms frees itself")
	require.NoError(t, unlock(ctx), "a late release ...")
	held, err := store.Lock(ctx, hash, time.Second)
	require.NoError(t, err)
	require.Nil(t, held, "... leaves the next holder's lock alone")
	require.NoError(t, next(ctx))
	mine, err := store.Lock(ctx, hash, time.Second)
	require.NoError(t, err)
	require.NotNil(t, mine, "released")
}

// TestDelete removes an entry and nothing else: not the lock, not another entry; a
// key with nothing stored is no error.
func TestDelete(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	store := newStore(t, srv, keyA)
	other := strings.Repeat("ab", 32)
	for _, key := range []string{hash, other} {
		require.NoError(t, store.Save(ctx, key, sample(), time.Now().Add(time.Minute)))
	}
	unlock, err := store.Lock(ctx, hash, time.Minute)
	require.NoError(t, err)
	require.NoError(t, store.Delete(ctx, hash))
	_, found, err := store.Load(ctx, hash)
	require.NoError(t, err)
	require.False(t, found)
	_, found, err = store.Load(ctx, other)
	require.NoError(t, err)
	require.True(t, found, "another entry stays")
	held, err := store.Lock(ctx, hash, time.Minute)
	require.NoError(t, err)
	require.Nil(t, held, "the lock stays with its holder")
	require.NoError(t, unlock(ctx))
	require.NoError(t, store.Delete(ctx, hash), "nothing stored")
}

// TestFullRedisIsAMiss fills a Redis that may not evict: Save stores nothing and
// says nothing, Load misses.
func TestFullRedisIsAMiss(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client()
	ctx := context.Background()
	require.NoError(t, rdb.ConfigSet(ctx, "maxmemory-policy", "noeviction").Err())
	require.NoError(t, rdb.ConfigSet(ctx, "maxmemory", "1").Err()) // one byte: already full
	store := newStore(t, srv, keyA)
	require.NoError(t, store.Save(ctx, hash, sample(), time.Now().Add(time.Minute)))
	_, found, err := store.Load(ctx, hash)
	require.NoError(t, err)
	require.False(t, found)
}

// TestRedistestFreeze holds redistest's Freeze, which fleetStalled relies on: a frozen
// server answers nothing, however long a command waits for it (redistest's clients
// have no read timeout of their own); thawed, it answers again, with its data; Stop
// ends a frozen server.
func TestRedistestFreeze(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client()
	ctx := context.Background()
	require.NoError(t, rdb.Set(ctx, "k", "v", 0).Err())
	srv.Freeze()
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	err := rdb.Get(short, "k").Err()
	cancel()
	require.ErrorIs(t, err, context.DeadlineExceeded, "frozen: no answer before the command's deadline")
	srv.Thaw()
	got, err := rdb.Get(ctx, "k").Result()
	require.NoError(t, err)
	require.Equal(t, "v", got)
	srv.Freeze()
	srv.Stop()
	require.False(t, srv.Running())
	_, err = net.Dial("tcp", srv.Addr)
	require.Error(t, err, "stopped")
}

// TestRedistestRestartWaitsForItsPort: a server started again after Stop, whose port
// another socket holds for a while (as an outgoing connection's local port can),
// starts once the port is free rather than failing. The port is held by a listener
// here, closed once Start has dialled it 20 times (its pings, 20 ms apart and more),
// long after redis-server has tried to bind it.
func TestRedistestRestartWaitsForItsPort(t *testing.T) {
	srv := redistest.Start(t)
	srv.Stop()
	held, err := net.Listen("tcp", srv.Addr)
	require.NoError(t, err)
	go func() {
		defer held.Close()
		for range 20 {
			conn, err := held.Accept()
			if err != nil {
				return
			}
			conn.Close()
		}
	}()
	srv.Start()
	require.NoError(t, srv.Client().Ping(context.Background()).Err())
}
