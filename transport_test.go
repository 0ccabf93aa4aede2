package sts_test

import (
	"bytes"
	"encoding/pem"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alibabacloud-go/tea/dara"
	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts"
)

// newProxy starts a plain HTTP proxy stand-in: it answers every request itself and
// records the absolute URLs it was asked for.
func newProxy(t *testing.T, body []byte) (url string, hosts *atomic.Value) {
	hosts = &atomic.Value{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hosts.Store(r.URL.Host) // a proxied request carries the absolute URL
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, hosts
}

func TestProxies(t *testing.T) {
	body := recorded(t, "get_caller_identity.json")
	base := func() *sts.Config {
		return &sts.Config{AccessKeyId: dara.String(testKeyID), AccessKeySecret: dara.String(testSecret),
			Endpoint: dara.String("sts.example.test:8080"), Protocol: dara.String("HTTP")}
	}

	t.Run("config", func(t *testing.T) {
		proxy, hosts := newProxy(t, body)
		cfg := base()
		cfg.HttpProxy = dara.String(proxy)
		_, err := newTestClient(t, cfg, sts.WithInsecureHTTP()).GetCallerIdentity()
		require.NoError(t, err)
		require.Equal(t, "sts.example.test:8080", hosts.Load())
	})
	t.Run("per call", func(t *testing.T) {
		proxy, hosts := newProxy(t, body)
		_, err := newTestClient(t, base(), sts.WithInsecureHTTP()).GetCallerIdentityWithOptions(new(sts.RuntimeOptions).SetHttpProxy(proxy))
		require.NoError(t, err)
		require.Equal(t, "sts.example.test:8080", hosts.Load())
	})
}

func TestCustomCA(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(recorded(t, "get_caller_identity.json"))
	}))
	defer srv.Close()
	cfg := &sts.Config{AccessKeyId: dara.String(testKeyID), AccessKeySecret: dara.String(testSecret),
		Endpoint: dara.String(strings.TrimPrefix(srv.URL, "https://"))}
	_, err := newTestClient(t, cfg).GetCallerIdentityWithOptions(new(sts.RuntimeOptions).SetAutoretry(false))
	require.ErrorContains(t, err, "certificate", "the test server's certificate is not trusted by default")

	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	cfg.Ca = dara.String(string(ca))
	resp, err := newTestClient(t, cfg).GetCallerIdentity()
	require.NoError(t, err)
	require.Equal(t, "RAMUser", *resp.Body.IdentityType)
}

func TestDebugLogging(t *testing.T) {
	rs := newRefServer(t, replyFile(t, 200, "get_caller_identity.json"))
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	_, err := newTestClient(t, rs.config(), sts.WithLogger(logger)).GetCallerIdentity()
	require.NoError(t, err)
	line := logs.String()
	for _, want := range []string{"msg=\"sts attempt\"", "action=GetCallerIdentity", "endpoint=" + rs.Listener.Addr().String(),
		"attempt=1", "status=200", "request_id=HDR-REQUEST-ID", "duration="} {
		require.Contains(t, line, want)
	}
	require.Equal(t, 1, strings.Count(line, "\n"), "one line per attempt")

	logs.Reset()
	quiet := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	_, err = newTestClient(t, rs.config(), sts.WithLogger(quiet)).GetCallerIdentity()
	require.NoError(t, err)
	require.Empty(t, logs.String(), "nothing below the handler's level")
}

func TestCloseIdleConnections(t *testing.T) {
	var closed atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(recorded(t, "get_caller_identity.json"))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateClosed {
			closed.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	c := newTestClient(t, &sts.Config{AccessKeyId: dara.String(testKeyID), AccessKeySecret: dara.String(testSecret),
		Endpoint: dara.String(srv.Listener.Addr().String()), Protocol: dara.String("HTTP")})
	_, err := c.GetCallerIdentity()
	require.NoError(t, err)
	require.Zero(t, closed.Load(), "the connection is kept alive")
	c.CloseIdleConnections()
	require.Eventually(t, func() bool { return closed.Load() == 1 }, 20*time.Second, time.Millisecond)
	_, err = c.GetCallerIdentity()
	require.NoError(t, err, "the client stays usable")
}
