package sts

import (
	"context"
	"math/rand/v2"
	"time"
)

// RetryPolicy bounds how a failed call is sent again. Network errors, server errors
// (5xx), throttling and a reused nonce are retried; other client errors (4xx) never
// are. Back-off is exponential with full jitter, and never shorter than the delay the
// service asks for with x-acs-retry-after. The call's context bounds it all.
type RetryPolicy struct {
	// MaxAttempts is how many times a call is sent at most, the first time included.
	// Zero means 3; 1 turns retries off.
	MaxAttempts int
	// BaseDelay is the back-off ceiling after the first attempt; it doubles with each
	// further attempt. Zero means 100ms.
	BaseDelay time.Duration
	// MaxDelay caps one back-off. Zero means 5s.
	MaxDelay time.Duration
}

// DefaultRetryPolicy is the policy of a client built without WithRetryPolicy.
var DefaultRetryPolicy = RetryPolicy{MaxAttempts: 3, BaseDelay: 100 * time.Millisecond, MaxDelay: 5 * time.Second}

// withDefaults fills the zero fields of p from DefaultRetryPolicy.
func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = DefaultRetryPolicy.MaxAttempts
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = DefaultRetryPolicy.BaseDelay
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = DefaultRetryPolicy.MaxDelay
	}
	return p
}

// backoff is the resolved back-off of one call.
type backoff struct {
	base, max time.Duration
	jitter    bool // draw uniformly from [0, delay] instead of waiting the whole delay
}

// delay returns how long to wait after the given failed attempt (1 for the first),
// at least retryAfter.
func (b backoff) delay(attempt int, retryAfter time.Duration) time.Duration {
	d := b.max
	if shift := attempt - 1; shift < 30 && b.base<<shift < b.max {
		d = b.base << shift
	}
	if b.jitter && d > 0 {
		d = rand.N(d + 1)
	}
	return max(d, retryAfter)
}

// sleep waits for d, or until ctx ends; it reports whether the whole wait passed.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 || ctx.Err() != nil {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
