// Package redisstore shares a fleet's STS sessions and rate limit through Redis (or
// Valkey): Store is a stscreds.SharedStore whose entries are sealed with AES-256-GCM,
// and Limiter paces the fleet's STS calls under one rate, serving callers in the order
// they asked (GCRA reservations on the Redis server's clock).
//
// Both take a redis.UniversalClient: a standalone server, Sentinel (a failover client)
// or Cluster; the tests run a fleet on each, and kill the primary under Sentinel. The
// keys of one session's entry and lock share a hash tag, so they live in one Cluster
// slot; a limiter's state is one key.
//
// The client must honour context deadlines: go-redis does only with
// ContextTimeoutEnabled set, and without it a Redis that stalls holds each command
// for the client's ReadTimeout, whatever StoreTimeout or LimiterOptions.Timeout say.
// New and NewLimiter refuse a go-redis client built without it.
//
//	rdb := redis.NewClient(&redis.Options{Addr: "redis:6379", ContextTimeoutEnabled: true})
//	store, err := redisstore.New(rdb, []redisstore.Key{{ID: 1, Secret: key32}})
//	limiter, err := redisstore.NewLimiter(rdb, "1234567890123456:sts.cn-hangzhou.aliyuncs.com:AssumeRole", 90)
//	client, err := sts.NewClient(config, sts.WithRateLimiter(limiter))
//	sessions, err := stscreds.NewSessionCache(client, func(o *stscreds.SessionCacheOptions) { o.Store = store })
//
// # Rolling the sealing key
//
// Every entry names the key that sealed it. To roll keys across a fleet: deploy every
// replica with the old key first and the new one second (they keep sealing with the
// old one and open both); then deploy with the new key first and the old one second
// (they seal with the new one); once the entries sealed with the old key have expired
// (at most one session duration), drop it. An entry that no configured key opens is
// a miss, fetched anew and overwritten.
package redisstore

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/stsgo/sts/stscreds"
)

// Key is a 256-bit key that seals entries, and the ID each entry carries to name it.
type Key struct {
	// ID names the key in each entry it seals; keys given together need distinct IDs.
	ID byte
	// Secret is the key itself: 32 random bytes, kept like any other secret.
	Secret []byte
}

// Options tune a Store.
type Options struct {
	// Prefix starts every Redis key the store writes. Empty means "stsgo".
	Prefix string
}

// Store is a stscreds.SharedStore in Redis. Entries are sealed with AES-256-GCM under
// the first key and opened with any; the Redis key name is authenticated with each,
// so an entry copied to another name does not open. A value that does not open,
// under any key, is a miss: never an error, never returned.
type Store struct {
	rdb    redis.UniversalClient
	prefix string
	seal   sealer   // the first key's
	open   []sealer // every key's, by ID
}

// sealer is one key, ready to seal and open.
type sealer struct {
	id   byte
	aead cipher.AEAD
}

// The entry format: version (1 byte) | key ID (1 byte) | nonce | ciphertext and tag.
const (
	formatVersion = 1
	headerLen     = 2
)

var _ stscreds.SharedStore = (*Store)(nil)

