package stscreds

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/stsgo/sts"
	"github.com/stsgo/sts/policy"
)

// Session is everything that determines a role session's credentials: a
// SessionCache keys its entries by it (and by the signer, see
// SessionCacheOptions.Principal).
type Session struct {
	// RoleArn is the role to assume, acs:ram::<account>:role/<name>.
	RoleArn string
	// RoleSessionName names the session in audit logs (2 to 64 letters, digits and
	// ". @ - _"); required, since sessions are shared by it.
	RoleSessionName string
	// Policy narrows the role's permissions (JSON, at most 2048 characters); empty
	// means none. A valid policy is keyed and sent in its canonical form
	// (policy.Normalize), so that spellings of one policy share one session; one
	// already canonical (policy.Policy.String) is found without being parsed.
	Policy string
	// Duration is how long each set of credentials lasts, in whole seconds from 15
	// minutes up to the role's maximum. Zero means one hour.
	Duration time.Duration
	// ExternalId is the value the role's trust policy may require.
	ExternalId string
	// SourceIdentity is carried into the session for auditing.
	SourceIdentity string
}

// canonical is s with its policy in canonical form when it is a valid policy.
func (s Session) canonical() Session {
	s.Policy = policy.Normalize(s.Policy)
	return s
}

// SessionCacheOptions tune a SessionCache. Zero values take the defaults.
type SessionCacheOptions struct {
	// MaxEntries bounds how many sessions are kept in memory; past it one not used
	// lately is dropped. The bound holds at all times, and is met approximately: the
	// sessions are kept in up to 64 shards, each holding an equal share of MaxEntries
	// (at least 64 sessions, or all of them in one shard below 128), and a full shard
	// drops one of its own by CLOCK, an approximation of least recently used. So a
	// cache may drop sessions while holding a few percent fewer than MaxEntries
	// (about 3 % when it has seen MaxEntries sessions), and holds at most the share
	// times the shard count, MaxEntries rounded down to a multiple of it. Zero means
	// 10,000.
	MaxEntries int
	// Store shares sessions with other processes (see stscreds/redisstore). It is
	// consulted only when a session is not in memory or due for a refresh. Nil keeps
	// sessions in this process.
	Store SharedStore
	// StoreTimeout bounds each store operation; one that takes longer counts as a
	// failure and the session is fetched from STS instead. Zero means 100ms.
	StoreTimeout time.Duration
	// StoreCooldown is how long the store is left alone after three failures in a
	// row, before one fetch tries it again. Zero means 5s.
	StoreCooldown time.Duration
	// LockTTL is how long the fleet-wide lock of one replica's fetch lives if that
	// replica dies holding it. Zero means 15s.
	LockTTL time.Duration
	// MaxLockWait is how long a replica waits for another replica's fetch before it
	// calls STS itself: one extra STS call is cheaper than a request stalled behind a
	// dead holder. Zero means 2s.
	MaxLockWait time.Duration
	// Principal names the signer in the keys of the Store, so that credentials issued to one
	// signer are never handed to another. In memory, sessions are kept per SessionCache: a
	// cache assumes its client signs as one identity, and a client whose credentials move to
	// another identity needs a SessionCache of its own. Empty means the AccessKeyId the
	// client signs with, which the client must then report (see Signer; *sts.Client does):
	// with a Store, NewSessionCache refuses a client that cannot name its signer and no
	// Principal. Replicas that each sign as their own STS session of one role (ECS RAM
	// roles, ACK RRSA) have AccessKeyIds of their own and would share nothing: give them the
	// role's ARN here instead.
	Principal string
	// Logger receives one line when the store becomes unavailable and one when it is
	// back. Nil means slog.Default().
	Logger *slog.Logger
	// Cache tunes each session's refresh, as for Cache.
	Cache CacheOptions
}

