package redisstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts"
	"github.com/stsgo/sts/stscreds/redisstore"
	"github.com/stsgo/sts/stscreds/redisstore/redistest"
	"github.com/stsgo/sts/ststest"
)

// workerEnv carries a workerConfig to a copy of the test binary that runs as one
// process of a fleet.
const workerEnv = "STSGO_REDISSTORE_LIMITER_WORKER"

// workerConfig is what one process of the fleet does: Goroutines callers, each
// calling AssumeRole through the shared limiter again and again from Start until
// Until (Unix ns), each call with Deadline. CancelShare of the calls are cancelled
// at a random point of their expected wait, as a client that hangs up would.
type workerConfig struct {
	Redis, Endpoint, AccessKeyId, AccessKeySecret, RoleArn, Name string
	Rate, FleetSize, Goroutines                                  int
	Start, Until                                                 int64
	Deadline                                                     time.Duration
	CancelShare                                                  float64
}

// workerResult is what a worker saw: each call's wait for the limiter and the time
// it was let go (Unix ns), the calls cancelled, the errors, and the limiter's Stats.
type workerResult struct {
	Waits     []time.Duration
	Releases  []int64
	Cancelled int
	Errors    []string
	Stats     redisstore.LimiterStats
}

// timedLimiter records each successful Wait.
type timedLimiter struct {
	l        *redisstore.Limiter
	mu       sync.Mutex
	waits    []time.Duration
	releases []int64
}

func (t *timedLimiter) Wait(ctx context.Context) error {
	start := time.Now()
	err := t.l.Wait(ctx)
	if err == nil {
		now := time.Now()
		t.mu.Lock()
		t.waits, t.releases = append(t.waits, now.Sub(start)), append(t.releases, now.UnixNano())
		t.mu.Unlock()
	}
	return err
}

