package sts_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts"
)

const (
	testKeyID  = "LTAI5tTestAccessKeyId"
	testSecret = "TestSecretValue-0123456789abcdef"
	testToken  = "CAIS-test-security-token-value-9876543210"
	testRole   = "acs:ram::1234567890123456:role/test-role"
)

// recorded returns a response body from testdata/responses.
func recorded(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "responses", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// seen is what the reference server saw of one request.
type seen struct {
	action    string
	signature string // "ACS3-HMAC-SHA256", "ACS3-HMAC-SM3", "HMAC-SHA1" or "" (anonymous)
	keyID     string
	token     string
	query     map[string]string
	header    http.Header
}

// refServer is an httptest server that verifies every request's signature with
// darabonba-openapi's reference functions and answers from a handler.
type refServer struct {
	*httptest.Server
	t      testing.TB
	secret string
	reply  func(w http.ResponseWriter, s seen)
	calls  atomic.Int32

	mu   sync.Mutex
	seen []seen
}

func newRefServer(t testing.TB, reply func(w http.ResponseWriter, s seen)) *refServer {
	rs := &refServer{t: t, secret: testSecret, reply: reply}
	rs.Server = httptest.NewServer(http.HandlerFunc(rs.serve))
	t.Cleanup(rs.Close)
	return rs
}

// replyFile answers every request with one recorded body and status.
func replyFile(t testing.TB, status int, name string) func(http.ResponseWriter, seen) {
	body := recorded(t, name)
	return func(w http.ResponseWriter, _ seen) {
		w.Header().Set("Content-Type", "application/json;charset=utf-8")
		w.Header().Set("x-acs-request-id", "HDR-REQUEST-ID")
		w.WriteHeader(status)
		w.Write(body)
	}
}

func (rs *refServer) serve(w http.ResponseWriter, r *http.Request) {
	rs.calls.Add(1)
	s := seen{query: map[string]string{}, header: r.Header.Clone()}
	for k, v := range r.URL.Query() {
		s.query[k] = v[0]
	}
	if r.Method != http.MethodPost || r.URL.Path != "/" {
		rs.t.Errorf("got %s %s, want POST /", r.Method, r.URL.Path)
	}
	if auth := r.Header.Get("Authorization"); auth != "" {
		s.action = r.Header.Get("x-acs-action")
		s.signature, _, _ = strings.Cut(auth, " ")
		s.keyID = strings.TrimSuffix(strings.SplitN(strings.SplitN(auth, "Credential=", 2)[1], ",", 2)[0], ",")
		s.token = r.Header.Get("x-acs-security-token")
		req := &dara.Request{Method: dara.String(r.Method), Pathname: dara.String("/"), Query: map[string]*string{}, Headers: map[string]*string{"host": dara.String(r.Host)}}
		for k, v := range s.query {
			req.Query[k] = dara.String(v)
		}
		for k, v := range r.Header {
			req.Headers[strings.ToLower(k)] = dara.String(v[0])
		}
		body, _ := io.ReadAll(r.Body)
		if got, want := r.Header.Get("x-acs-content-sha256"), hex.EncodeToString(openapiutil.Hash(body, dara.String(s.signature))); got != want {
			rs.t.Errorf("x-acs-content-sha256 = %q, reference computes %q", got, want)
		}
		want := *openapiutil.GetAuthorization(req, dara.String(s.signature), dara.String(r.Header.Get("x-acs-content-sha256")), dara.String(s.keyID), dara.String(rs.secret))
		if auth != want {
			rs.t.Errorf("Authorization = %q, reference computes %q", auth, want)
		}
	} else if sig, ok := s.query["Signature"]; ok {
		s.action, s.signature, s.keyID, s.token = s.query["Action"], s.query["SignatureMethod"], s.query["AccessKeyId"], s.query["SecurityToken"]
		params := map[string]*string{}
		for k, v := range s.query {
			if k != "Signature" {
				params[k] = dara.String(v)
			}
		}
		if want := *openapiutil.GetRPCSignature(params, dara.String(r.Method), dara.String(rs.secret)); sig != want {
			rs.t.Errorf("Signature = %q, reference computes %q", sig, want)
		}
	} else {
		s.action = s.query["Action"]
	}
	rs.mu.Lock()
	rs.seen = append(rs.seen, s)
	rs.mu.Unlock()
	rs.reply(w, s)
}

func (rs *refServer) last() seen {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if len(rs.seen) == 0 {
		rs.t.Fatal("the server saw no request")
	}
	return rs.seen[len(rs.seen)-1]
}

// config points a client at the server with the test AccessKey.
func (rs *refServer) config() *sts.Config {
	return &sts.Config{
		AccessKeyId:     dara.String(testKeyID),
		AccessKeySecret: dara.String(testSecret),
		Endpoint:        dara.String(strings.TrimPrefix(rs.URL, "http://")),
		Protocol:        dara.String("HTTP"),
	}
}

// fastRetry keeps back-off in tests short.
var fastRetry = sts.WithRetryPolicy(sts.RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond})

func newTestClient(t testing.TB, cfg *sts.Config, opts ...sts.Option) *sts.Client {
	t.Helper()
	c, err := sts.NewClient(cfg, append([]sts.Option{fastRetry}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// newHTTPServer starts a plain httptest server and returns its host:port.
func newHTTPServer(t testing.TB, h http.HandlerFunc) string {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

// cueDeadline is a context whose deadline passes on the test's cue (pass), at a point
// of a call the test picks, rather than at a time. A deadline of a few milliseconds,
// meant to pass while the client waits at some point, passes before the client gets
// there whenever a loaded machine stalls it that long. From pass on, Done is closed
// and Err is context.DeadlineExceeded, as for a context.WithTimeout whose time has
// come; Deadline reports none, and the client reads only Done and Err.
type cueDeadline struct {
	context.Context // Background: no deadline, no values
	done            chan struct{}
	once            sync.Once
}

func newCueDeadline() *cueDeadline {
	return &cueDeadline{Context: context.Background(), done: make(chan struct{})}
}

func (c *cueDeadline) Done() <-chan struct{} { return c.done }

func (c *cueDeadline) Err() error {
	select {
	case <-c.done:
		return context.DeadlineExceeded
	default:
		return nil
	}
}

// pass makes the deadline pass.
func (c *cueDeadline) pass() { c.once.Do(func() { close(c.done) }) }

// awaitFrame waits, 20 s at most, until a goroutine started by the test function
// test (its stack holds "sts_test.<test>.") runs or waits in the function fn
// ("github.com/stsgo/sts.sleep"): for a test that must act while the client waits
// at a point of its own that no event outside it marks.
func awaitFrame(t *testing.T, test, fn string) {
	t.Helper()
	buf := make([]byte, 1<<20)
	require.Eventually(t, func() bool {
		n := runtime.Stack(buf, true)
		for g := range bytes.SplitSeq(buf[:n], []byte("\n\n")) {
			if bytes.Contains(g, []byte("\n"+fn+"(")) && bytes.Contains(g, []byte("sts_test."+test+".")) {
				return true
			}
		}
		return false
	}, 20*time.Second, time.Millisecond, "no goroutine of %s in %s", test, fn)
}
