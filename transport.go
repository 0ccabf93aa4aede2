package sts

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Defaults for the timeouts the official SDK also defaults.
const (
	DefaultConnectTimeout = 5 * time.Second
	DefaultReadTimeout    = 10 * time.Second
)

// roundTrip sends req. The client's own transport is called directly: STS never
// redirects, and http.Client would copy every request's headers in case it did.
func (c *Client) roundTrip(req *http.Request) (*http.Response, error) {
	if c.httpClient != nil {
		return c.httpClient.Do(req)
	}
	return c.transport.RoundTrip(req)
}

// CloseIdleConnections closes the connections the client keeps alive between calls.
// A client stays usable; call it when dropping a client that will not be used again.
func (c *Client) CloseIdleConnections() {
	if c.httpClient != nil {
		c.httpClient.CloseIdleConnections()
	} else if t, ok := c.transport.(interface{ CloseIdleConnections() }); ok {
		t.CloseIdleConnections()
	}
}

// newTransport builds the client's one connection pool from Config's connection
// settings.
func newTransport(config *Config) (*http.Transport, error) {
	dialer := &net.Dialer{Timeout: millis(config.ConnectTimeout, DefaultConnectTimeout), KeepAlive: 30 * time.Second}
	maxIdle := 100
	if n := deref(config.MaxIdleConns); n > 0 {
		maxIdle = n
	}
	t := &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if s := callSettingsFrom(ctx); s != nil && s.connectTimeout > 0 {
				d := *dialer
				d.Timeout = s.connectTimeout
				return d.DialContext(ctx, network, addr)
			}
			return dialer.DialContext(ctx, network, addr)
		},
		MaxIdleConns:          maxIdle,
		MaxIdleConnsPerHost:   maxIdle,
		IdleConnTimeout:       millis(config.IdleTimeout, 90*time.Second),
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
		ForceAttemptHTTP2:     !deref(config.DisableHttp2),
	}
	configured := proxyFunc(config.HttpProxy, config.HttpsProxy, config.NoProxy)
	t.Proxy = func(r *http.Request) (*url.URL, error) {
		if s := callSettingsFrom(r.Context()); s != nil && s.proxy != nil {
			return s.proxy(r.URL)
		}
		if configured != nil {
			return configured(r.URL)
		}
		return http.ProxyFromEnvironment(r)
	}
	tc, err := tlsConfig(config)
	if err != nil {
		return nil, err
	}
	t.TLSClientConfig = tc
	return t, nil
}

func tlsConfig(config *Config) (*tls.Config, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	switch v := strings.ToUpper(strings.TrimSpace(deref(config.TlsMinVersion))); v {
	case "", "TLSV1.2", "TLS1.2", "1.2":
	case "TLSV1.3", "TLS1.3", "1.3":
		tc.MinVersion = tls.VersionTLS13
	default:
		return nil, &ValidationError{Field: "Config.TlsMinVersion", Rule: `must be "TLSv1.2" or "TLSv1.3"`}
	}
	if ca := deref(config.Ca); ca != "" {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM([]byte(ca)) {
			return nil, &ValidationError{Field: "Config.Ca", Rule: "must hold PEM certificates"}
		}
		tc.RootCAs = pool
	}
	cert, key := deref(config.Cert), deref(config.Key)
	if (cert == "") != (key == "") {
		return nil, &ValidationError{Field: "Config.Cert", Rule: "and Config.Key must be set together"}
	}
	if cert != "" {
		pair, err := tls.X509KeyPair([]byte(cert), []byte(key))
		if err != nil {
			return nil, &ValidationError{Field: "Config.Cert", Rule: "and Config.Key must be a PEM certificate and its private key: " + err.Error()}
		}
		tc.Certificates = []tls.Certificate{pair}
	}
	return tc, nil
}

// callKey keys the per-call settings that the transport reads from a request's
// context.
type callKey struct{}

// withCallSettings puts s where the client's dialer and proxy function find it, when
// it overrides them.
func withCallSettings(ctx context.Context, s *callSettings) context.Context {
	if s.proxy == nil && s.connectTimeout == 0 {
		return ctx
	}
	cs := *s // a copy, so that s itself need not live on the heap
	return context.WithValue(ctx, callKey{}, &cs)
}

func callSettingsFrom(ctx context.Context) *callSettings {
	s, _ := ctx.Value(callKey{}).(*callSettings)
	return s
}

// transportError wraps a failed exchange, dropping the URL that *url.Error prints:
// its query may carry a security token.
func transportError(op operation, endpoint string, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return &TransportError{Action: op.action, Endpoint: endpoint, Err: err}
}

// ended names what ended an attempt whose context is done or whose connection was
// never made: the caller's context, the attempt's read timeout, or the connect
// timeout (zero when unknown). Any other error is returned as it is.
func ended(caller, attempt context.Context, readTimeout, connectTimeout time.Duration, err error) error {
	var op *net.OpError
	switch {
	case caller.Err() != nil:
		return callerEnded(caller)
	case attempt.Err() != nil:
		return &endedError{what: "read timeout " + readTimeout.String() + " exceeded", err: context.DeadlineExceeded}
	case connectTimeout > 0 && errors.As(err, &op) && op.Op == "dial" && op.Timeout():
		what := "connect timeout " + connectTimeout.String() + " exceeded"
		if op.Addr != nil {
			what += " dialing " + op.Addr.String()
		}
		return &endedError{what: what, err: context.DeadlineExceeded, cause: err}
	}
	return err
}

// connectTimeoutFor is the connect timeout of a call with settings s: its own, else
// the client's; zero when a caller's http.Client dials.
func (c *Client) connectTimeoutFor(s *callSettings) time.Duration {
	if c.httpClient != nil {
		return 0
	}
	if s.connectTimeout > 0 {
		return s.connectTimeout
	}
	return c.connectTimeout
}

// callerEnded is the error of the caller's ended context, saying that the deadline
// was the caller's.
func callerEnded(ctx context.Context) error {
	err := ctx.Err()
	what := err.Error()
	if errors.Is(err, context.DeadlineExceeded) {
		what += " (the caller's deadline)"
	}
	return &endedError{what: what, err: err}
}
