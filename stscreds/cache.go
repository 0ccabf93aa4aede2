package stscreds

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aliyun/credentials-go/credentials"
	"github.com/aliyun/credentials-go/credentials/providers"

	"github.com/stsgo/sts"
)

// CacheOptions tune a Cache. Zero values take the defaults.
type CacheOptions struct {
	// ExpiryWindow is how long before expiry a refresh starts, at least a second and
	// at most half the lifetime the credentials have left when they arrive (a longer
	// window is cut to that, so that it cannot make every read refresh). Zero means a
	// fifth of the lifetime: 12 minutes for credentials that last an hour.
	ExpiryWindow time.Duration
	// JitterFraction spreads refreshes out: each starts at a random point between the
	// whole window and (1 - JitterFraction) of it before expiry, so that many processes
	// do not refresh at once. Zero means 0.5; a negative value means no jitter; more
	// than 1 is refused.
	JitterFraction float64
	// RefreshTimeout bounds one refresh. Zero means one minute.
	RefreshTimeout time.Duration
	// RetryBackoff is the wait after a failed refresh before the next; it doubles with
	// each failure in a row, up to MaxRetryBackoff. Zero means one second; a zero
	// MaxRetryBackoff means one minute.
	RetryBackoff, MaxRetryBackoff time.Duration
	// Clock replaces time.Now, for tests. The cache reads only its wall-clock reading,
	// so a test clock takes the same path as the real one.
	Clock func() time.Time
	// Random replaces the source of jitter (uniform in [0, 1)), for tests.
	Random func() float64
}

// validate refuses options out of range: negative durations, a jitter over 1.
func (o CacheOptions) validate() error {
	if err := refuseNegative("CacheOptions", map[string]time.Duration{"ExpiryWindow": o.ExpiryWindow,
		"RefreshTimeout": o.RefreshTimeout, "RetryBackoff": o.RetryBackoff, "MaxRetryBackoff": o.MaxRetryBackoff}); err != nil {
		return err
	}
	if o.JitterFraction > 1 {
		return errors.New("stscreds: CacheOptions.JitterFraction is over 1")
	}
	return nil
}

// refuseNegative names a negative duration among the options of kind, if any.
func refuseNegative(kind string, durations map[string]time.Duration) error {
	for name, d := range durations {
		if d < 0 {
			return fmt.Errorf("stscreds: %s.%s is negative", kind, name)
		}
	}
	return nil
}

