package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts/internal/syncbuf"
	"github.com/stsgo/sts/internal/testclock"
	"github.com/stsgo/sts/stscreds"
	"github.com/stsgo/sts/ststest"
)

// consumer is one official library's reading of ALIBABA_CLOUD_CREDENTIALS_URI,
// written from its source: what it sends and what it requires of the answer.
type consumer struct {
	name, source string
	// hostWithoutPort: the Host header is the URL's host name alone (Python's
	// tea_request.headers['host'] = urlparse(uri).hostname); else host:port.
	hostWithoutPort bool
	// readTimeout is how long the library waits for the answer, which the server's
	// retrieveTimeout is held below (TestRetrieveTimeoutIsBelowTheConsumers); 0: no
	// limit.
	readTimeout time.Duration
	statusOK    func(int) bool
	// requireCode: the answer is refused unless its "Code" is "Success".
	requireCode bool
	// check refuses an answer lacking the fields the library requires.
	check func(map[string]any) error
	// stale is how long before Expiration the library finds credentials stale and
	// asks again on every call; zero: it asks on every use anyway.
	stale time.Duration
}

// present is Python's and Java's rule: the four keys exist.
func present(m map[string]any) error {
	for _, k := range []string{"AccessKeyId", "AccessKeySecret", "SecurityToken", "Expiration"} {
		if _, ok := m[k]; !ok {
			return fmt.Errorf("no %s", k)
		}
	}
	return nil
}

// nonNull is credentials-go's rule: the four fields decode to non-nil strings.
func nonNull(m map[string]any) error {
	for _, k := range []string{"AccessKeyId", "AccessKeySecret", "SecurityToken", "Expiration"} {
		if _, ok := m[k].(string); !ok {
			return fmt.Errorf("%s is not a string", k)
		}
	}
	return nil
}

// truthy is Node's rule: the three secrets are non-empty.
func truthy(m map[string]any) error {
	for _, k := range []string{"AccessKeyId", "AccessKeySecret", "SecurityToken"} {
		if s, _ := m[k].(string); s == "" {
			return fmt.Errorf("no %s", k)
		}
	}
	return nil
}

func is200(s int) bool { return s == 200 }

// consumers are the official readers of the URL, from their sources (Aug 2026).
var consumers = []consumer{
	{name: "python", source: "aliyun/credentials-python alibabacloud_credentials/provider/uri.py, refreshable.py",
		hostWithoutPort: true, readTimeout: 10 * time.Second, statusOK: is200, requireCode: true, check: present, stale: 15 * time.Minute},
	{name: "java", source: "aliyun/credentials-java provider/URLCredentialProvider.java, RefreshCachedSupplier.java",
		// 10 s since 2024-11; 1 s before, which the server meets only while it need
		// not wait for STS (not past expiry: retrieveTimeout).
		readTimeout: 10 * time.Second, statusOK: func(s int) bool { return s >= 200 && s < 300 }, requireCode: true, check: present, stale: 15 * time.Minute},
	{name: "aliyun-cli", source: "aliyun/aliyun-cli config/profile.go (CredentialsURI mode)",
		statusOK: is200, requireCode: true, check: func(map[string]any) error { return nil }},
	{name: "node", source: "aliyun/credentials-nodejs src/providers/uri.ts, session.ts",
		readTimeout: 10 * time.Second, statusOK: is200, check: truthy, stale: 15 * time.Minute},
	{name: "go", source: "aliyun/credentials-go credentials/providers/uri.go",
		readTimeout: 10 * time.Second, statusOK: is200, check: nonNull, stale: 180 * time.Second},
}

// readBound bounds a consumer's read in these tests, where nothing waits for STS: a
// failure bound for a loaded machine, not the library's readTimeout, which would make
// the answer's speed the test's subject.
const readBound = 20 * time.Second

// TestRetrieveTimeoutIsBelowTheConsumers: a request the server answers only once STS
// has (the first after expiry) is answered or failed before any consumer gives up on
// it.
func TestRetrieveTimeoutIsBelowTheConsumers(t *testing.T) {
	for _, c := range consumers {
		if c.readTimeout != 0 {
			require.Less(t, retrieveTimeout, c.readTimeout, "%s: %s", c.name, c.source)
		}
	}
}

