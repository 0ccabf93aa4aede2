package redisstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"
)

// LimiterOptions tune a Limiter. Zero values take the defaults. Every process that
// shares a limiter's name must use the same rate, Burst and MaxWait.
type LimiterOptions struct {
	// Burst is how many calls may go at once after a quiet spell; in any one second
	// the fleet sends at most the rate plus Burst while every process reaches Redis.
	// Each process pacing itself locally meanwhile (see FleetSize) adds up to
	// rate/FleetSize. Zero means 1.
	Burst int
	// FleetSize is how many processes share the rate. While Redis cannot be reached,
	// each paces itself at rate/FleetSize rather than not at all. Zero means 1.
	FleetSize int
	// Timeout bounds each Redis operation; one that fails or takes longer makes the
	// limiter pace locally for Cooldown before it asks Redis again. Zero means 100ms.
	Timeout time.Duration
	// MaxWait is the longest a Wait sleeps for its turn, whatever its context's
	// deadline: a call whose turn lies further ahead fails at once. It also bounds
	// what Redis may hold: a turn further ahead than MaxWait (plus the burst and a
	// second) cannot come from limiters that keep to it, so the limiter deletes that
	// state as a fault and paces locally for Cooldown. Zero means 10s.
	MaxWait time.Duration
	// Cooldown is how long the limiter paces locally after Redis failed or held an
	// impossible state, before it asks Redis again. Zero means 5s.
	Cooldown time.Duration
	// Logger receives one line when the limiter starts pacing locally and one when it
	// is back on Redis. Nil means slog.Default().
	Logger *slog.Logger
}

// Limiter paces the STS calls of a whole fleet under one rate, so that N replicas
// together stay under STS's quota (100 requests per second per account, region and
// API). It is an sts.RateLimiter: give it to sts.WithRateLimiter.
//
// Each Wait reserves the next free turn in Redis with one script (the generic cell
// rate algorithm, on the Redis server's clock) and sleeps until it: callers are served
// in the order they asked, across the fleet, and turns follow one another at the rate
// exactly while callers queue. A caller whose context ends while it sleeps leaves its
// turn unused (LimiterStats.Abandoned counts them).
type Limiter struct {
	rdb   redis.UniversalClient
	key   string
	local *rate.Limiter // while Redis is unreachable or its state impossible
	opts  LimiterOptions

	// The script's arguments, in microseconds.
	interval  float64 // between two turns: 1e6/rate
	tolerance float64 // how far ahead a turn may be handed out at once: interval × Burst
	sane      float64 // the furthest a state written by limiters like this one lies ahead

	mu        sync.Mutex // guards downUntil
	downUntil time.Time  // pace locally until then; zero while Redis answers

	waits, refused, abandoned, fallbacks, redisErrors, badStates atomic.Uint64
	waitTime                                                     atomic.Int64 // ns
}

// LimiterStats is a snapshot of a Limiter's counters since NewLimiter, for metrics.
// Counters only grow.
type LimiterStats struct {
	// Waits counts the Waits that let a call go, paced by Redis or locally.
	Waits uint64
	// WaitTime is the total time those Waits slept (a sum; divide by Waits for the
	// mean).
	WaitTime time.Duration
	// Refused counts the Waits that failed: the turn lay past the context's deadline
	// or MaxWait, or the context ended first.
	Refused uint64
	// Abandoned counts the turns reserved in Redis and left unused because the
	// caller's context ended while it slept; each is a turn the fleet did not use.
	Abandoned uint64
	// Fallbacks counts the times the limiter started pacing locally.
	Fallbacks uint64
	// RedisErrors counts the Redis operations that failed or outlasted Timeout.
	RedisErrors uint64
	// BadStates counts the impossible states found in Redis (and deleted): a turn
	// too far ahead, or a value the limiter did not write.
	BadStates uint64
	// Local is true while the limiter paces this process alone, at rate/FleetSize.
	Local bool
}

// ErrWouldExceedDeadline is the error of a wait that could not end before its
// context's deadline, or within MaxWait; errors.Is finds context.DeadlineExceeded
// through it too.
var ErrWouldExceedDeadline = fmt.Errorf("redisstore: waiting for the fleet's rate limit would outlast the deadline: %w", context.DeadlineExceeded)

