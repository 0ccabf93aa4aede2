package sts

import (
	"log/slog"
	"net/http"
	"time"
)

// Option changes how NewClient builds a client.
type Option func(*options)

// options are what the Options set, before NewClient applies them.
type options struct {
	httpClient     *http.Client
	logger         *slog.Logger
	retry          RetryPolicy
	now            func() time.Time
	nonce          func() string
	insecureHTTP   bool
	skewCorrection bool
	limiter        RateLimiter
}

// WithHTTPClient makes the client send its requests with hc instead of a client of
// its own. Config's connection settings (proxies, TLS, MaxIdleConns, ConnectTimeout,
// IdleTimeout) then belong to hc and are refused if set; ReadTimeout still bounds
// each attempt.
func WithHTTPClient(hc *http.Client) Option {
	return func(o *options) { o.httpClient = hc }
}

// WithLogger makes the client log one debug line per attempt (action, endpoint,
// attempt, status, request ID, duration, error) to l; never a secret. Logging is off
// without it.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) { o.logger = l }
}

// WithRetryPolicy replaces DefaultRetryPolicy; zero fields take the default's values.
func WithRetryPolicy(p RetryPolicy) Option {
	return func(o *options) { o.retry = p }
}

// WithClock makes the client read the time from now instead of time.Now, for the
// timestamps it signs. For tests.
func WithClock(now func() time.Time) Option {
	return func(o *options) { o.now = now }
}

// WithNonceSource makes the client take each request's signature nonce from next
// instead of 128 random bits from crypto/rand. For tests; a nonce must never repeat.
func WithNonceSource(next func() string) Option {
	return func(o *options) { o.nonce = next }
}

// WithInsecureHTTP allows Config.Protocol "HTTP" for endpoints that are not on the
// loopback interface. Credentials and tokens then cross the network in clear text.
func WithInsecureHTTP() Option {
	return func(o *options) { o.insecureHTTP = true }
}

// WithClockSkewCorrection turns the correction of a wrong local clock on or off; it is
// on by default, as in the AWS SDKs. When the service refuses a request's timestamp
// (InvalidTimeStamp.Expired), the client measures its clock against the answer's Date
// header, signs later requests with the corrected time, and sends the refused request
// once more. Off, the refusal is returned, with the measured offset in
// ServiceError.ClockSkew.
func WithClockSkewCorrection(on bool) Option {
	return func(o *options) { o.skewCorrection = on }
}

// WithRateLimiter makes the client wait on l before every request it sends to STS,
// retries included. A wait that fails fails the call with a *RateLimitError.
func WithRateLimiter(l RateLimiter) Option {
	return func(o *options) { o.limiter = l }
}