// read GETs rawURL as the library does, on a raw connection so that the Host header is
// exactly the library's, and returns the credentials and their expiry.
func (c consumer) read(rawURL string) (map[string]any, time.Time, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, time.Time{}, err
	}
	host := u.Host
	if c.hostWithoutPort {
		host = u.Hostname() // Python's urlparse: IPv6 without brackets
	}
	conn, err := net.DialTimeout("tcp", u.Host, 5*time.Second)
	if err != nil {
		return nil, time.Time{}, err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(readBound))
	if _, err := fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s\r\nConnection: close\r\n\r\n", u.RequestURI(), host, c.name); err != nil {
		return nil, time.Time{}, err
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return nil, time.Time{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, time.Time{}, err
	}
	if !c.statusOK(resp.StatusCode) {
		return nil, time.Time{}, fmt.Errorf("%s: http_code=%d", c.name, resp.StatusCode)
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, time.Time{}, fmt.Errorf("%s: %w", c.name, err)
	}
	if c.requireCode && m["Code"] != "Success" {
		return nil, time.Time{}, fmt.Errorf("%s: Code is not Success", c.name)
	}
	if err := c.check(m); err != nil {
		return nil, time.Time{}, fmt.Errorf("%s: %w", c.name, err)
	}
	exp, _ := m["Expiration"].(string)
	expires, err := time.Parse("2006-01-02T15:04:05Z", exp) // every library's layout, UTC
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("%s: Expiration: %w", c.name, err)
	}
	return m, expires, nil
}

// fresh reports whether the library, at now, would keep using credentials that expire
// at expires instead of asking the URL again on every call.
func (c consumer) fresh(expires, now time.Time) bool {
	return c.stale == 0 || now.Before(expires.Add(-c.stale))
}

// TestConsumersRefuseWhatTheirLibrariesRefuse holds the fake consumers to their
// sources: each refuses the answers its library refuses, so that their accepting the
// server means something.
func TestConsumersRefuseWhatTheirLibrariesRefuse(t *testing.T) {
	full := `{"AccessKeyId":"STS.a","AccessKeySecret":"s","SecurityToken":"t","Expiration":"2099-01-01T00:00:00Z"`
	answers := []struct {
		name, body string
		status     int
		accepted   []string
	}{
		{"everything", full + `,"Code":"Success"}`, 200, []string{"python", "java", "aliyun-cli", "node", "go"}},
		{"no Code", full + `}`, 200, []string{"node", "go"}},
		{"Code not Success", full + `,"Code":"Failed"}`, 200, []string{"node", "go"}},
		{"no Expiration", `{"Code":"Success","AccessKeyId":"STS.a","AccessKeySecret":"s","SecurityToken":"t"}`, 200, nil},
		{"empty token", `{"Code":"Success","AccessKeyId":"STS.a","AccessKeySecret":"s","SecurityToken":"","Expiration":"2099-01-01T00:00:00Z"}`, 200,
			[]string{"python", "java", "aliyun-cli", "go"}},
		{"201", full + `,"Code":"Success"}`, 201, []string{"java"}},
	}
	for _, a := range answers {
		t.Run(a.name, func(t *testing.T) {
			srv := newTestHTTPServer(t, func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(a.status)
				io.WriteString(w, a.body)
			})
			for _, c := range consumers {
				_, _, err := c.read(srv + "/x")
				if c.name == "aliyun-cli" && a.name == "no Expiration" {
					continue // the CLI reads no Expiration; this fake parses it for the others
				}
				require.Equal(t, contains(a.accepted, c.name), err == nil, "%s: %v", c.name, err)
			}
		})
	}
	// Python's Host is the host name alone; the others send the port.
	var hosts []string
	srv := newTestHTTPServer(t, func(w http.ResponseWriter, r *http.Request) { hosts = append(hosts, r.Host) })
	port := srv[strings.LastIndex(srv, ":")+1:]
	for _, c := range consumers[:2] {
		c.read(srv + "/x")
	}
	require.Equal(t, []string{"127.0.0.1", "127.0.0.1:" + port}, hosts)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func newTestHTTPServer(t *testing.T, h http.HandlerFunc) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := &http.Server{Handler: h}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return "http://" + l.Addr().String()
}

