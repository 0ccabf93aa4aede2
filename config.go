package sts

import (
	"net"
	"runtime"
	"strings"
	"time"

	"github.com/stsgo/sts/internal/signer"
)

// Version is this module's version, sent in the User-Agent.
const Version = "0.1.0"

var defaultUserAgent = "stsgo/" + Version + " (" + runtime.GOOS + "; " + runtime.GOARCH + ") Go/" + strings.TrimPrefix(runtime.Version(), "go")

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
		c.connectTimeout = millis(config.ConnectTimeout, DefaultConnectTimeout)
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