// limiterWorker runs one process of the fleet and prints its workerResult as JSON.
func limiterWorker(raw string) int {
	var c workerConfig
	if err := json.Unmarshal([]byte(raw), &c); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	rdb := redis.NewClient(&redis.Options{Addr: c.Redis, ContextTimeoutEnabled: true})
	defer rdb.Close()
	// A Timeout for a loaded machine, where five processes start at once and a Redis
	// call may stall for seconds: the test wants every call paced by Redis.
	limiter, err := redisstore.NewLimiter(rdb, c.Name, c.Rate, func(o *redisstore.LimiterOptions) { o.FleetSize, o.Timeout = c.FleetSize, 20*time.Second })
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	timed := &timedLimiter{l: limiter}
	client, err := sts.NewClient(&sts.Config{AccessKeyId: &c.AccessKeyId, AccessKeySecret: &c.AccessKeySecret, Endpoint: &c.Endpoint,
		Protocol: ptr("HTTP")}, sts.WithRateLimiter(timed), sts.WithRetryPolicy(sts.RetryPolicy{MaxAttempts: 1}))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer client.CloseIdleConnections()
	var res workerResult
	var mu sync.Mutex
	expected := time.Duration(float64(c.FleetSize*c.Goroutines) / float64(c.Rate) * float64(time.Second))
	time.Sleep(time.Until(time.Unix(0, c.Start)))
	var wg sync.WaitGroup
	for g := range c.Goroutines {
		wg.Go(func() {
			req := &sts.AssumeRoleRequest{RoleArn: &c.RoleArn, RoleSessionName: ptr(fmt.Sprintf("fair-%d", g))}
			for time.Now().UnixNano() < c.Until {
				ctx, cancel := context.WithTimeout(context.Background(), c.Deadline)
				hangUp := rand.Float64() < c.CancelShare
				if hangUp {
					time.AfterFunc(rand.N(expected), cancel)
				}
				_, err := client.AssumeRoleWithContext(ctx, req, nil)
				cancel()
				mu.Lock()
				switch {
				case hangUp && errors.Is(err, context.Canceled):
					res.Cancelled++
				case err != nil:
					res.Errors = append(res.Errors, err.Error())
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	res.Waits, res.Releases, res.Stats = timed.waits, timed.releases, limiter.Stats()
	if err := json.NewEncoder(os.Stdout).Encode(res); err != nil {
		return 2
	}
	return 0
}

// fleetFigures sum up a run of the fleet.
type fleetFigures struct {
	Calls, Cancelled, Abandoned int
	Errors                      []string
	Throttled                   int // as STS (the fake, at its quota) answered
	Rate                        float64
	P50, P99, Max               time.Duration
	Queue                       time.Duration // callers ÷ rate: the wait of a fair queue
	Fallbacks, RedisErrors      int
	// Allowed is the most calls the rate allows between the start, before which no
	// call asked for a turn, and the last call let go: 1 + rate × that time.
	Allowed int
}

// runFleet starts procs copies of the test binary, each with goroutines callers, all
// calling AssumeRole of one fake STS with its quota through one limiter at perSecond,
// for span. The rate is counted from half a second after the start to the end, while
// every caller is queueing.
func runFleet(t *testing.T, procs, goroutines, perSecond, quota int, span time.Duration, cancelShare float64) fleetFigures {
	t.Helper()
	server := redistest.Start(t)
	srv := ststest.NewServer(ststest.WithQuota(quota))
	defer srv.Close()
	exe, err := os.Executable()
	require.NoError(t, err)
	start := time.Now().Add(time.Second) // time for the processes to start
	cfg := workerConfig{Redis: server.Addr, Endpoint: srv.Endpoint(), AccessKeyId: srv.User().AccessKeyId,
		AccessKeySecret: srv.User().AccessKeySecret, RoleArn: srv.Role().Arn, Name: "1234567890123456:central:AssumeRole",
		Rate: perSecond, FleetSize: procs, Goroutines: goroutines, Start: start.UnixNano(), Until: start.Add(span).UnixNano(),
		Deadline: 30 * time.Second, CancelShare: cancelShare} // a bound for a loaded machine
	raw, err := json.Marshal(cfg)
	require.NoError(t, err)
	results := make([]workerResult, procs)
	var wg sync.WaitGroup
	errs := make([]error, procs)
	for i := range procs {
		wg.Go(func() {
			cmd := exec.Command(exe, "-test.run=^$")
			cmd.Env = append(os.Environ(), workerEnv+"="+string(raw))
			var stderr []byte
			out, err := cmd.Output()
			if ee, ok := err.(*exec.ExitError); ok {
				stderr = ee.Stderr
			}
			if err == nil {
				err = json.Unmarshal(out, &results[i])
			}
			if err != nil {
				errs[i] = fmt.Errorf("worker %d: %w\n%s", i, err, stderr)
			}
		})
	}
	wg.Wait()
	require.NoError(t, errors.Join(errs...))

	var f fleetFigures
	var waits []time.Duration
	from, to := start.Add(500*time.Millisecond).UnixNano(), start.Add(span).UnixNano()
	inWindow := 0
	last := start.UnixNano()
	for _, r := range results {
		f.Calls += len(r.Waits)
		f.Cancelled += r.Cancelled
		f.Abandoned += int(r.Stats.Abandoned)
		f.Fallbacks += int(r.Stats.Fallbacks)
		f.RedisErrors += int(r.Stats.RedisErrors)
		f.Errors = append(f.Errors, r.Errors...)
		waits = append(waits, r.Waits...)
		for _, at := range r.Releases {
			if at >= from && at < to {
				inWindow++
			}
			last = max(last, at)
		}
	}
	for _, e := range f.Errors {
		if strings.Contains(e, "Throttling") {
			f.Throttled++
		}
	}
	require.NotEmpty(t, waits)
	slices.Sort(waits)
	f.P50, f.P99, f.Max = waits[len(waits)/2], waits[len(waits)*99/100], waits[len(waits)-1]
	f.Rate = float64(inWindow) / time.Duration(to-from).Seconds()
	f.Queue = time.Duration(float64(procs*goroutines) / float64(perSecond) * float64(time.Second))
	f.Allowed = 1 + int(float64(perSecond)*time.Duration(last-start.UnixNano()).Seconds())
	require.Equal(t, f.Calls-len(f.Errors), srv.RequestCount("AssumeRole")-f.Throttled, "every call let through reached STS")
	return f
}

func ptr[T any](v T) *T { return &v }

// TestLimiterIsFairAcrossProcesses runs 4 processes with 12 callers each (48 waiting at
// once) through one limiter at 40 per second, against the fake STS at its quota of
// 100 per second: every call gets its turn from Redis and reaches STS, the fleet keeps
// to the rate, and STS throttles nothing.
//
// "Keeps to the rate" is checked against a bound no stall can break: every turn lies
// between the start (no caller asks before it) and the last call let go, so the calls
// number at most 1 + 40 × that time. An earlier version counted the calls let go in a
// window of the run and wanted at most 102 % of the rate: a stall that delays the
// callers' clocks bunches them into the window (108 % once, at a load average of 36).
// Nor can STS throttle: each caller waits for its answer, so the calls STS counts in
// any second took their turns in it, but for one per caller: at most 41 + 48, under
// its 100. How fast and how fairly a fleet is served (the 99th percentile wait
// against the queue's length over the rate, 1.2 s; the share of the rate used) is
// the machine's speed as much as the limiter's: it is logged here, and BENCHMARKS.md
// has the figures of a longer run, not checked (that failed too under load).
//
// For BENCHMARKS.md: STSGO_FAIRNESS_SECONDS runs it longer, and
// STSGO_FAIRNESS_CANCEL=0.1 cancels a tenth of the calls while they wait, whose
// turns then go unused: the rate counts the calls let go and the turns abandoned.
func TestLimiterIsFairAcrossProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("takes 5 s")
	}
	span, cancelShare := 3*time.Second, 0.0
	if s := os.Getenv("STSGO_FAIRNESS_SECONDS"); s != "" {
		n, err := strconv.Atoi(s)
		require.NoError(t, err)
		span = time.Duration(n) * time.Second
	}
	if s := os.Getenv("STSGO_FAIRNESS_CANCEL"); s != "" {
		var err error
		cancelShare, err = strconv.ParseFloat(s, 64)
		require.NoError(t, err)
	}
	const procs, goroutines, perSecond, quota = 4, 12, 40, 100
	f := runFleet(t, procs, goroutines, perSecond, quota, span, cancelShare)
	t.Logf("%d processes × %d callers at %d/s for %s: %d calls, %.1f/s (%.1f %% of the rate), wait p50 %s p99 %s max %s (queue ÷ rate %s), %d errors, %d throttled, %d fallbacks to local pacing, %d Redis errors; %d cancelled, %d turns abandoned",
		procs, goroutines, perSecond, span, f.Calls, f.Rate, 100*f.Rate/perSecond, f.P50.Round(time.Millisecond), f.P99.Round(time.Millisecond),
		f.Max.Round(time.Millisecond), f.Queue, len(f.Errors), f.Throttled, f.Fallbacks, f.RedisErrors, f.Cancelled, f.Abandoned)
	require.Empty(t, f.Errors)
	require.Zero(t, f.Throttled)
	require.Zero(t, f.Fallbacks, "Redis paced every call")
	require.LessOrEqual(t, f.Calls+f.Abandoned, f.Allowed, "the fleet keeps to the rate")
}
