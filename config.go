package sts

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"time"

	"golang.org/x/net/http/httpproxy"

	"github.com/stsgo/sts/internal/signer"
)

// Version is this module's version, sent in the User-Agent.
const Version = "0.1.0"

// Defaults for the timeouts the official SDK also defaults.
const (
	DefaultConnectTimeout = 5 * time.Second
	DefaultReadTimeout    = 10 * time.Second
	// MaxResponseBytes caps how much of a response body is read.
	MaxResponseBytes = 1 << 20
)

var defaultUserAgent = "stsgo/" + Version + " (" + runtime.GOOS + "; " + runtime.GOARCH + ") Go/" + strings.TrimPrefix(runtime.Version(), "go")

// Option changes how NewClient builds a client.
type Option func(*options)

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

// randomNonce returns 128 bits from crypto/rand in hex.
func randomNonce() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b[:])
}

// NewClient builds a client from config, which may be nil (credentials-go's default
// chain, the endpoint from the environment or the central one).
//
// Honoured Config fields: AccessKeyId, AccessKeySecret, SecurityToken, Credential,
// Type ("access_key" or "sts"), RegionId, Endpoint, Network ("vpc"), Protocol
// ("HTTPS", or "HTTP" for loopback endpoints or with WithInsecureHTTP),
// SignatureAlgorithm ("ACS3-HMAC-SHA256", the default; "ACS3-HMAC-SM3"; "v2" for the
// V1 RPC signature, HMAC-SHA1), Method ("POST"), UserAgent (appended),
// ConnectTimeout, ReadTimeout and IdleTimeout (milliseconds; zero or less means the
// default: DefaultConnectTimeout, DefaultReadTimeout, 90 s), HttpProxy, HttpsProxy,
// NoProxy, MaxIdleConns, Ca, Cert, Key, TlsMinVersion ("TLSv1.2", "TLSv1.3"),
// DisableHttp2 and GlobalParameters. Every other field that is set is refused with a
// *ValidationError naming it.
//
// Credentials: with neither an AccessKey nor a Credential, credentials-go's default
// chain (environment, profile, ECS RAM role, OIDC) is built at the first signed call,
// so that AssumeRoleWithOIDC and AssumeRoleWithSAML work with no credentials at all.
func NewClient(config *Config, opts ...Option) (*Client, error) {
	if config == nil {
		config = &Config{}
	}
	o := options{now: time.Now, nonce: randomNonce, skewCorrection: true}
	for _, opt := range opts {
		opt(&o)
	}
	if err := refuseUnsupported(config, o.httpClient != nil); err != nil {
		return nil, err
	}
	endpoint, err := ResolveEndpoint(config)
	if err != nil {
		return nil, err
	}
	c := &Client{
		endpoint:     endpoint,
		userAgent:    defaultUserAgent,
		retry:        o.retry.withDefaults(),
		logger:       o.logger,
		now:          o.now,
		correctSkew:  o.skewCorrection,
		limiter:      o.limiter,
		nonce:        o.nonce,
		readTimeout:  millis(config.ReadTimeout, DefaultReadTimeout),
		maxBodyBytes: MaxResponseBytes,
	}
	if ua := deref(config.UserAgent); ua != "" {
		c.userAgent += " " + ua
	}
	if c.scheme, err = scheme(config, endpoint, o.insecureHTTP); err != nil {
		return nil, err
	}
	if c.algorithm, err = algorithm(config); err != nil {
		return nil, err
	}
	c.emptyPayloadHash = signer.HashedPayload(c.algorithm, nil)
	if c.creds, err = newCredentialSource(config); err != nil {
		return nil, err
	}
	if typ := deref(config.Type); typ != "" {
		if err := checkType(typ, c.creds); err != nil {
			return nil, err
		}
	}
	if g := config.GlobalParameters; g != nil {
		if c.globalHeaders, err = headerParams("Config.GlobalParameters.Headers", g.Headers); err != nil {
			return nil, err
		}
		c.globalQueries = queryParams(g.Queries)
	}
	c.httpClient = o.httpClient
	if c.httpClient == nil {
		if c.transport, err = newTransport(config); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// refuseUnsupported names the first Config field set that this client does not
// honour, rather than ignoring it.
func refuseUnsupported(config *Config, ownHTTPClient bool) error {
	if err := firstSet("Config.", []unsupported{
		{"BearerToken", "bearer tokens cannot sign STS requests", config.BearerToken != nil},
		{"Suffix", "STS endpoints have no suffix; set Endpoint", config.Suffix != nil},
		{"EndpointType", "set Endpoint or Network", config.EndpointType != nil},
		{"OpenPlatformEndpoint", "STS has no use for it", config.OpenPlatformEndpoint != nil},
		{"Socks5Proxy", "SOCKS5 proxies are not supported; use WithHTTPClient", config.Socks5Proxy != nil},
		{"Socks5NetWork", "SOCKS5 proxies are not supported; use WithHTTPClient", config.Socks5NetWork != nil},
		{"SignatureVersion", "set SignatureAlgorithm", config.SignatureVersion != nil},
		{"RetryOptions", "use WithRetryPolicy or RuntimeOptions", config.RetryOptions != nil},
		{"HttpClient", "use WithHTTPClient", config.HttpClient != nil},
		{"Method", `STS takes "POST"`, config.Method != nil && !strings.EqualFold(*config.Method, "POST")},
	}); err != nil || !ownHTTPClient {
		return err
	}
	const why = "belongs to the *http.Client given with WithHTTPClient"
	return firstSet("Config.", []unsupported{
		{"HttpProxy", why, config.HttpProxy != nil},
		{"HttpsProxy", why, config.HttpsProxy != nil},
		{"NoProxy", why, config.NoProxy != nil},
		{"MaxIdleConns", why, config.MaxIdleConns != nil},
		{"ConnectTimeout", why, config.ConnectTimeout != nil},
		{"IdleTimeout", why, config.IdleTimeout != nil},
		{"Ca", why, config.Ca != nil},
		{"Cert", why, config.Cert != nil},
		{"Key", why, config.Key != nil},
		{"TlsMinVersion", why, config.TlsMinVersion != nil},
		{"DisableHttp2", why, config.DisableHttp2 != nil},
	})
}

// unsupported is a setting the client cannot honour, and whether it is set.
type unsupported struct {
	field, why string
	set        bool
}

// firstSet refuses the first of fields that is set, naming it.
func firstSet(prefix string, fields []unsupported) error {
	for _, f := range fields {
		if f.set {
			return &ValidationError{Field: prefix + f.field, Rule: "is not supported: " + f.why}
		}
	}
	return nil
}

// checkType accepts Config.Type when it agrees with the credentials given.
func checkType(typ string, creds *credentialSource) error {
	switch {
	case typ == "access_key" && creds.static != nil && creds.static.securityToken == "":
		return nil
	case typ == "sts" && creds.static != nil && creds.static.securityToken != "":
		return nil
	}
	return &ValidationError{Field: "Config.Type", Rule: `must be "access_key" with an AccessKey, or "sts" with an AccessKey and SecurityToken; for other kinds set Config.Credential`}
}

func millis(p *int, def time.Duration) time.Duration {
	if p == nil || *p <= 0 {
		return def
	}
	return time.Duration(*p) * time.Millisecond
}

// scheme checks Config.Protocol: HTTPS, or HTTP only where it cannot leak.
func scheme(config *Config, endpoint string, insecureOK bool) (string, error) {
	switch strings.ToLower(deref(config.Protocol)) {
	case "", "https":
		return "https", nil
	case "http":
		if insecureOK || isLoopback(endpoint) {
			return "http", nil
		}
		return "", &ValidationError{Field: "Config.Protocol", Rule: `may be "HTTP" only for a loopback endpoint, or with WithInsecureHTTP`}
	}
	return "", &ValidationError{Field: "Config.Protocol", Rule: `must be "HTTPS" or "HTTP"`}
}

// isLoopback reports whether hostport names this machine: localhost or a loopback IP.
func isLoopback(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

func algorithm(config *Config) (string, error) {
	switch a := deref(config.SignatureAlgorithm); a {
	case "", signer.ACS3HMACSHA256:
		return signer.ACS3HMACSHA256, nil
	case signer.ACS3HMACSM3:
		return a, nil
	case "v2":
		return signer.HMACSHA1, nil
	}
	return "", &ValidationError{Field: "Config.SignatureAlgorithm", Rule: `must be "ACS3-HMAC-SHA256", "ACS3-HMAC-SM3" or "v2"`}
}

// reservedHeaders are the headers the client writes itself; extra headers may not
// replace them.
var reservedHeaders = map[string]bool{
	"host": true, "authorization": true, "user-agent": true, "accept": true, "content-type": true,
	"content-length": true, "x-acs-action": true, "x-acs-version": true, "x-acs-date": true,
	"x-acs-signature-nonce": true, "x-acs-content-sha256": true, "x-acs-accesskey-id": true,
	"x-acs-security-token": true,
}

// headerParams turns extra headers into lower-case name/value pairs, refusing the
// ones the protocol owns.
func headerParams(field string, h map[string]*string) ([]signer.Param, error) {
	out := make([]signer.Param, 0, len(h))
	for k, v := range h {
		name := strings.ToLower(strings.TrimSpace(k))
		if reservedHeaders[name] {
			return nil, &ValidationError{Field: field, Rule: "must not set " + name + ", which the client writes itself"}
		}
		if v != nil {
			out = append(out, signer.Param{Name: name, Value: strings.TrimSpace(*v)})
		}
	}
	signer.SortParams(out)
	return out, nil
}

// queryParams turns extra query parameters into sorted name/value pairs.
func queryParams(q map[string]*string) []signer.Param {
	out := make([]signer.Param, 0, len(q))
	for k, v := range q {
		if v != nil {
			out = append(out, signer.Param{Name: k, Value: *v})
		}
	}
	signer.SortParams(out)
	return out
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

// proxyFunc chooses a proxy per URL from HTTP_PROXY/HTTPS_PROXY/NO_PROXY-style
// settings, as net/http does from the environment; nil when none is set.
func proxyFunc(httpProxy, httpsProxy, noProxy *string) func(*url.URL) (*url.URL, error) {
	if httpProxy == nil && httpsProxy == nil && noProxy == nil {
		return nil
	}
	return (&httpproxy.Config{HTTPProxy: deref(httpProxy), HTTPSProxy: deref(httpsProxy), NoProxy: deref(noProxy)}).ProxyFunc()
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