func (o CacheOptions) withDefaults() CacheOptions {
	if o.JitterFraction == 0 {
		o.JitterFraction = 0.5
	}
	o.JitterFraction = min(max(o.JitterFraction, 0), 1)
	if o.RefreshTimeout <= 0 {
		o.RefreshTimeout = time.Minute
	}
	if o.RetryBackoff <= 0 {
		o.RetryBackoff = time.Second
	}
	if o.MaxRetryBackoff <= 0 {
		o.MaxRetryBackoff = time.Minute
	}
	if o.Random == nil {
		o.Random = rand.Float64
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	return o
}

// never is a time that does not come, for credentials that do not expire.
const never = math.MaxInt64

// entry is one cached value with the wall-clock times (Unix nanoseconds) at which it is
// to be refreshed and at which it expires.
//
// Every Retrieve reads the wall clock and compares. Go's monotonic clock, and so every
// timer, stands still while a machine sleeps: after a laptop or VM resumes, a cache
// that trusted it would serve credentials that expired during the suspend. The wall
// clock moves on, and the credentials' expiry is a wall-clock time.
type entry struct {
	creds                       Credentials
	refreshAt, expires, fetched int64
}

// minLifetime is the shortest life credentials may arrive with and still be refreshed
// as usual; shorter-lived ones (a clock far behind the issuer's, an upstream cache at
// its end) are served while they last and then treated as a failed refresh, with its
// back-off.
const minLifetime = 2 * minWindow

// minWindow is the shortest expiry window: a refresh starts at least this long before
// expiry, so that callers rarely wait for one, unless the credentials have less than
// twice that left when they arrive.
const minWindow = time.Second

// refresh is a refresh under way; done closes when creds or err is set.
type refresh struct {
	done  chan struct{}
	creds Credentials
	err   error
}

// Cache keeps the credentials of a Provider and refreshes them ahead of expiry. It is
// safe for concurrent use; see the package documentation for what it guarantees.
type Cache struct {
	sdkCredential // the credential interfaces of the SDKs, reading this cache
	provider      Provider
	opts          CacheOptions
	session       string    // names the session in errors ("session <role ARN> \"<name>\""); empty: none
	group         *group    // the owner's refreshes, when an owner ends them; nil: none
	stats         *counters // the cache's own, or its SessionCache's

	value atomic.Pointer[entry] // nil until the first refresh, or after Invalidate

	mu       sync.Mutex // guards the fields below
	inflight *refresh   // the refresh under way, if any
	failures int        // failed refreshes in a row
	retryAt  int64      // no refresh starts before this (Unix nanoseconds), after a failure
	lastErr  error      // the last failure, while it holds back refreshes
	refusals int        // values invalidated in a row, each soon after it was fetched
}

// A Cache, and so every provider of this package, is accepted wherever Alibaba Cloud
// Go SDKs take credentials.
var (
	_ credentials.Credential        = (*Cache)(nil)
	_ providers.CredentialsProvider = (*Cache)(nil)
	_ sts.ContextCredential         = (*Cache)(nil)
)

// NewCache puts a cache in front of p. Given a cache (or a provider of this package,
// which has one), it builds a new cache over the same underlying provider instead of
// wrapping a cache in a cache.
func NewCache(p Provider, optFns ...func(*CacheOptions)) *Cache {
	var opts CacheOptions
	for _, f := range optFns {
		f(&opts)
	}
	return newCache(p, "stscreds.Cache", opts)
}

// cached is implemented by the cache and the providers that embed it.
type cached interface{ cache() *Cache }

func (c *Cache) cache() *Cache { return c }

func newCache(p Provider, name string, opts CacheOptions) *Cache {
	var session string
	if inner, ok := p.(cached); ok {
		c := inner.cache()
		p, name, session = c.provider, c.name, c.session
	}
	c := &Cache{provider: p, opts: opts.withDefaults(), session: session, stats: new(counters)}
	c.sdkCredential = sdkCredential{src: c, name: name}
	return c
}

// now reads the cache's clock as wall-clock Unix nanoseconds.
func (c *Cache) now() int64 { return c.opts.Clock().UnixNano() }

// Retrieve returns valid credentials. A cached value is returned at once, without a
// lock; inside the expiry window it still is, while a refresh runs in the background.
// With no valid value the caller waits for the one refresh under way (starting it if
// needed), or until ctx ends. Expired credentials are never returned.
func (c *Cache) Retrieve(ctx context.Context) (Credentials, error) {
	if e := c.value.Load(); e != nil {
		now := c.now()
		if now < e.refreshAt {
			c.stats.hit()
			return e.creds, nil
		}
		if now < e.expires { // within the expiry window
			c.stats.hit()
			c.refreshInBackground(ctx, e, now)
			return e.creds, nil
		}
	}
	c.stats.misses.Add(1)
	return c.wait(ctx)
}

// Invalidate drops the cached value and any back-off, so that the next Retrieve
// refreshes, whatever the value is. When the service rejects credentials, prefer
// InvalidateCredentials, which keeps a value a refresh has already replaced.
func (c *Cache) Invalidate() {
	c.value.Store(nil)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.retryAt, c.lastErr, c.failures = 0, nil, 0
}

// InvalidateCredentials drops the cached value, as Invalidate does, only if it holds
// the credentials given (their AccessKeyId and SecurityToken), and reports whether it
// did. A *sts.Client signing with the cache calls it when the service refuses the
// credentials it signed with:
//   - credentials a refresh has already replaced are kept, so that calls refused after
//     the refresh do not throw the fresh ones away;
//   - when the service keeps refusing (a revoked role, a key not yet propagated), a
//     value fetched after such a refusal is kept for RetryBackoff, doubling with each
//     refusal in a row up to MaxRetryBackoff, so that refused calls do not each cost
//     a fetch.
func (c *Cache) InvalidateCredentials(accessKeyId, securityToken string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.value.Load()
	if e == nil || e.creds.AccessKeyId != accessKeyId || e.creds.SecurityToken != securityToken {
		return false
	}
	now := c.now()
	if c.refusals > 0 {
		holdOff := int64(min(c.opts.RetryBackoff<<min(c.refusals-1, 30), c.opts.MaxRetryBackoff))
		switch age := now - e.fetched; {
		case age >= 0 && age < holdOff:
			return false
		case age > 2*int64(c.opts.MaxRetryBackoff): // a value that served a while: not in a row
			c.refusals = 0
		}
	}
	c.refusals++
	c.value.Store(nil)
	c.retryAt, c.lastErr, c.failures = 0, nil, 0
	return true
}

// Stats returns the counts of the cache's work so far. It takes no lock.
func (c *Cache) Stats() CacheStats { return c.stats.snapshot() }

// refreshInBackground starts a refresh of e, unless one is under way, one failed too
// recently, or e has been replaced meanwhile (by the refresh this caller would start).
func (c *Cache) refreshInBackground(ctx context.Context, e *entry, now int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.inflight == nil && !c.backingOffLocked(now) && c.value.Load() == e {
		c.startLocked(ctx)
	}
}

// wait returns the result of the refresh under way, starting one if none is, unless
// the last one failed so recently that its error still stands.
func (c *Cache) wait(ctx context.Context) (Credentials, error) {
	c.mu.Lock()
	r := c.inflight
	if r == nil {
		now := c.now()
		if e := c.value.Load(); e != nil && now < e.expires { // refreshed meanwhile
			c.mu.Unlock()
			return e.creds, nil
		}
		if c.lastErr != nil && c.backingOffLocked(now) {
			err := c.lastErr
			c.mu.Unlock()
			return Credentials{}, err
		}
		r = c.startLocked(ctx)
	}
	c.mu.Unlock()
	select {
	case <-r.done:
		return r.creds, r.err
	case <-ctx.Done():
		return Credentials{}, c.wrap(ctx.Err())
	}
}

// wrap prefixes err with "stscreds: " and the session the cache holds, if known:
// its role and name, never its policy.
func (c *Cache) wrap(err error) error {
	if c.session == "" {
		return fmt.Errorf("stscreds: %w", err)
	}
	return fmt.Errorf("stscreds: %s: %w", c.session, err)
}

// sessionLabel names a session in errors by its role and, when it has one, its name.
func sessionLabel(roleArn, name string) string {
	if name == "" {
		return "session " + roleArn
	}
	return fmt.Sprintf("session %s %q", roleArn, name)
}

// startLocked starts a refresh on a context that keeps ctx's values but not its
// cancellation: the caller that happens to start it must not end it for the others.
func (c *Cache) startLocked(ctx context.Context) *refresh {
	r := &refresh{done: make(chan struct{})}
	if c.group != nil && !c.group.add() {
		r.err = c.wrap(errClosed)
		close(r.done)
		return r
	}
	c.inflight = r
	go c.run(context.WithoutCancel(ctx), r)
	return r
}

func (c *Cache) run(ctx context.Context, r *refresh) {
	ctx, cancel := context.WithTimeout(ctx, c.opts.RefreshTimeout)
	if c.group != nil {
		defer c.group.done()
		stop := context.AfterFunc(c.group.ctx, cancel)
		defer stop()
	}
	c.stats.refreshes.Add(1)
	creds, err := c.provider.Retrieve(ctx)
	cancel()
	wall := c.opts.Clock()
	now := wall.UnixNano()
	switch {
	case err != nil:
	case creds.AccessKeyId == "" || creds.AccessKeySecret == "":
		err = errors.New("the provider returned no AccessKeyId or AccessKeySecret")
	case !creds.Expires.IsZero() && !wall.Before(creds.Expires):
		err = fmt.Errorf("the provider returned credentials that expired at %s", creds.Expires.Format(time.RFC3339))
	}

	c.mu.Lock()
	if err == nil {
		c.value.Store(c.newEntry(creds, wall))
		r.creds = creds
		if life := creds.Expires.Sub(wall); !creds.Expires.IsZero() && life < minLifetime {
			// Served while they last, but refreshed no sooner than after a failure,
			// with its doubling back-off: credentials that die as they arrive would
			// otherwise be fetched per read.
			c.backOffLocked(now, fmt.Errorf("the provider returned credentials that expire %s after they arrived", life))
		} else {
			c.failures, c.retryAt, c.lastErr = 0, 0, nil
		}
	} else {
		c.stats.refreshFailures.Add(1)
		r.err = c.backOffLocked(now, err)
	}
	c.inflight = nil
	c.mu.Unlock()
	close(r.done)
}

// backOffLocked counts a failed refresh: no refresh starts for RetryBackoff,
// doubling with each failure in a row up to MaxRetryBackoff, and a caller with no
// valid value meanwhile gets the error it returns.
func (c *Cache) backOffLocked(now int64, err error) error {
	c.failures++
	backoff := min(c.opts.RetryBackoff<<min(c.failures-1, 30), c.opts.MaxRetryBackoff)
	c.retryAt = now + int64(backoff)
	c.lastErr = c.wrap(fmt.Errorf("refreshing credentials: %w", err))
	return c.lastErr
}

// backingOffLocked reports whether a refresh may not start yet, after a failure. A
// wait longer than the longest back-off means the wall clock was set back meanwhile:
// it no longer holds refreshes back.
func (c *Cache) backingOffLocked(now int64) bool {
	return now < c.retryAt && c.retryAt-now <= int64(c.opts.MaxRetryBackoff)
}

// newEntry places creds on the wall clock, with a jittered refresh time.
func (c *Cache) newEntry(creds Credentials, wall time.Time) *entry {
	if creds.Expires.IsZero() || !creds.Expires.Before(farFuture) {
		return &entry{creds: creds, refreshAt: never, expires: never, fetched: wall.UnixNano()}
	}
	lifetime := creds.Expires.Sub(wall)
	window := expiryWindow(c.opts.ExpiryWindow, lifetime)
	window = max(time.Duration(float64(window)*(1-c.opts.JitterFraction*c.opts.Random())), minWindow)
	window = min(window, lifetime/2)
	expires := creds.Expires.UnixNano()
	return &entry{creds: creds, refreshAt: expires - int64(window), expires: expires, fetched: wall.UnixNano()}
}

// farFuture is the latest expiry a wall-clock reading in Unix nanoseconds can hold
// (in the year 2262); credentials that last longer are kept as if they never expired,
// rather than overflowing into the past.
var farFuture = time.Unix(0, never)

// expiryWindow is how long before the end of lifetime a refresh of credentials that
// last lifetime from now starts: the configured window (zero: a fifth of the
// lifetime), but never more than half the lifetime. A window at or above the lifetime
// would make every read start a refresh, a storm against STS; with the cap, a
// provider that keeps returning credentials already inside the window is asked at
// most once per halving of their remaining life.
func expiryWindow(configured, lifetime time.Duration) time.Duration {
	if configured <= 0 {
		return lifetime / 5
	}
	return min(configured, lifetime/2)
}