// servedRole starts a fake STS on clock and a credential server of its role, built
// as credential-server builds it (the refresh policy, the first fetch), listening on
// addr.
func servedRole(t *testing.T, clock *testclock.Clock, addr string) (*ststest.Server, stscreds.Provider, *credentialServer) {
	t.Helper()
	fakeSTS := ststest.NewServer(ststest.WithClock(clock.Now))
	t.Cleanup(fakeSTS.Close)
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", fakeSTS.User().AccessKeyId)
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", fakeSTS.User().AccessKeySecret)
	role := roleFlags{conn: connection{endpoint: fakeSTS.URL, timeout: 10 * time.Second},
		sess: session{roleArn: fakeSTS.Role().Arn, sessionName: "served", duration: time.Hour}, clock: clock.Now}
	p, err := role.provider()
	require.NoError(t, err)
	require.NoError(t, fetchFirst(t.Context(), p, time.Minute))
	srv, err := startCredentialServer(p, listenOptions{addr: addr, logTo: io.Discard, clock: clock.Now})
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	return fakeSTS, p, srv
}

// TestOfficialConsumersReadTheServer: every official consumer, as its source reads
// the URL, gets the role's credentials from the server, fresh by its own staleness
// rule, on an IPv4 and (where the machine has it) an IPv6 loopback listener.
func TestOfficialConsumersReadTheServer(t *testing.T) {
	addrs := []string{"127.0.0.1:0"}
	if l, err := net.Listen("tcp", "[::1]:0"); err == nil {
		l.Close()
		addrs = append(addrs, "[::1]:0")
	}
	for _, addr := range addrs {
		t.Run(addr, func(t *testing.T) {
			clock := testclock.New(time.Now().UTC().Truncate(time.Second))
			_, p, srv := servedRole(t, clock, addr)
			want, err := p.Retrieve(t.Context())
			require.NoError(t, err)
			for _, c := range consumers {
				got, expires, err := c.read(srv.URL)
				require.NoError(t, err, c.source)
				require.Equal(t, want.AccessKeyId, got["AccessKeyId"], c.name)
				require.Equal(t, want.SecurityToken, got["SecurityToken"], c.name)
				require.True(t, c.fresh(expires, clock.Now()), "%s finds them stale: %s", c.name, c.source)
			}
		})
	}
}

// TestServedCredentialsAreNeverStale moves the clock a minute at a time through
// several refreshes: at every instant the server serves credentials with more than
// 15 minutes left, so that no official consumer finds them stale.
func TestServedCredentialsAreNeverStale(t *testing.T) {
	clock := testclock.New(time.Now().UTC().Truncate(time.Second))
	fakeSTS, _, srv := servedRole(t, clock, "127.0.0.1:0")
	python := consumers[0]
	seen := map[string]bool{}
	least := time.Duration(math.MaxInt64)
	for range 4 * 60 {
		got, expires, err := python.read(srv.URL)
		require.NoError(t, err)
		require.Greater(t, expires.Sub(clock.Now()), consumerStaleTime, "at %s", clock.Now())
		least = min(least, expires.Sub(clock.Now()))
		id := got["AccessKeyId"].(string)
		seen[id] = true
		if expires.Sub(clock.Now()) <= time.Duration(float64(serveWindow)*(1-serveJitter)) {
			// Inside the shortest refresh window the server has started a
			// refresh; let it finish before the clock moves on, as real time
			// would.
			require.Eventually(t, func() bool {
				got, _, err := python.read(srv.URL)
				return err == nil && got["AccessKeyId"] != id
			}, 20*time.Second, 5*time.Millisecond)
		}
		clock.Add(time.Minute)
	}
	require.GreaterOrEqual(t, len(seen), 5, "several refreshes in 4 hours")
	t.Logf("%d credentials in 4 hours; the least time left when served: %v", len(seen), least)
	// The last reads may have started a refresh (in the window, not yet in its
	// shortest part), whose AssumeRole the fake may have counted while its
	// credentials are on their way: once they have come, the server serves them.
	var last atomic.Value // the condition may still run when Eventually gives up
	if !assert.Eventually(t, func() bool {
		got, _, err := python.read(srv.URL)
		if err != nil {
			last.Store(err.Error())
			return false
		}
		seen[got["AccessKeyId"].(string)] = true
		requested := fakeSTS.RequestCount("AssumeRole")
		last.Store(fmt.Sprintf("%d AssumeRole calls for %d credentials served", requested, len(seen)))
		return requested == len(seen)
	}, 20*time.Second, 5*time.Millisecond) {
		t.Fatalf("one AssumeRole per credentials served: %s", last.Load())
	}
}