// New returns a store in rdb that seals with keys[0] and opens with any of keys.
//
// rdb must honour context deadlines, so that the caller's StoreTimeout bounds each
// operation: New refuses a *redis.Client, *redis.ClusterClient or *redis.Ring built
// without ContextTimeoutEnabled (redis.Options, FailoverOptions, ClusterOptions,
// UniversalOptions and RingOptions all have it). Another implementation of
// redis.UniversalClient is taken on trust.
func New(rdb redis.UniversalClient, keys []Key, optFns ...func(*Options)) (*Store, error) {
	var o Options
	for _, f := range optFns {
		f(&o)
	}
	if err := checkClient("New", rdb); err != nil {
		return nil, err
	}
	if len(keys) == 0 {
		return nil, errors.New("redisstore: New needs at least one Key")
	}
	if o.Prefix == "" {
		o.Prefix = "stsgo"
	}
	s := &Store{rdb: rdb, prefix: o.Prefix}
	seen := map[byte]bool{}
	for i, k := range keys {
		if len(k.Secret) != 32 {
			return nil, fmt.Errorf("redisstore: Key %d (ID %d) has %d bytes; AES-256 takes 32", i, k.ID, len(k.Secret))
		}
		if seen[k.ID] {
			return nil, fmt.Errorf("redisstore: two keys have ID %d", k.ID)
		}
		seen[k.ID] = true
		block, err := aes.NewCipher(k.Secret)
		if err != nil {
			return nil, fmt.Errorf("redisstore: Key %d: %w", i, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("redisstore: Key %d: %w", i, err)
		}
		s.open = append(s.open, sealer{id: k.ID, aead: aead})
	}
	s.seal = s.open[0]
	return s, nil
}

// checkClient refuses a missing client, and a go-redis client that ignores context
// deadlines: with one, a stalled Redis holds every command for the client's
// ReadTimeout (5s by default, or for ever with -1). Bounding it here instead, by
// leaving the command running and returning at the deadline, would keep a goroutine
// and a pooled connection busy until then and starve the user's other Redis work;
// with ContextTimeoutEnabled, go-redis sets the socket's deadline and closes a
// connection that outlives it.
func checkClient(who string, rdb redis.UniversalClient) error {
	var enabled bool
	switch c := rdb.(type) {
	case nil:
		return fmt.Errorf("redisstore: %s needs a Redis client", who)
	case *redis.Client:
		enabled = c != nil && c.Options().ContextTimeoutEnabled
	case *redis.ClusterClient:
		enabled = c != nil && c.Options().ContextTimeoutEnabled
	case *redis.Ring:
		enabled = c != nil && c.Options().ContextTimeoutEnabled
	// A wrapper that embeds one of them (for tracing, say) has its Options too.
	case interface{ Options() *redis.Options }:
		enabled = c.Options().ContextTimeoutEnabled
	case interface{ Options() *redis.ClusterOptions }:
		enabled = c.Options().ContextTimeoutEnabled
	case interface{ Options() *redis.RingOptions }:
		enabled = c.Options().ContextTimeoutEnabled
	default:
		return nil
	}
	if !enabled {
		return fmt.Errorf("redisstore: %s: the Redis client ignores context deadlines, so a slow Redis would hold requests past their timeouts; "+
			"build it with ContextTimeoutEnabled: true in its options (redis.Options, FailoverOptions, ClusterOptions, UniversalOptions or RingOptions)", who)
	}
	return nil
}

// entryKey and lockKey name a session's entry and its fetch lock; the braces make
// them one Cluster slot.
func (s *Store) entryKey(key string) string { return s.prefix + ":{" + key + "}:creds" }
func (s *Store) lockKey(key string) string  { return s.prefix + ":{" + key + "}:lock" }

// Load returns the credentials stored under key, if any open.
func (s *Store) Load(ctx context.Context, key string) (stscreds.Credentials, bool, error) {
	name := s.entryKey(key)
	v, err := s.rdb.Get(ctx, name).Bytes()
	if errors.Is(err, redis.Nil) {
		return stscreds.Credentials{}, false, nil
	}
	if err != nil {
		return stscreds.Credentials{}, false, fmt.Errorf("redisstore: GET: %w", err)
	}
	creds, ok := s.unseal(name, v)
	return creds, ok, nil
}

// Save stores creds, sealed, under key until the time given. A Redis that is out
// of memory stores nothing and reports no error: the next process misses and fetches.
func (s *Store) Save(ctx context.Context, key string, creds stscreds.Credentials, until time.Time) error {
	ttl := time.Until(until)
	if ttl < time.Millisecond {
		return nil
	}
	name := s.entryKey(key)
	err := s.rdb.Set(ctx, name, s.sealEntry(name, creds), ttl).Err()
	if err != nil && strings.HasPrefix(err.Error(), "OOM ") {
		return nil
	}
	if err != nil {
		return fmt.Errorf("redisstore: SET: %w", err)
	}
	return nil
}

// Delete removes the entry under key; its lock, if any, is left to its holder.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := s.rdb.Del(ctx, s.entryKey(key)).Err(); err != nil {
		return fmt.Errorf("redisstore: DEL: %w", err)
	}
	return nil
}