// SessionCache keeps the credentials of many role sessions, each reused until its
// refresh window and refreshed by one AssumeRole call at a time, as a Cache does for
// one. A read of a session in memory takes no lock that reads of other sessions take.
// It bounds memory by evicting sessions not used lately (see MaxEntries) and never
// returns expired credentials. With a SharedStore, a fleet of processes makes one STS call per
// session and refresh window between them: on a miss one process fetches under a
// fleet-wide lock and publishes, the others wait for its entry. When the store fails
// or is slow, each process calls STS itself, still once per session, and sharing
// resumes when the store is back.
//
// It is safe for concurrent use. Close ends refreshes under way and waits for them.
type SessionCache struct {
	client   AssumeRoleAPI
	opts     SessionCacheOptions
	store    *guardedStore // nil without a Store
	group    *group
	sessions *sessionMap
	stats    *counters // its sessions' caches count here
	counts   sessionCounters
}

// NewSessionCache returns a cache of the sessions client assumes (usually a
// *sts.Client, perhaps with sts.WithRateLimiter). It refuses invalid options.
func NewSessionCache(client AssumeRoleAPI, optFns ...func(*SessionCacheOptions)) (*SessionCache, error) {
	var o SessionCacheOptions
	for _, f := range optFns {
		f(&o)
	}
	if err := refuseNegative("SessionCacheOptions", map[string]time.Duration{"StoreTimeout": o.StoreTimeout,
		"StoreCooldown": o.StoreCooldown, "LockTTL": o.LockTTL, "MaxLockWait": o.MaxLockWait}); err != nil {
		return nil, err
	}
	_, signer := client.(Signer)
	switch {
	case client == nil:
		return nil, errors.New("stscreds: NewSessionCache needs a client")
	case o.Store != nil && o.Principal == "" && !signer:
		return nil, fmt.Errorf("stscreds: NewSessionCache: with a Store, sessions are shared by signer, and a %T cannot name its signer: "+
			"set SessionCacheOptions.Principal, or give a client that implements stscreds.Signer (*sts.Client does)", client)
	case o.MaxEntries < 0:
		return nil, errors.New("stscreds: SessionCacheOptions.MaxEntries is negative")
	}
	if err := o.Cache.validate(); err != nil {
		return nil, err
	}
	if o.MaxEntries == 0 {
		o.MaxEntries = 10_000
	}
	if o.StoreTimeout == 0 {
		o.StoreTimeout = 100 * time.Millisecond
	}
	if o.StoreCooldown == 0 {
		o.StoreCooldown = 5 * time.Second
	}
	if o.LockTTL == 0 {
		o.LockTTL = 15 * time.Second
	}
	if o.MaxLockWait == 0 {
		o.MaxLockWait = 2 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	o.Cache = o.Cache.withDefaults()
	c := &SessionCache{client: client, opts: o, group: newGroup(), sessions: newSessionMap(o.MaxEntries), stats: new(counters)}
	if o.Store != nil {
		c.store = &guardedStore{store: o.Store, timeout: o.StoreTimeout, cooldown: o.StoreCooldown, logger: o.Logger, now: o.Cache.Clock}
	}
	return c, nil
}

// Retrieve returns valid credentials for s: from memory at once when it holds them,
// else from the shared store or STS. Callers asking for the same session share one
// fetch; ctx bounds the wait, not the fetch, which others may be waiting for too.
func (c *SessionCache) Retrieve(ctx context.Context, s Session) (Credentials, error) {
	s = s.withDefaults()
	e := c.sessions.get(s)
	if e == nil {
		if n := s.canonical(); n != s {
			return c.Retrieve(ctx, n) // entries hold canonical policies only
		}
		var err error
		if e, err = c.add(s); err != nil {
			return Credentials{}, err
		}
	}
	return e.cache.Retrieve(ctx)
}

// withDefaults gives s the default Duration, so that a zero Duration and one hour are
// the same session.
func (s Session) withDefaults() Session {
	if s.Duration == 0 {
		s.Duration = time.Hour
	}
	return s
}

// add makes an entry for s, unless another caller has meanwhile, evicting past
// MaxEntries. It refuses a session the client would refuse.
func (c *SessionCache) add(s Session) (*sessionEntry, error) {
	if err := s.Request().Validate(); err != nil {
		return nil, err
	}
	if c.group.ctx.Err() != nil {
		return nil, fmt.Errorf("stscreds: %s: %w", sessionLabel(s.RoleArn, s.RoleSessionName), errClosed)
	}
	e := &sessionEntry{owner: c, session: s}
	e.cache.provider, e.cache.opts, e.cache.group, e.cache.stats = e, c.opts.Cache, c.group, c.stats
	e.cache.session = sessionLabel(s.RoleArn, s.RoleSessionName)
	e.cache.sdkCredential = sdkCredential{src: &e.cache, name: sessionSource}
	e, evicted := c.sessions.add(e)
	c.counts.evictions.Add(uint64(evicted))
	return e, nil
}

// Invalidate drops s from memory and from the shared store, so that the next
// Retrieve, in this process or any other, fetches it from STS. The session is dropped
// from memory whatever happens; an error says that the shared entry could not be
// removed (the store failed, or is left alone after failures), and other processes
// may adopt it until it is due for a refresh.
func (c *SessionCache) Invalidate(ctx context.Context, s Session) error {
	s = s.withDefaults().canonical()
	// A fetch under way is told first, so that whatever it publishes from now on it
	// takes back; then the shared entry goes, before memory: were memory dropped
	// first, a Retrieve meanwhile could adopt the shared entry again and keep it.
	if e := c.sessions.peek(s); e != nil {
		e.dropped.Store(true)
	}
	_, err := c.unshare(ctx, s, "", "")
	c.sessions.remove(s)
	return err
}

// invalidateCredentials drops s's credentials, in the store and then in memory, where
// they are the ones given, and reports whether it dropped any. Memory may keep
// credentials it has only just fetched (see Cache.InvalidateCredentials).
func (c *SessionCache) invalidateCredentials(ctx context.Context, s Session, accessKeyId, securityToken string) bool {
	removed, _ := c.unshare(ctx, s, accessKeyId, securityToken) // a failure is logged by the store's guard
	e := c.sessions.peek(s)
	return e != nil && e.cache.InvalidateCredentials(accessKeyId, securityToken) || removed
}

// unshare removes s's entry from the store, if there is a store, and if the entry holds
// the credentials given (any, when accessKeyId is empty).
func (c *SessionCache) unshare(ctx context.Context, s Session, accessKeyId, securityToken string) (bool, error) {
	if c.store == nil {
		return false, nil
	}
	key, err := c.key(ctx, s)
	if err != nil {
		return false, err
	}
	return c.store.remove(ctx, key, accessKeyId, securityToken)
}

// Len returns how many sessions are in memory.
func (c *SessionCache) Len() int { return c.sessions.len() }

// Stats returns the counts of the cache's work so far, over all sessions, and the
// state of its store's circuit.
func (c *SessionCache) Stats() SessionCacheStats {
	s := SessionCacheStats{CacheStats: c.stats.snapshot(), Entries: c.Len(), Evictions: c.counts.evictions.Load(),
		STSCalls: c.counts.stsCalls.Load(), SharedHits: c.counts.sharedHits.Load(), SharedMisses: c.counts.sharedMisses.Load(),
		LockWaits: c.counts.lockWaits.Load()}
	if c.store != nil {
		s.StoreFailures, s.StoreCircuitOpen, s.StoreCircuitOpens = c.store.stats()
	}
	return s
}

// Close ends the fetches under way and waits for them. Afterwards Retrieve still
// returns credentials held in memory until they are due for a refresh, and fails
// for the others. It does not close the store or the client.
func (c *SessionCache) Close() error {
	c.group.close()
	return nil
}

const sessionSource = "stscreds.SessionCache"

// fetch gets s's credentials for the cache of its entry: from the store, where
// another process has published them, else from STS under the store's lock. Without
// a usable store it calls STS directly.
func (c *SessionCache) fetch(ctx context.Context, e *sessionEntry) (Credentials, error) {
	s := e.session
	req := s.Request()
	if c.store == nil {
		return c.assume(ctx, req)
	}
	// The key first: a probe of an open circuit, once granted, must reach the store.
	key, err := c.key(ctx, s)
	if err != nil {
		return Credentials{}, err
	}
	if !c.store.available() {
		return c.assume(ctx, req)
	}
	window := c.window(s)
	giveUp := c.opts.Cache.Clock().Add(c.opts.MaxLockWait)
	for pause := 5 * time.Millisecond; ; pause = min(2*pause, 100*time.Millisecond) {
		if creds, found, ok := c.load(ctx, key, window); !ok {
			return c.assume(ctx, req)
		} else if found {
			return creds, nil
		}
		unlock, ok := c.store.lock(ctx, key, c.opts.LockTTL)
		if !ok {
			return c.assume(ctx, req)
		}
		if unlock != nil {
			defer unlock()
			// Another process may have published between the load and the lock.
			if creds, found, _ := c.load(ctx, key, window); found {
				return creds, nil
			}
			return c.assumeAndPublish(ctx, e, req, key, window)
		}
		if !c.opts.Cache.Clock().Before(giveUp) {
			return c.assumeAndPublish(ctx, e, req, key, window)
		}
		if pause == 5*time.Millisecond { // the first wait of this fetch
			c.counts.lockWaits.Add(1)
		}
		t := time.NewTimer(pause)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return Credentials{}, ctx.Err()
		}
	}
}

