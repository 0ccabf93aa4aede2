package stscreds

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// SharedStore keeps credentials where other processes find them, for a SessionCache.
// Keys are opaque hex strings (hashes); nothing in them is secret. An implementation
// must protect the credentials it holds (stscreds/redisstore seals them) and treat a
// value it cannot open as absent. Every method is bounded by its ctx.
type SharedStore interface {
	// Load returns the credentials stored under key; found is false when there are
	// none, or none that can be opened.
	Load(ctx context.Context, key string) (creds Credentials, found bool, err error)
	// Save stores creds under key until the time given, replacing what was there.
	Save(ctx context.Context, key string, creds Credentials, until time.Time) error
	// Lock takes key's fetch lock for ttl, unless another holder has it. It returns
	// the function that releases the lock if it is still this holder's, or nil when
	// another holder has the lock.
	Lock(ctx context.Context, key string, ttl time.Duration) (unlock func(context.Context) error, err error)
	// Delete removes what is stored under key, so that no process adopts it again
	// (SessionCache.Invalidate). Removing a key that holds nothing is no error.
	Delete(ctx context.Context, key string) error
}

// storeFailuresToOpen is how many store failures in a row open the circuit.
const storeFailuresToOpen = 3

// guardedStore runs a SharedStore's operations with a timeout each, and stops using
// the store for a while after a few failures in a row (a circuit breaker), so that a
// store that is down or slow costs each fetch at most one short timeout, and then
// nothing. It logs once when the circuit opens and once when it closes.
type guardedStore struct {
	store    SharedStore
	timeout  time.Duration
	cooldown time.Duration // how long the circuit stays open before a probe
	logger   *slog.Logger
	now      func() time.Time

	mu        sync.Mutex // guards the fields below
	failures  int        // in a row
	open      bool
	openUntil time.Time
	probing   bool   // one operation is trying the store while the circuit is open
	fails     uint64 // failures in all
	opens     uint64 // times the circuit opened
}

// stats returns the failures so far, whether the circuit is open and how often it
// opened.
func (g *guardedStore) stats() (failures uint64, open bool, opens uint64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.fails, g.open, g.opens
}

// available reports whether the store may be used now; while the circuit is open,
// it lets one caller through to probe once the cool-down has passed.
func (g *guardedStore) available() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.open {
		return true
	}
	if g.probing || g.now().Before(g.openUntil) {
		return false
	}
	g.probing = true
	return true
}

// result records how an operation went. An error after its caller's own context
// ended says nothing about the store.
func (g *guardedStore) result(ctx context.Context, err error) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.probing = false
	if err != nil && ctx.Err() != nil {
		return false
	}
	if err == nil {
		if g.open {
			g.open = false
			g.logger.Info("stscreds: the shared store is back; sharing sessions again")
		}
		g.failures = 0
		return true
	}
	g.failures++
	g.fails++
	if g.open || g.failures >= storeFailuresToOpen {
		g.openUntil = g.now().Add(g.cooldown)
		if !g.open {
			g.open = true
			g.opens++
			g.logger.Warn("stscreds: the shared store is unavailable; fetching sessions from STS directly",
				slog.String("error", err.Error()), slog.Duration("retry_in", g.cooldown))
		}
	}
	return false
}

// load reads key; ok is false when the store failed. Credentials with less than
// window left are no use to anyone and read as absent.
func (g *guardedStore) load(ctx context.Context, key string, window time.Duration) (creds Credentials, found, ok bool) {
	opCtx, cancel := context.WithTimeout(ctx, g.timeout)
	defer cancel()
	creds, found, err := g.store.Load(opCtx, key)
	if !g.result(ctx, err) {
		return Credentials{}, false, false
	}
	if found && (creds.AccessKeyId == "" || creds.AccessKeySecret == "" || !g.now().Add(window).Before(creds.Expires)) {
		found = false
	}
	creds.Source = sessionSource
	return creds, found, true
}

// lock takes key's lock; ok is false when the store failed, unlock nil when another
// holder has the lock.
func (g *guardedStore) lock(ctx context.Context, key string, ttl time.Duration) (unlock func(), ok bool) {
	opCtx, cancel := context.WithTimeout(ctx, g.timeout)
	defer cancel()
	release, err := g.store.Lock(opCtx, key, ttl)
	if !g.result(ctx, err) {
		return nil, false
	}
	if release == nil {
		return nil, true
	}
	return func() {
		// Released even when the fetch's context has ended (a cancelled holder), so
		// that a waiting process need not wait for the lock to expire.
		base := context.WithoutCancel(ctx)
		opCtx, cancel := context.WithTimeout(base, g.timeout)
		defer cancel()
		g.result(base, release(opCtx))
	}, true
}

// remove deletes key's entry, if it holds the credentials with accessKeyId and
// securityToken (any, when accessKeyId is empty), and reports whether there was one to delete (always true
// for any). Between the check and the removal another process may publish fresh
// credentials, which are then removed too: that costs one STS call, never
// correctness. It fails without trying while the circuit is open.
func (g *guardedStore) remove(ctx context.Context, key, accessKeyId, securityToken string) (bool, error) {
	if !g.available() {
		return false, errStoreUnavailable
	}
	if accessKeyId != "" {
		creds, found, ok := g.load(ctx, key, 0)
		switch {
		case !ok:
			return false, errStoreUnavailable
		case !found || creds.AccessKeyId != accessKeyId || creds.SecurityToken != securityToken:
			return false, nil
		}
	}
	opCtx, cancel := context.WithTimeout(ctx, g.timeout)
	defer cancel()
	err := g.store.Delete(opCtx, key)
	g.result(ctx, err)
	if err != nil {
		return false, fmt.Errorf("stscreds: removing a shared session: %w", err)
	}
	return true, nil
}

// errStoreUnavailable is the error of an operation the circuit breaker held back.
var errStoreUnavailable = errors.New("stscreds: the shared store is unavailable (failing or cooling down)")

// save publishes creds until the time given, if that is still to come.
func (g *guardedStore) save(ctx context.Context, key string, creds Credentials, until time.Time) {
	if !g.now().Before(until) {
		return
	}
	opCtx, cancel := context.WithTimeout(ctx, g.timeout)
	defer cancel()
	g.result(ctx, g.store.Save(opCtx, key, creds, until))
}
