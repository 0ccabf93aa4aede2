package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/credentials-go/credentials/providers"
	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts"
	"github.com/stsgo/sts/internal/syncbuf"
	"github.com/stsgo/sts/internal/testclock"
	"github.com/stsgo/sts/stscreds"
	"github.com/stsgo/sts/ststest"
)

const (
	canarySecret = "canary-secret-7f3a9c"
	canaryToken  = "canary-token-41d2e8"
)

func canaryProvider() stscreds.Provider {
	return stscreds.ProviderFunc(func(context.Context) (stscreds.Credentials, error) {
		return stscreds.Credentials{AccessKeyId: "STS.canary", AccessKeySecret: canarySecret, SecurityToken: canaryToken,
			Expires: time.Now().Add(time.Hour)}, nil
	})
}

func startServer(t *testing.T, p stscreds.Provider, logs io.Writer, clock ...func() time.Time) *credentialServer {
	t.Helper()
	o := listenOptions{addr: "127.0.0.1:0", logTo: logs}
	if len(clock) > 0 {
		o.clock = clock[0]
	}
	srv, err := startCredentialServer(p, o)
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	return srv
}

// get sends method to target with the Host header host (the URL's own when empty).
func get(t *testing.T, method, target, host string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, target, nil)
	require.NoError(t, err)
	if host != "" {
		req.Host = host
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(body)
}

// TestCredentialServerRefuses checks that only a GET of the secret path, sent to the
// listener's own address, gets credentials, and that no log line carries the path or
// a secret.
func TestCredentialServerRefuses(t *testing.T) {
	var logs syncbuf.Buffer
	srv := startServer(t, canaryProvider(), &logs)
	u, err := url.Parse(srv.URL)
	require.NoError(t, err)
	require.Len(t, strings.TrimPrefix(u.Path, "/"), 32, "128 random bits")

	tests := []struct {
		name, method, target, host string
		status                     int
	}{
		{"the URL", "GET", srv.URL, "", 200},
		{"another path", "GET", "http://" + u.Host + "/", "", 404},
		{"a guessed path", "GET", "http://" + u.Host + "/0123456789abcdef0123456789abcdef", "", 404},
		{"another Host (DNS rebinding)", "GET", srv.URL, "attacker.example:" + u.Port(), 403},
		{"another Host without port", "GET", srv.URL, "attacker.example", 403},
		{"a rebinding name under localhost", "GET", srv.URL, "localhost.attacker.example:" + u.Port(), 403},
		{"the listener's IP, another port", "GET", srv.URL, "127.0.0.1:1", 403},
		{"another loopback IP", "GET", srv.URL, "127.0.0.2:" + u.Port(), 403},
		{"IPv6 loopback for 127.0.0.1", "GET", srv.URL, "[::1]:" + u.Port(), 403},
		{"an unclosed bracket", "GET", srv.URL, "[::1", 403},
		{"the IP without port (Python)", "GET", srv.URL, "127.0.0.1", 200},
		{"localhost with port", "GET", srv.URL, "localhost:" + u.Port(), 200},
		{"localhost without port", "GET", srv.URL, "LocalHost", 200},
		{"POST", "POST", srv.URL, "", 405},
		{"PUT", "PUT", srv.URL, "", 405},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := get(t, tc.method, tc.target, tc.host)
			require.Equal(t, tc.status, resp.StatusCode)
			require.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
			if tc.status != 200 {
				require.NotContains(t, body, canarySecret)
				require.NotContains(t, body, canaryToken)
				return
			}
			var got map[string]string
			require.NoError(t, json.Unmarshal([]byte(body), &got))
			require.Equal(t, "STS.canary", got["AccessKeyId"])
			require.Equal(t, canarySecret, got["AccessKeySecret"])
			require.Equal(t, canaryToken, got["SecurityToken"])
			_, err := time.Parse(sts.ExpirationLayout, got["Expiration"])
			require.NoError(t, err)
		})
	}
	require.Contains(t, logs.String(), "GET 200")
	for _, secret := range []string{u.Path, canarySecret, canaryToken} {
		require.NotContains(t, logs.String(), secret)
	}
}

func TestCredentialServerListensOnLoopbackOnly(t *testing.T) {
	for _, o := range []listenOptions{
		{addr: "0.0.0.0:0"},
		{addr: "[::]:0"},
		{addr: "0.0.0.0:0", allowRemote: true}, // without TLS
	} {
		_, err := startCredentialServer(canaryProvider(), o)
		require.Error(t, err, "%+v", o)
	}
	status, _, errs := runCLI("credential-server", "-role-arn", "acs:ram::1:role/x", "-listen", "0.0.0.0:0")
	require.Equal(t, 1, status)
	require.Contains(t, errs, "not a loopback address")
}