// TestServeDurationRule: a -duration under which the credentials would be stale to
// the consumers is refused with the reason, before anything is fetched.
func TestServeDurationRule(t *testing.T) {
	srv := fake(t)
	for _, d := range []string{"15m", "20m", "29m"} {
		for _, cmd := range [][]string{{"credential-server"}, {"exec", "--", "true"}} {
			args := append([]string{cmd[0], "-endpoint", srv.URL, "-role-arn", srv.Role().Arn, "-duration", d}, cmd[1:]...)
			status, out, errs := runCLI(args...)
			require.Equal(t, 1, status, errs)
			require.Empty(t, out)
			require.Contains(t, errs, "too short to serve")
			require.Contains(t, errs, "stale 15m0s before they expire")
		}
	}
	require.Zero(t, srv.RequestCount("AssumeRole"))
}

// TestCredentialServerFetchesFirst: the URL is printed only after the role's
// credentials are in hand; a role that cannot be assumed fails at once with the STS
// code and request ID, printing no URL.
func TestCredentialServerFetchesFirst(t *testing.T) {
	srv := fake(t)
	status, out, errs := runCLI("credential-server", "-endpoint", srv.URL, "-role-arn", "acs:ram::"+ststest.DefaultAccountID+":role/missing")
	require.Equal(t, 1, status)
	require.Empty(t, out)
	require.Contains(t, errs, "EntityNotExist.Role")
	require.Regexp(t, `request id [0-9A-F-]{36}`, errs)

	before := srv.RequestCount("AssumeRole")
	ctx, cancel := context.WithCancel(t.Context())
	var stdout, stderr syncbuf.Buffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"credential-server", "-endpoint", srv.URL, "-role-arn", srv.Role().Arn}, &stdout, &stderr)
	}()
	require.Eventually(t, func() bool { return strings.Contains(stdout.String(), EnvCredentialsURI) }, 20*time.Second, 5*time.Millisecond)
	require.Equal(t, before+1, srv.RequestCount("AssumeRole"), "fetched before the URL was printed")
	cancel()
	require.Equal(t, 0, <-done)
}

// TestNodeLibraryReadsTheServer runs the real Node.js @alicloud/credentials (its
// default chain, in the environment exec gives a child) against the server. It needs
// node and npm, and the package in npm's local cache (npm install --offline): the test
// never reaches the network, and is skipped without them.
func TestNodeLibraryReadsTheServer(t *testing.T) {
	if testing.Short() {
		t.Skip("runs npm")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("no node")
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Skip("no npm")
	}
	dir := t.TempDir()
	install := exec.Command(npm, "install", "--offline", "--no-audit", "--no-fund", "--prefix", dir, "@alicloud/credentials@2")
	install.Env = startEnv
	if out, err := install.CombinedOutput(); err != nil {
		t.Skipf("@alicloud/credentials is not in npm's cache: %v\n%s", err, out)
	}
	clock := testclock.New(time.Now().UTC().Truncate(time.Second))
	_, p, srv := servedRole(t, clock, "127.0.0.1:0")
	want, err := p.Retrieve(t.Context())
	require.NoError(t, err)

	script := filepath.Join(dir, "read.js")
	require.NoError(t, os.WriteFile(script, []byte(`
const Credential = require('@alicloud/credentials').default;
new Credential().getCredential().then(
  m => console.log(JSON.stringify({id: m.accessKeyId, token: m.securityToken, provider: m.providerName})),
  e => { console.log(JSON.stringify({error: String(e)})); });
`), 0o600))
	cmd := exec.Command(node, script)
	cmd.Dir = dir
	cmd.Env = childEnv(append(os.Environ(), "HOME="+t.TempDir(), "NODE_PATH="+filepath.Join(dir, "node_modules")), srv.URL)
	out, err := cmd.Output()
	require.NoError(t, err)
	var got map[string]string
	require.NoError(t, json.Unmarshal(out, &got), "%s", out)
	require.Empty(t, got["error"])
	require.Equal(t, want.AccessKeyId, got["id"])
	require.Equal(t, want.SecurityToken, got["token"])
	require.Contains(t, got["provider"], "credential_uri")
}