// errBadState is the fault of a limiter state that limiters like this one cannot
// have written.
var errBadState = errors.New("the limiter's state in Redis is impossible (too far ahead, or not a number); deleted it")

// reserveScript hands out the caller's turn (GCRA). The key holds the theoretical
// arrival time (TAT): the turn after the last one handed out, in microseconds of the
// server's TIME, so that the clients' clocks do not matter.
//
//	ARGV[1] interval between turns, ARGV[2] burst tolerance, ARGV[3] the longest the
//	caller waits, ARGV[4] the furthest a sane TAT lies ahead; all in microseconds.
//
// It returns {1, wait}: the turn is reserved, go after wait µs; {0, wait}: the turn
// lies further than ARGV[3], nothing reserved; {-1, 0}: the state was impossible and
// is deleted, nothing reserved.
var reserveScript = redis.NewScript(`
if redis.replicate_commands then redis.replicate_commands() end -- TIME before a write, on Redis before 5
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval, tolerance, longest, sane = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local tat = now
local v = redis.pcall("GET", KEYS[1])
if v then
  local n = type(v) == "string" and tonumber(v)
  if not n or n ~= n or n > now + sane then
    redis.call("DEL", KEYS[1])
    return {-1, 0}
  end
  if n > now then tat = n end
end
local wait = math.max(0, tat + interval - tolerance - now)
if wait > longest then return {0, wait} end
local tat2 = tat + interval
redis.call("SET", KEYS[1], string.format("%.0f", tat2), "PX", math.ceil((tat2 - now) / 1000) + 1)
return {1, wait}
`)

// NewLimiter returns a limiter of perSecond calls per second across every process
// that uses the same name in the same Redis. STS counts its quota per account,
// region and API, so the name must encode all three, spelled the same by every
// replica: "<account ID>:<endpoint>:<action>", the endpoint standing for the region
// as sts.ResolveEndpoint gives it, such as
// "1234567890123456:sts.cn-hangzhou.aliyuncs.com:AssumeRole". Calls of another
// account, endpoint or action need a limiter of their own. Its state is one Redis
// key, stsgo:{name}:limiter (releases that used redis_rate kept it in
// rate:stsgo:<name>: while a fleet rolls from one to the other, each half paces at the
// full rate). rdb must honour context deadlines (see New).
func NewLimiter(rdb redis.UniversalClient, name string, perSecond int, optFns ...func(*LimiterOptions)) (*Limiter, error) {
	var o LimiterOptions
	for _, f := range optFns {
		f(&o)
	}
	switch {
	case name == "":
		return nil, errors.New("redisstore: NewLimiter needs a name")
	case perSecond <= 0:
		return nil, fmt.Errorf("redisstore: NewLimiter: the rate %d is not positive", perSecond)
	case o.Burst < 0 || o.FleetSize < 0 || o.Timeout < 0 || o.MaxWait < 0 || o.Cooldown < 0:
		return nil, errors.New("redisstore: LimiterOptions: Burst, FleetSize, Timeout, MaxWait and Cooldown may not be negative")
	}
	if err := checkClient("NewLimiter", rdb); err != nil {
		return nil, err
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
	if o.MaxWait == 0 {
		o.MaxWait = 10 * time.Second
	}
	if o.Cooldown == 0 {
		o.Cooldown = 5 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	interval := 1e6 / float64(perSecond)
	tolerance := interval * float64(o.Burst)
	return &Limiter{
		rdb:       rdb,
		key:       "stsgo:{" + name + "}:limiter",
		local:     rate.NewLimiter(rate.Limit(float64(perSecond)/float64(o.FleetSize)), o.Burst),
		opts:      o,
		interval:  interval,
		tolerance: tolerance,
		sane:      float64(o.MaxWait.Microseconds()) + tolerance + 1e6,
	}, nil
}

// Wait blocks until the fleet may send one more call, or returns at once with
// ErrWouldExceedDeadline when that time is past ctx's deadline or MaxWait away, or
// with ctx's error when it ends first. While Redis cannot be reached, or holds an
// impossible state, it paces this process alone at rate/FleetSize.
func (l *Limiter) Wait(ctx context.Context) error {
	start := time.Now()
	err := l.wait(ctx)
	if err != nil {
		l.refused.Add(1)
		return err
	}
	l.waits.Add(1)
	l.waitTime.Add(int64(time.Since(start)))
	return nil
}

func (l *Limiter) wait(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	longest := l.opts.MaxWait
	if deadline, ok := ctx.Deadline(); ok {
		longest = min(longest, time.Until(deadline))
	}
	if !l.useLocal() {
		turn, err := l.reserve(ctx, longest)
		switch {
		case err == nil:
			return l.sleep(ctx, turn)
		case errors.Is(err, ErrWouldExceedDeadline):
			return err
		case ctx.Err() != nil:
			return ctx.Err()
		}
		l.fallBack(err)
	}
	// x/time/rate refuses at once a wait past the deadline: MaxWait's is the tighter.
	lctx, cancel := context.WithTimeout(ctx, l.opts.MaxWait)
	defer cancel()
	if err := l.local.Wait(lctx); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return ErrWouldExceedDeadline
	}
	return nil
}

// reserve asks Redis for the caller's turn, at most longest away, and returns how
// long to sleep until it.
func (l *Limiter) reserve(ctx context.Context, longest time.Duration) (time.Duration, error) {
	if longest <= 0 {
		return 0, ErrWouldExceedDeadline
	}
	opCtx, cancel := context.WithTimeout(ctx, l.opts.Timeout)
	defer cancel()
	res, err := reserveScript.Run(opCtx, l.rdb, []string{l.key}, l.interval, l.tolerance, longest.Microseconds(), l.sane).Int64Slice()
	if err == nil && len(res) != 2 {
		err = fmt.Errorf("the reservation script answered %v", res)
	}
	if err != nil {
		if ctx.Err() == nil {
			l.redisErrors.Add(1)
		}
		return 0, err
	}
	switch res[0] {
	case 1:
		l.answered()
		return time.Duration(res[1]) * time.Microsecond, nil
	case 0:
		l.answered()
		return 0, ErrWouldExceedDeadline
	}
	l.badStates.Add(1)
	return 0, errBadState
}

// sleep waits for a turn reserved in Redis, or for ctx to end, which leaves the turn
// unused.
func (l *Limiter) sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		l.abandoned.Add(1)
		return ctx.Err()
	}
}