// TestCredentialsGoReadsTheServer points credentials-go's own URL provider at the
// server: it yields the role's credentials. Then the fake's and the cache's clocks
// move: within the refresh window, with STS failing, the still-valid credentials are
// served; past their expiry, a 503 naming the STS error and never the old ones; when
// STS is back, new ones.
func TestCredentialsGoReadsTheServer(t *testing.T) {
	clock := testclock.New(time.Now().UTC().Truncate(time.Second))
	fakeSTS := ststest.NewServer(ststest.WithClock(clock.Now))
	defer fakeSTS.Close()
	client, err := sts.NewClient(fakeSTS.Config(), sts.WithClock(clock.Now), sts.WithRetryPolicy(sts.RetryPolicy{MaxAttempts: 1}))
	require.NoError(t, err)
	p, err := stscreds.NewAssumeRoleProvider(client, fakeSTS.Role().Arn, func(o *stscreds.AssumeRoleOptions) {
		o.Cache = stscreds.CacheOptions{Clock: clock.Now, Random: func() float64 { return 0 }}
	})
	require.NoError(t, err)
	srv := startServer(t, p, io.Discard, clock.Now)

	read := func() *providers.Credentials {
		got, err := (&providersURL{srv.URL}).get()
		require.NoError(t, err)
		return got
	}
	first := read()
	want, err := p.Retrieve(context.Background())
	require.NoError(t, err)
	require.Equal(t, want.AccessKeyId, first.AccessKeyId)
	require.Equal(t, want.SecurityToken, first.SecurityToken)

	fakeSTS.Inject(ststest.Fault{Kind: ststest.Unavailable, Times: 1000})
	clock.Add(50 * time.Minute) // inside the refresh window of one-hour credentials
	require.Equal(t, first.AccessKeyId, read().AccessKeyId, "still valid, served while STS fails")
	clock.Add(15 * time.Minute) // expired
	resp, body := get(t, "GET", srv.URL, "")
	require.Equal(t, 503, resp.StatusCode)
	var failure map[string]string
	require.NoError(t, json.Unmarshal([]byte(body), &failure))
	require.Equal(t, "ServiceUnavailable", failure["Code"])
	require.NotEmpty(t, failure["RequestId"])
	require.NotContains(t, body, first.AccessKeySecret)

	fakeSTS.ClearFaults()
	clock.Add(2 * time.Minute) // past the failed refresh's back-off
	second := read()
	require.NotEqual(t, first.AccessKeyId, second.AccessKeyId, "rotated")
}

// providersURL reads a URL with credentials-go's own URL provider, built anew each
// time since it caches what it read.
type providersURL struct{ url string }

func (u *providersURL) get() (*providers.Credentials, error) {
	p, err := providers.NewURLCredentialsProviderBuilder().WithUrl(u.url).Build()
	if err != nil {
		return nil, err
	}
	return p.GetCredentials()
}

// hostForm splits a Host into a name, in brackets or not, and an optional port 8080
// (or an empty one).
var hostForm = regexp.MustCompile(`^\[?(.*?)\]?(:(8080)?)?$`)

// FuzzHostCheck: whatever the Host header, it is accepted only when it names the
// listener's IP address or localhost, with the listener's port or none.
func FuzzHostCheck(f *testing.F) {
	for _, h := range []string{"127.0.0.1", "127.0.0.1:8080", "localhost", "LOCALHOST:8080", "[::1]", "::1", "[::1]:8080",
		"evil.example:8080", "127.0.0.1:80", "[127.0.0.1]", "127.0.0.1:8080:8080", "", ":8080", "[::1"} {
		f.Add(h)
	}
	checks := []hostCheck{
		newHostCheck(&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}),
		newHostCheck(&net.TCPAddr{IP: net.IPv6loopback, Port: 8080}),
	}
	f.Fuzz(func(t *testing.T, host string) {
		for _, c := range checks {
			if !c.allows(host) {
				continue
			}
			m := hostForm.FindStringSubmatch(host)
			if m == nil || !c.names[strings.ToLower(m[1])] {
				t.Fatalf("%q accepted for %v", host, c.names)
			}
		}
	})
}
