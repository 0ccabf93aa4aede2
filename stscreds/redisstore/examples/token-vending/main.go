// Command token-vending is a token vending service: it hands each end user
// short-lived STS credentials narrowed by a policy to that user's own prefix in an OSS
// bucket, the way a backend lets browsers and mobile apps upload straight to OSS.
//
// It reuses each user's session until it nears expiry (stscreds.SessionCache) and
// paces its STS calls under the account's quota (sts.WithRateLimiter). To show what a
// shared store saves, it runs two replicas of the service in this process, on two
// loopback ports, and plays the same burst of app requests against them twice (50
// users, 10 requests each, alternating between the replicas, from 8 goroutines):
// first with each replica on its own, then with both sharing one SessionCache store
// and one rate limit. It prints the token requests served and the AssumeRole calls
// STS received each time (counted by the fake STS itself), one answer (secret
// redacted), and what one replica's /metrics endpoint gives Prometheus.
//
// With REDIS_URL set the shared store and limiter are Redis (stscreds/redisstore), as
// separate processes would share them, sealing the sessions with the 32-byte key in
// TOKEN_VENDING_SEAL_KEY (hex); without it they are an in-memory store (memoryStore
// below, good for one process only) and one *rate.Limiter. With
// ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET and
// ALIBABA_CLOUD_ROLE_ARN unset it runs against an embedded fake STS. It lives in the
// redisstore module; from its directory, stscreds/redisstore:
//
//	go run ./examples/token-vending
//	REDIS_URL=redis://localhost:6379/0 TOKEN_VENDING_SEAL_KEY=$(openssl rand -hex 32) go run ./examples/token-vending
package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/alibabacloud-go/tea/dara"
	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"

	"github.com/stsgo/sts"
	"github.com/stsgo/sts/policy"
	"github.com/stsgo/sts/stscreds"
	"github.com/stsgo/sts/stscreds/redisstore"
	"github.com/stsgo/sts/ststest"
)

const (
	bucket = "example-uploads"
	// quota is what this service allows itself of STS's 100 AssumeRole calls per
	// second per account and region, leaving room for other callers.
	quota = 90
)

// vendor issues narrowed credentials for one role.
type vendor struct {
	sessions *stscreds.SessionCache
	roleArn  string
}

// ServeHTTP answers GET /token?user=<name> with credentials that may only write
// oss://example-uploads/<name>/*, for 15 minutes, the same ones for every request of
// that user until they near expiry. A real service would take the user from its own
// authentication, not from the query.
func (v *vendor) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	user := r.URL.Query().Get("user")
	// The user's prefix, refused if the name could widen it (*, ?, /, .., ...).
	objects, err := policy.OSSObjects(bucket, user)
	if err != nil {
		http.Error(w, "bad user: "+err.Error(), http.StatusBadRequest)
		return
	}
	creds, err := v.sessions.Retrieve(r.Context(), stscreds.Session{
		RoleArn:         v.roleArn,
		RoleSessionName: "vend-" + user,
		Duration:        15 * time.Minute,
		Policy:          policy.New(policy.Statement{Effect: policy.Allow, Action: []string{"oss:PutObject"}, Resource: []string{objects}}).String(),
	})
	var se *sts.ServiceError
	var rl *sts.RateLimitError
	var ve *sts.ValidationError
	switch {
	case errors.As(err, &ve): // a name the policy takes but a session name cannot
		http.Error(w, "bad user: "+ve.Error(), http.StatusBadRequest)
		return
	case errors.As(err, &se) && se.Throttling(), errors.As(err, &rl):
		w.Header().Set("Retry-After", "1")
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	case err != nil:
		log.Printf("vending for %s: %v", user, err) // errors carry no secrets
		http.Error(w, "cannot vend", http.StatusBadGateway)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(map[string]string{
		"AccessKeyId": creds.AccessKeyId, "AccessKeySecret": creds.AccessKeySecret, "SecurityToken": creds.SecurityToken,
		"Expiration": creds.Expires.UTC().Format(sts.ExpirationLayout), "Bucket": bucket, "Prefix": user + "/",
	})
}

// counting counts the AssumeRole calls that reach a client.
type counting struct {
	*sts.Client
	calls *atomic.Int64
}

func (c counting) AssumeRoleWithContext(ctx context.Context, req *sts.AssumeRoleRequest, rt *sts.RuntimeOptions) (*sts.AssumeRoleResponse, error) {
	c.calls.Add(1)
	return c.Client.AssumeRoleWithContext(ctx, req, rt)
}

// The burst of app requests each run plays: users × asks token requests.
const users, asks = 50, 10