// load reads key from the store, counting what it found.
func (c *SessionCache) load(ctx context.Context, key string, window time.Duration) (creds Credentials, found, ok bool) {
	creds, found, ok = c.store.load(ctx, key, window)
	switch {
	case found:
		c.counts.sharedHits.Add(1)
	case ok:
		c.counts.sharedMisses.Add(1)
	}
	return creds, found, ok
}

// assume calls STS.
func (c *SessionCache) assume(ctx context.Context, req *sts.AssumeRoleRequest) (Credentials, error) {
	c.counts.stsCalls.Add(1)
	resp, err := c.client.AssumeRoleWithContext(ctx, req, nil)
	if err != nil {
		return Credentials{}, err
	}
	return fromResponse(resp.Body.Credentials, sessionSource, clockOf(c.client))
}

// assumeAndPublish calls STS and stores the credentials until the earliest time any
// process would refresh them.
func (c *SessionCache) assumeAndPublish(ctx context.Context, e *sessionEntry, req *sts.AssumeRoleRequest, key string, window time.Duration) (Credentials, error) {
	creds, err := c.assume(ctx, req)
	if err == nil && !e.dropped.Load() {
		c.store.save(ctx, key, creds, creds.Expires.Add(-window))
		// Invalidate may have run meanwhile, after its removal from the store: take back
		// what was published, so that no process adopts credentials fetched before it.
		if e.dropped.Load() {
			_, _ = c.store.remove(ctx, key, creds.AccessKeyId, creds.SecurityToken)
		}
	}
	return creds, err
}