// unlockScript deletes a lock only if it still holds the caller's token, so that a
// holder whose lock expired cannot release the next holder's.
var unlockScript = redis.NewScript(`if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0`)

// Lock takes key's fetch lock for ttl (SET NX PX with a random token).
func (s *Store) Lock(ctx context.Context, key string, ttl time.Duration) (func(context.Context) error, error) {
	var b [16]byte
	rand.Read(b[:])
	token := hex.EncodeToString(b[:])
	name := s.lockKey(key)
	ok, err := s.rdb.SetNX(ctx, name, token, ttl).Result()
	if err != nil {
		return nil, fmt.Errorf("redisstore: SET NX: %w", err)
	}
	if !ok {
		return nil, nil
	}
	return func(ctx context.Context) error {
		if err := unlockScript.Run(ctx, s.rdb, []string{name}, token).Err(); err != nil {
			return fmt.Errorf("redisstore: releasing a lock: %w", err)
		}
		return nil
	}, nil
}

// sealEntry encrypts creds under the first key, with the version and the Redis key
// name as additional data.
func (s *Store) sealEntry(name string, creds stscreds.Credentials) []byte {
	plain := make([]byte, 0, 8+3*binary.MaxVarintLen32+len(creds.AccessKeyId)+len(creds.AccessKeySecret)+len(creds.SecurityToken))
	plain = binary.BigEndian.AppendUint64(plain, uint64(creds.Expires.UnixNano()))
	for _, f := range []string{creds.AccessKeyId, creds.AccessKeySecret, creds.SecurityToken} {
		plain = binary.AppendUvarint(plain, uint64(len(f)))
		plain = append(plain, f...)
	}
	nonceLen := s.seal.aead.NonceSize()
	out := make([]byte, headerLen+nonceLen, headerLen+nonceLen+len(plain)+s.seal.aead.Overhead())
	out[0], out[1] = formatVersion, s.seal.id
	rand.Read(out[headerLen:])
	out = s.seal.aead.Seal(out, out[headerLen:], plain, additionalData(name))
	clear(plain)
	return out
}

// unseal opens an entry; false for anything that is not an entry sealed for name
// under one of the store's keys.
func (s *Store) unseal(name string, v []byte) (stscreds.Credentials, bool) {
	if len(v) < headerLen || v[0] != formatVersion {
		return stscreds.Credentials{}, false
	}
	for _, k := range s.open {
		if k.id != v[1] {
			continue
		}
		nonceLen := k.aead.NonceSize()
		if len(v) < headerLen+nonceLen+k.aead.Overhead() {
			return stscreds.Credentials{}, false
		}
		plain, err := k.aead.Open(nil, v[headerLen:headerLen+nonceLen], v[headerLen+nonceLen:], additionalData(name))
		if err != nil {
			return stscreds.Credentials{}, false
		}
		defer clear(plain)
		return decodeEntry(plain)
	}
	return stscreds.Credentials{}, false
}

// decodeEntry reads the plaintext sealEntry wrote.
func decodeEntry(p []byte) (stscreds.Credentials, bool) {
	if len(p) < 8 {
		return stscreds.Credentials{}, false
	}
	creds := stscreds.Credentials{Expires: time.Unix(0, int64(binary.BigEndian.Uint64(p)))}
	p = p[8:]
	for _, f := range []*string{&creds.AccessKeyId, &creds.AccessKeySecret, &creds.SecurityToken} {
		n, used := binary.Uvarint(p)
		if used <= 0 || n > uint64(len(p)-used) {
			return stscreds.Credentials{}, false
		}
		*f = string(p[used : used+int(n)])
		p = p[used+int(n):]
	}
	return creds, len(p) == 0
}

// additionalData binds an entry to its format version and Redis key name.
func additionalData(name string) []byte {
	return append([]byte{formatVersion}, name...)
}
