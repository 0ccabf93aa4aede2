package redisstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"
)

// LimiterOptions tune a Limiter. Zero values take the defaults.
type LimiterOptions struct {
	// Burst is how many calls may go at once after a quiet spell; in any one second
	// the fleet sends at most the rate plus Burst. Zero means 1.
	Burst int
	// FleetSize is how many processes share the rate. While Redis cannot be reached,
	// each paces itself at rate/FleetSize rather than not at all. Zero means 1.
	FleetSize int
	// Timeout bounds each Redis operation; one that fails or takes longer makes the
	// limiter pace locally for a few seconds before it asks Redis again. Zero means
	// 100ms.
	Timeout time.Duration
	// Logger receives one line when Redis becomes unreachable and one when it is
	// back. Nil means slog.Default().
	Logger *slog.Logger
}

// Limiter paces the STS calls of a whole fleet under one rate, with the generic cell
// rate algorithm in Redis (redis_rate), so that N replicas together stay under STS's
// quota (100 requests per second per account, region and API). It is an
// sts.RateLimiter: give it to sts.WithRateLimiter.
type Limiter struct {
	rdb   *redis_rate.Limiter
	name  string
	limit redis_rate.Limit
	local *rate.Limiter // while Redis is unreachable
	opts  LimiterOptions

	mu        sync.Mutex // guards downUntil
	downUntil time.Time  // pace locally until then; zero while Redis answers
}

// ErrWouldExceedDeadline is the error of a wait that could not end before its
// context's deadline; errors.Is finds context.DeadlineExceeded through it too.
var ErrWouldExceedDeadline = fmt.Errorf("redisstore: waiting for the fleet's rate limit would outlast the deadline: %w", context.DeadlineExceeded)

// localRetry is how long the limiter paces locally after Redis failed.
const localRetry = 5 * time.Second

// NewLimiter returns a limiter of perSecond calls per second across every process
// that uses the same name in the same Redis. Name one limiter per account, region and
// API, as STS counts, such as "1234567890123456:cn-hangzhou:AssumeRole".
func NewLimiter(rdb redis.UniversalClient, name string, perSecond int, optFns ...func(*LimiterOptions)) (*Limiter, error) {
	var o LimiterOptions
	for _, f := range optFns {
		f(&o)
	}
	switch {
	case rdb == nil:
		return nil, errors.New("redisstore: NewLimiter needs a Redis client")
	case name == "":
		return nil, errors.New("redisstore: NewLimiter needs a name")
	case perSecond <= 0:
		return nil, fmt.Errorf("redisstore: NewLimiter: the rate %d is not positive", perSecond)
	case o.Burst < 0 || o.FleetSize < 0 || o.Timeout < 0:
		return nil, errors.New("redisstore: LimiterOptions: Burst, FleetSize and Timeout may not be negative")
	}
	if o.Burst == 0 {
		o.Burst = 1
	}
	if o.FleetSize == 0 {
		o.FleetSize = 1
	}
	if o.Timeout == 0 {
		o.Timeout = 100 * time.Millisecond
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return &Limiter{
		rdb:   redis_rate.NewLimiter(rdb),
		name:  "stsgo:" + name,
		limit: redis_rate.Limit{Rate: perSecond, Period: time.Second, Burst: o.Burst},
		local: rate.NewLimiter(rate.Limit(float64(perSecond)/float64(o.FleetSize)), o.Burst),
		opts:  o,
	}, nil
}

// Wait blocks until the fleet may send one more call, or returns at once with
// ErrWouldExceedDeadline when that time is past ctx's deadline, or with ctx's error
// when it ends first. While Redis cannot be reached it paces this process alone at
// rate/FleetSize.
func (l *Limiter) Wait(ctx context.Context) error {
	for {
		if l.useLocal() {
			if err := l.local.Wait(ctx); err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				return ErrWouldExceedDeadline
			}
			return nil
		}
		opCtx, cancel := context.WithTimeout(ctx, l.opts.Timeout)
		res, err := l.rdb.Allow(opCtx, l.name, l.limit)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			l.failed(err)
			continue
		}
		l.answered()
		if res.Allowed > 0 {
			return nil
		}
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < res.RetryAfter {
			return ErrWouldExceedDeadline
		}
		t := time.NewTimer(max(res.RetryAfter, time.Millisecond))
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
	}
}

// useLocal reports whether Redis failed too recently to be asked.
func (l *Limiter) useLocal() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return !l.downUntil.IsZero() && time.Now().Before(l.downUntil)
}

// failed starts pacing locally, logging when Redis was answering until now.
func (l *Limiter) failed(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.downUntil.IsZero() {
		l.opts.Logger.Warn("redisstore: Redis is unreachable; pacing STS calls locally at the rate over the fleet size",
			slog.String("limiter", l.name), slog.String("error", err.Error()))
	}
	l.downUntil = time.Now().Add(localRetry)
}

// answered records that Redis answered, logging when it had not.
func (l *Limiter) answered() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.downUntil.IsZero() {
		l.downUntil = time.Time{}
		l.opts.Logger.Info("redisstore: Redis is back; pacing STS calls fleet-wide", slog.String("limiter", l.name))
	}
}
