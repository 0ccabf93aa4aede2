package sts

import (
	"net/url"
	"strings"
	"time"

	"golang.org/x/net/http/httpproxy"

	"github.com/stsgo/sts/internal/signer"
)

// callSettings are the client's settings with one call's RuntimeOptions applied.
type callSettings struct {
	attempts       int
	backoff        backoff
	readTimeout    time.Duration
	connectTimeout time.Duration                    // 0: the client's
	proxy          func(*url.URL) (*url.URL, error) // nil: the client's
	queries        []signer.Param                   // ExtendsParameters.Queries
	headers        []signer.Param                   // ExtendsParameters.Headers, lower-case names
}

// settings applies runtime to the client's defaults. It refuses any field it cannot
// honour, so that no setting is silently ignored.
func (c *Client) settings(runtime *RuntimeOptions) (callSettings, error) {
	s := callSettings{
		attempts:    c.retry.MaxAttempts,
		backoff:     backoff{base: c.retry.BaseDelay, max: c.retry.MaxDelay, jitter: true},
		readTimeout: c.readTimeout,
	}
	if runtime == nil {
		return s, nil
	}
	r := runtime
	const perClient = "per call; TLS and connection settings belong to the client's Config"
	const noWebSocket = "STS has no WebSocket API"
	if err := firstSet("RuntimeOptions.", []unsupported{
		{"IgnoreSSL", perClient, deref(r.IgnoreSSL)},
		{"Key", perClient, r.Key != nil},
		{"Cert", perClient, r.Cert != nil},
		{"Ca", perClient, r.Ca != nil},
		{"LocalAddr", perClient, r.LocalAddr != nil},
		{"MaxIdleConns", perClient, r.MaxIdleConns != nil},
		{"Socks5Proxy", perClient, r.Socks5Proxy != nil},
		{"Socks5NetWork", perClient, r.Socks5NetWork != nil},
		{"IdleTimeout", perClient, r.IdleTimeout != nil},
		{"KeepAlive", perClient, r.KeepAlive != nil && !*r.KeepAlive},
		{"WebSocketPingInterval", noWebSocket, r.WebSocketPingInterval != nil},
		{"WebSocketPongTimeout", noWebSocket, r.WebSocketPongTimeout != nil},
		{"WebSocketEnableReconnect", noWebSocket, r.WebSocketEnableReconnect != nil},
		{"WebSocketReconnectInterval", noWebSocket, r.WebSocketReconnectInterval != nil},
		{"WebSocketMaxReconnectTimes", noWebSocket, r.WebSocketMaxReconnectTimes != nil},
		{"WebSocketWriteTimeout", noWebSocket, r.WebSocketWriteTimeout != nil},
		{"WebSocketHandshakeTimeout", noWebSocket, r.WebSocketHandshakeTimeout != nil},
		{"WebSocketHandler", noWebSocket, r.WebSocketHandler != nil},
	}); err != nil {
		return s, err
	}
	if r.Autoretry != nil && !*r.Autoretry {
		s.attempts = 1
	} else if r.MaxAttempts != nil {
		if *r.MaxAttempts < 1 {
			return s, &ValidationError{Field: "RuntimeOptions.MaxAttempts", Rule: "must be at least 1"}
		}
		s.attempts = *r.MaxAttempts
	}
	if r.BackoffPolicy != nil || r.BackoffPeriod != nil {
		period := time.Duration(deref(r.BackoffPeriod)) * time.Second
		switch strings.ToLower(deref(r.BackoffPolicy)) {
		case "no":
			s.backoff = backoff{}
		case "fixed":
			s.backoff = backoff{base: period, max: period}
		case "random":
			s.backoff = backoff{base: period, max: period, jitter: true}
		case "exponential", "":
			s.backoff = backoff{base: period, max: max(period, c.retry.MaxDelay), jitter: true}
		default:
			return s, &ValidationError{Field: "RuntimeOptions.BackoffPolicy", Rule: `must be "no", "fixed", "random" or "exponential"`}
		}
	}
	// Zero (or less) means the client's setting, as it means the default in Config.
	s.readTimeout = millis(r.ReadTimeout, c.readTimeout)
	s.connectTimeout = millis(r.ConnectTimeout, 0)
	s.proxy = proxyFunc(r.HttpProxy, r.HttpsProxy, r.NoProxy)
	if e := r.ExtendsParameters; e != nil {
		var err error
		if s.headers, err = headerParams("RuntimeOptions.ExtendsParameters.Headers", e.Headers); err != nil {
			return s, err
		}
		s.queries = queryParams(e.Queries)
	}
	return s, nil
}

// proxyFunc chooses a proxy per URL from HTTP_PROXY/HTTPS_PROXY/NO_PROXY-style
// settings, as net/http does from the environment; nil when none is set.
func proxyFunc(httpProxy, httpsProxy, noProxy *string) func(*url.URL) (*url.URL, error) {
	if httpProxy == nil && httpsProxy == nil && noProxy == nil {
		return nil
	}
	return (&httpproxy.Config{HTTPProxy: deref(httpProxy), HTTPSProxy: deref(httpsProxy), NoProxy: deref(noProxy)}).ProxyFunc()
}