func main() {
	env, err := setup()
	if err != nil {
		log.Fatal(err)
	}
	defer env.close()
	if err := run(os.Stdout, env, os.Getenv("REDIS_URL")); err != nil {
		log.Fatal(err)
	}
}

// environment is where the example runs: STS's endpoint and role, and how to count
// the AssumeRole calls STS has received.
type environment struct {
	config  *sts.Config
	roleArn string
	calls   func() int64 // AssumeRole calls received so far
	wrap    func(*sts.Client) stscreds.AssumeRoleAPI
	close   func()
	// storeTimeout is the replicas' SessionCacheOptions.StoreTimeout; zero, its
	// default (100 ms). The example's test sets a long one: on a machine so loaded
	// that Redis answers later than 100 ms, the replicas rightly give up on the store
	// for its cooldown and call STS themselves, and the run shows no sharing at all.
	storeTimeout time.Duration
}

// run plays the burst against two replicas on their own, then sharing a store and a
// limiter (Redis at redisURL, else in memory), and prints what each run cost.
func run(out io.Writer, env *environment, redisURL string) error {
	share, shared, err := sharing(out, env, redisURL)
	if err != nil {
		return err
	}
	defer share()
	for _, run := range []struct {
		what   string
		shared *fleetShare
	}{
		{"each replica on its own", nil},
		{"sharing one store and one rate limit", shared},
	} {
		before := env.calls()
		served, sample, scrape, err := burst(env, run.shared)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "2 replicas, %s: served %d token requests with %d AssumeRole calls\n", run.what, served, env.calls()-before)
		if run.shared != nil {
			sample["AccessKeySecret"], sample["SecurityToken"] = "<redacted>", "<redacted>"
			fmt.Fprintln(out, "vended for user-0:")
			enc := json.NewEncoder(out)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			enc.Encode(sample)
			fmt.Fprintln(out, "replica 1's /metrics, in part:")
			for _, line := range strings.Split(scrape, "\n") {
				if strings.HasPrefix(line, "stsgo_session_cache_") && !strings.Contains(line, "circuit") {
					fmt.Fprintln(out, " ", line)
				}
			}
		}
	}
	return nil
}

// fleetShare is what the replicas of a fleet share.
type fleetShare struct {
	store   stscreds.SharedStore
	limiter sts.RateLimiter
}

// sharing returns the store and limiter the replicas share: Redis's when redisURL is
// set, else in memory.
func sharing(out io.Writer, env *environment, redisURL string) (func(), *fleetShare, error) {
	if redisURL == "" {
		return func() {}, &fleetShare{store: newMemoryStore(), limiter: rate.NewLimiter(quota, 1)}, nil
	}
	rdb, store, limiter, err := fleet(redisURL, env.config, env.roleArn)
	if err != nil {
		return nil, nil, err
	}
	fmt.Fprintln(out, "Sharing sessions and the STS rate limit through Redis at", rdb.Options().Addr)
	return func() { rdb.Close() }, &fleetShare{store: store, limiter: limiter}, nil
}

// burst starts two replicas, each with a client and a SessionCache of its own (with
// shared's store and limiter, or alone with half the quota each), and sends them
// users × asks token requests, alternating. It returns how many were served, one
// answer, and the first replica's /metrics after the burst.
func burst(env *environment, shared *fleetShare) (int64, map[string]string, string, error) {
	var bases []string
	for range 2 {
		var limiter sts.RateLimiter = rate.NewLimiter(quota/2, 1)
		var store stscreds.SharedStore
		if shared != nil {
			limiter, store = shared.limiter, shared.store
		}
		client, err := sts.NewClient(env.config, sts.WithRateLimiter(limiter))
		if err != nil {
			return 0, nil, "", err
		}
		sessions, err := stscreds.NewSessionCache(env.wrap(client), func(o *stscreds.SessionCacheOptions) {
			o.Store, o.StoreTimeout = store, env.storeTimeout
		})
		if err != nil {
			return 0, nil, "", err
		}
		defer sessions.Close()
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, nil, "", err
		}
		mux := http.NewServeMux()
		mux.Handle("/token", &vendor{sessions: sessions, roleArn: env.roleArn})
		mux.Handle("/metrics", metrics(sessions))
		srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
		go srv.Serve(l)
		defer srv.Shutdown(context.Background())
		bases = append(bases, "http://"+l.Addr().String())
	}

	var served, next atomic.Int64
	var sample atomic.Pointer[map[string]string]
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < users*asks; i = next.Add(1) - 1 {
				if got := get(bases[(i/users)%2] + fmt.Sprintf("/token?user=user-%d", i%users)); got != nil { // each user's asks alternate
					served.Add(1)
					if i%users == 0 {
						sample.Store(&got)
					}
				}
			}
		})
	}
	wg.Wait()
	if sample.Load() == nil {
		return 0, nil, "", errors.New("no token for user-0")
	}
	resp, err := http.Get(bases[0] + "/metrics") // as Prometheus scrapes it
	if err != nil {
		return 0, nil, "", err
	}
	defer resp.Body.Close()
	scrape, err := io.ReadAll(resp.Body)
	return served.Load(), *sample.Load(), string(scrape), err
}

