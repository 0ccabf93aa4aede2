// Command token-vending is a token vending service: it hands each end user
// short-lived STS credentials narrowed by a policy to that user's own prefix in an OSS
// bucket, the way a backend lets browsers and mobile apps upload straight to OSS.
//
// It reuses each user's session until it nears expiry (stscreds.SessionCache), paces
// its STS calls under the account's quota (sts.WithRateLimiter), and with REDIS_URL
// set shares both with every other replica of the service (stscreds/redisstore),
// sealing the shared sessions with the 32-byte key in TOKEN_VENDING_SEAL_KEY (hex).
//
// It serves on loopback, plays a burst of app requests against itself (50 users, 10
// requests each, from 8 goroutines), prints one answer (secret redacted) and the
// number of requests served against the STS calls made, and exits. With
// ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET and
// ALIBABA_CLOUD_ROLE_ARN unset it runs against an embedded fake STS.
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

// counting counts the AssumeRole calls that reach the client.
type counting struct {
	*sts.Client
	calls atomic.Int64
}

func (c *counting) AssumeRoleWithContext(ctx context.Context, req *sts.AssumeRoleRequest, rt *sts.RuntimeOptions) (*sts.AssumeRoleResponse, error) {
	c.calls.Add(1)
	return c.Client.AssumeRoleWithContext(ctx, req, rt)
}

func main() {
	config, roleArn, cleanup := setup()
	defer cleanup()

	// Without Redis: this process alone, paced locally, sessions in memory.
	var limiter sts.RateLimiter = rate.NewLimiter(quota, 1)
	var store stscreds.SharedStore
	if url := os.Getenv("REDIS_URL"); url != "" {
		rdb, s, l := fleet(url, config, roleArn)
		defer rdb.Close()
		limiter, store = l, s
		fmt.Println("Sharing sessions and the STS rate limit through", rdb.Options().Addr)
	}
	client, err := sts.NewClient(config, sts.WithRateLimiter(limiter))
	if err != nil {
		log.Fatal(err)
	}
	counted := &counting{Client: client}
	sessions, err := stscreds.NewSessionCache(counted, func(o *stscreds.SessionCacheOptions) { o.Store = store })
	if err != nil {
		log.Fatal(err)
	}
	defer sessions.Close()

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Handler: &vendor{sessions: sessions, roleArn: roleArn}, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(l)
	defer srv.Shutdown(context.Background())
	base := "http://" + l.Addr().String() + "/token?user="

	const users, asks = 50, 10
	var served, next atomic.Int64
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < users*asks; i = next.Add(1) - 1 {
				if get(base+fmt.Sprintf("user-%d", i%users)) != nil {
					served.Add(1)
				}
			}
		})
	}
	wg.Wait()

	got := get(base + "alice")
	if got == nil {
		log.Fatal("no token for alice")
	}
	served.Add(1)
	got["AccessKeySecret"], got["SecurityToken"] = "<redacted>", "<redacted>"
	fmt.Println("vended for alice:")
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	enc.Encode(got)
	fmt.Printf("served %d token requests with %d AssumeRole calls\n", served.Load(), counted.calls.Load())
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
func fleet(url string, config *sts.Config, roleArn string) (*redis.Client, stscreds.SharedStore, sts.RateLimiter) {
	opts, err := redis.ParseURL(url)
	if err != nil {
		log.Fatalf("REDIS_URL: %v", err)
	}
	secret, err := hex.DecodeString(os.Getenv("TOKEN_VENDING_SEAL_KEY"))
	if err != nil || len(secret) != 32 {
		log.Fatal("with REDIS_URL, set TOKEN_VENDING_SEAL_KEY to 32 random bytes in hex (openssl rand -hex 32), the same on every replica")
	}
	opts.ContextTimeoutEnabled = true // redisstore bounds each Redis call by its context
	rdb := redis.NewClient(opts)
	store, err := redisstore.New(rdb, []redisstore.Key{{ID: 1, Secret: secret}})
	if err != nil {
		log.Fatal(err)
	}
	endpoint, err := sts.ResolveEndpoint(config)
	if err != nil {
		log.Fatal(err)
	}
	account, _, _ := strings.Cut(strings.TrimPrefix(roleArn, "acs:ram::"), ":")
	limiter, err := redisstore.NewLimiter(rdb, account+":"+endpoint+":AssumeRole", quota)
	if err != nil {
		log.Fatal(err)
	}
	return rdb, store, limiter
}

// setup uses the real service when credentials are in the environment, else a fake
// with STS's quota.
func setup() (*sts.Config, string, func()) {
	id, secret, role := os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_ID"), os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET"), os.Getenv("ALIBABA_CLOUD_ROLE_ARN")
	if id != "" && secret != "" && role != "" {
		return &sts.Config{AccessKeyId: dara.String(id), AccessKeySecret: dara.String(secret)}, role, func() {}
	}
	fake := ststest.NewServer(ststest.WithQuota(100))
	fmt.Println("No ALIBABA_CLOUD_* credentials set: using an embedded fake STS at", fake.URL)
	return fake.Config(), fake.Role().Arn, fake.Close
}