// window is the longest expiry window of s's credentials: no process refreshes them
// earlier, so a shared entry lives until then and is adopted only with at least that
// much life left.
func (c *SessionCache) window(s Session) time.Duration {
	return max(expiryWindow(c.opts.Cache.ExpiryWindow, s.Duration), minWindow)
}

// key is the store's name for s: the SHA-256 of an unambiguous encoding of the signer
// and every field of s, in hex. Nothing of the session or the signer can be read from it.
func (c *SessionCache) key(ctx context.Context, s Session) (string, error) {
	principal := c.opts.Principal
	if principal == "" {
		// NewSessionCache has checked that the client is a Signer.
		var err error
		if principal, err = c.client.(Signer).AccessKeyId(ctx); err != nil {
			return "", err
		}
		if principal == "" {
			return "", errors.New("stscreds: the client names no AccessKeyId to key shared sessions by")
		}
	}
	h := sha256.New()
	var n [binary.MaxVarintLen64]byte
	for _, f := range []string{"stsgo.session.v1", principal, s.RoleArn, s.RoleSessionName, s.Policy,
		strconv.FormatInt(int64(s.Duration/time.Second), 10), s.ExternalId, s.SourceIdentity} {
		h.Write(n[:binary.PutUvarint(n[:], uint64(len(f)))])
		h.Write([]byte(f))
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