// Stats returns a snapshot of the limiter's counters and mode. It takes no lock that
// Wait holds for long, and is safe to call at any time, from any goroutine.
func (l *Limiter) Stats() LimiterStats {
	return LimiterStats{
		Waits:       l.waits.Load(),
		WaitTime:    time.Duration(l.waitTime.Load()),
		Refused:     l.refused.Load(),
		Abandoned:   l.abandoned.Load(),
		Fallbacks:   l.fallbacks.Load(),
		RedisErrors: l.redisErrors.Load(),
		BadStates:   l.badStates.Load(),
		Local:       l.useLocal(),
	}
}

// useLocal reports whether the limiter fell back to local pacing less than Cooldown
// ago.
func (l *Limiter) useLocal() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return !l.downUntil.IsZero() && time.Now().Before(l.downUntil)
}

// fallBack paces locally for Cooldown, logging when Redis was in use until now.
func (l *Limiter) fallBack(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.downUntil.IsZero() {
		l.fallbacks.Add(1)
		l.opts.Logger.Warn("redisstore: the fleet's rate limit is unavailable in Redis; pacing STS calls locally at the rate over the fleet size",
			slog.String("limiter", l.key), slog.String("error", err.Error()), slog.Duration("retry_in", l.opts.Cooldown))
	}
	l.downUntil = time.Now().Add(l.opts.Cooldown)
}

// answered records that Redis answered, logging when the limiter was pacing locally.
func (l *Limiter) answered() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.downUntil.IsZero() {
		l.downUntil = time.Time{}
		l.opts.Logger.Info("redisstore: the fleet's rate limit is back in Redis; pacing STS calls fleet-wide", slog.String("limiter", l.key))
	}
}
