package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts/stscreds"
	"github.com/stsgo/sts/stscreds/redisstore/redistest"
	"github.com/stsgo/sts/ststest"
)

// newVendor is the service's handler on a fake STS, both closed at the end of t.
func newVendor(t *testing.T) (*ststest.Server, *vendor) {
	srv := ststest.NewServer()
	t.Cleanup(srv.Close)
	sessions, err := stscreds.NewSessionCache(srv.Client())
	require.NoError(t, err)
	t.Cleanup(func() { sessions.Close() })
	return srv, &vendor{sessions: sessions, roleArn: srv.Role().Arn}
}

// TestVendorRefusesNamesThatWiden: a user name that would widen the policy past the
// user's own prefix gets a 400 naming the rule, and no AssumeRole call is made.
func TestVendorRefusesNamesThatWiden(t *testing.T) {
	srv, v := newVendor(t)
	ask := func(user string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		v.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/token?user="+url.QueryEscape(user), nil))
		return w
	}
	for _, user := range []string{"*", "a*", "?", "alice/bob", "..", "${ram:UserName}", "%2A", "alice\x00", " alice", "＊", ""} {
		w := ask(user)
		require.Equal(t, http.StatusBadRequest, w.Code, "%q", user)
		require.Contains(t, w.Body.String(), "bad user: policy: segment 1")
	}
	w := ask("alice+" + strings.Repeat("a", 70)) // a segment of the policy, too long for a session name
	require.Equal(t, http.StatusBadRequest, w.Code)
	require.Contains(t, w.Body.String(), "RoleSessionName")
	require.Zero(t, srv.RequestCount("AssumeRole"))

	w = ask("alice")
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	require.Contains(t, w.Body.String(), `"Prefix":"alice/"`)
	require.Equal(t, 1, srv.RequestCount("AssumeRole"))
}

// TestTwoReplicas runs the example as the README describes it, against the fake STS:
// the two replicas on their own make one AssumeRole call per user each (100); sharing
// a store, one per user between them (50), and never as many as alone (a replica
// whose store operation outlasts the store timeout calls STS itself), as the fake
// counts them; with the store in memory and in a real Redis.
//
// The store timeout is 20 s here, not the default 100 ms: what is tested is that the
// replicas share, not how fast this machine's Redis answers. With 100 ms, Redis on a
// loaded machine (the whole suite, three times at once, with CPU burners) answered
// too late once in three runs; both replicas gave up on the store for its 5 s
// cooldown, and the shared run made 100 calls.
func TestTwoReplicas(t *testing.T) {
	for _, store := range []string{"memory", "redis"} {
		t.Run(store, func(t *testing.T) {
			for _, k := range []string{"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_ROLE_ARN"} {
				t.Setenv(k, "")
			}
			var redisURL string
			if store == "redis" {
				redisURL = "redis://" + redistest.Start(t).Addr + "/0"
				t.Setenv("TOKEN_VENDING_SEAL_KEY", strings.Repeat("ab", 32))
			}
			env, err := setup()
			require.NoError(t, err)
			defer env.close()
			env.storeTimeout = 20 * time.Second
			var out bytes.Buffer
			require.NoError(t, run(&out, env, redisURL))

			text := out.String()
			require.Contains(t, text, "2 replicas, each replica on its own: served 500 token requests with 100 AssumeRole calls\n")
			m := regexp.MustCompile(`2 replicas, sharing one store and one rate limit: served 500 token requests with (\d+) AssumeRole calls\n`).FindStringSubmatch(text)
			require.NotNil(t, m, text)
			shared, _ := strconv.Atoi(m[1])
			require.GreaterOrEqual(t, shared, 50, "at least one call per user")
			require.Less(t, shared, 100, "sharing saves calls")
			var sample map[string]string
			require.NoError(t, json.NewDecoder(strings.NewReader(text[strings.Index(text, "{"):])).Decode(&sample))
			require.Contains(t, text, "replica 1's /metrics, in part:\n  stsgo_session_cache_hits_total ")
			require.Equal(t, "<redacted>", sample["AccessKeySecret"])
			require.Equal(t, "<redacted>", sample["SecurityToken"])
			require.Equal(t, "user-0/", sample["Prefix"])
			require.True(t, strings.HasPrefix(sample["AccessKeyId"], "STS."), sample["AccessKeyId"])
		})
	}
}

// TestMetrics vends three tokens for two users and scrapes /metrics: Prometheus' text
// format, each line typed, the hits and AssumeRole calls as they happened.
func TestMetrics(t *testing.T) {
	_, v := newVendor(t)
	for _, user := range []string{"alice", "bob", "alice"} {
		w := httptest.NewRecorder()
		v.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/token?user="+user, nil))
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	}
	w := httptest.NewRecorder()
	metrics(v.sessions).ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	require.Equal(t, "text/plain; version=0.0.4; charset=utf-8", w.Header().Get("Content-Type"))
	for _, want := range []string{
		"# TYPE stsgo_session_cache_hits_total counter\nstsgo_session_cache_hits_total 1\n",
		"# TYPE stsgo_session_cache_misses_total counter\nstsgo_session_cache_misses_total 2\n",
		"# TYPE stsgo_session_cache_sts_calls_total counter\nstsgo_session_cache_sts_calls_total 2\n",
		"# TYPE stsgo_session_cache_entries gauge\nstsgo_session_cache_entries 2\n",
		"# TYPE stsgo_session_cache_store_circuit_open gauge\nstsgo_session_cache_store_circuit_open 0\n",
	} {
		require.Contains(t, w.Body.String(), want)
	}
}