// metrics answers GET /metrics with the session cache's statistics in Prometheus'
// text format, written here from SessionCache.Stats because this module does not
// depend on Prometheus. A service that does registers
// stsprom.NewSessionCacheCollector (module github.com/stsgo/sts/adapters), which
// exports every statistic under these names.
func metrics(sessions *stscreds.SessionCache) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := sessions.Stats()
		open := 0
		if s.StoreCircuitOpen {
			open = 1
		}
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		for _, m := range []struct {
			name, typ string
			value     uint64
		}{
			{"hits_total", "counter", s.Hits}, {"misses_total", "counter", s.Misses},
			{"sts_calls_total", "counter", s.STSCalls}, {"shared_hits_total", "counter", s.SharedHits},
			{"store_failures_total", "counter", s.StoreFailures}, {"entries", "gauge", uint64(s.Entries)},
			{"store_circuit_open", "gauge", uint64(open)},
		} {
			fmt.Fprintf(w, "# TYPE stsgo_session_cache_%[1]s %[2]s\nstsgo_session_cache_%[1]s %[3]d\n", m.name, m.typ, m.value)
		}
	})
}

// get asks the service for a token as an app would; nil when it did not get one.
func get(url string) map[string]string {
	resp, err := http.Get(url)
	if err != nil {
		log.Print(err)
		return nil
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var got map[string]string
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &got) != nil {
		log.Printf("%s: %s", resp.Status, body)
		return nil
	}
	return got
}

// fleet connects to Redis and returns the shared session store and the fleet-wide
// limiter of AssumeRole in this role's account at config's endpoint, as STS counts.
func fleet(url string, config *sts.Config, roleArn string) (*redis.Client, stscreds.SharedStore, sts.RateLimiter, error) {
	opts, err := redis.ParseURL(url)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	secret, err := hex.DecodeString(os.Getenv("TOKEN_VENDING_SEAL_KEY"))
	if err != nil || len(secret) != 32 {
		return nil, nil, nil, errors.New("with REDIS_URL, set TOKEN_VENDING_SEAL_KEY to 32 random bytes in hex (openssl rand -hex 32), the same on every replica")
	}
	opts.ContextTimeoutEnabled = true // redisstore bounds each Redis call by its context
	rdb := redis.NewClient(opts)
	store, err := redisstore.New(rdb, []redisstore.Key{{ID: 1, Secret: secret}})
	if err != nil {
		rdb.Close()
		return nil, nil, nil, err
	}
	endpoint, err := sts.ResolveEndpoint(config)
	if err != nil {
		rdb.Close()
		return nil, nil, nil, err
	}
	// The limiter's name stands for one quota of STS's: account, endpoint (region)
	// and action.
	account, _, _ := strings.Cut(strings.TrimPrefix(roleArn, "acs:ram::"), ":")
	limiter, err := redisstore.NewLimiter(rdb, account+":"+endpoint+":AssumeRole", quota)
	if err != nil {
		rdb.Close()
		return nil, nil, nil, err
	}
	return rdb, store, limiter, nil
}

// setup uses the real service when credentials are in the environment (counting the
// calls this process makes), else a fake with STS's quota (counting the calls the
// fake receives).
func setup() (*environment, error) {
	id, secret, role := os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_ID"), os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET"), os.Getenv("ALIBABA_CLOUD_ROLE_ARN")
	if id != "" && secret != "" && role != "" {
		calls := new(atomic.Int64)
		return &environment{
			config: &sts.Config{AccessKeyId: dara.String(id), AccessKeySecret: dara.String(secret)}, roleArn: role,
			calls: calls.Load, wrap: func(c *sts.Client) stscreds.AssumeRoleAPI { return counting{c, calls} }, close: func() {},
		}, nil
	}
	fake := ststest.NewServer(ststest.WithQuota(100))
	fmt.Println("No ALIBABA_CLOUD_* credentials set: using an embedded fake STS at", fake.URL)
	return &environment{
		config: fake.Config(), roleArn: fake.Role().Arn,
		calls: func() int64 { return int64(fake.RequestCount("AssumeRole")) },
		wrap:  func(c *sts.Client) stscreds.AssumeRoleAPI { return c }, close: fake.Close,
	}, nil
}
