package sts_test

import (
	"net/http"
	"testing"

	"github.com/alibabacloud-go/tea/dara"
	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts"
)

func TestNewClientRefusesWhatItCannotHonour(t *testing.T) {
	ak := func() *sts.Config {
		return &sts.Config{AccessKeyId: dara.String("id"), AccessKeySecret: dara.String("secret")}
	}
	with := func(f func(*sts.Config)) *sts.Config { c := ak(); f(c); return c }
	tests := []struct {
		name   string
		config *sts.Config
		opts   []sts.Option
		field  string
	}{
		{"bearer token", with(func(c *sts.Config) { c.BearerToken = dara.String("t") }), nil, "Config.BearerToken"},
		{"socks5", with(func(c *sts.Config) { c.Socks5Proxy = dara.String("socks5://x") }), nil, "Config.Socks5Proxy"},
		{"signature version", with(func(c *sts.Config) { c.SignatureVersion = dara.String("v4") }), nil, "Config.SignatureVersion"},
		{"retry options", with(func(c *sts.Config) { c.RetryOptions = &dara.RetryOptions{} }), nil, "Config.RetryOptions"},
		{"suffix", with(func(c *sts.Config) { c.Suffix = dara.String("x") }), nil, "Config.Suffix"},
		{"method GET", with(func(c *sts.Config) { c.Method = dara.String("GET") }), nil, "Config.Method"},
		{"unknown algorithm", with(func(c *sts.Config) { c.SignatureAlgorithm = dara.String("ACS3-RSA-SHA256") }), nil, "Config.SignatureAlgorithm"},
		{"plain http to a remote host", with(func(c *sts.Config) { c.Protocol = dara.String("HTTP") }), nil, "Config.Protocol"},
		{"unknown protocol", with(func(c *sts.Config) { c.Protocol = dara.String("ftp") }), nil, "Config.Protocol"},
		{"secret without id", &sts.Config{AccessKeySecret: dara.String("s")}, nil, "Config.AccessKeyId"},
		{"id without secret", &sts.Config{AccessKeyId: dara.String("i")}, nil, "Config.AccessKeySecret"},
		{"credential and key", with(func(c *sts.Config) { c.Credential = staticCredential{} }), nil, "Config.Credential"},
		{"type disagrees", with(func(c *sts.Config) { c.Type = dara.String("sts") }), nil, "Config.Type"},
		{"tls 1.0", with(func(c *sts.Config) { c.TlsMinVersion = dara.String("TLSv1.0") }), nil, "Config.TlsMinVersion"},
		{"bad ca", with(func(c *sts.Config) { c.Ca = dara.String("not pem") }), nil, "Config.Ca"},
		{"cert without key", with(func(c *sts.Config) { c.Cert = dara.String("x") }), nil, "Config.Cert"},
		{"reserved global header", with(func(c *sts.Config) {
			c.GlobalParameters = &sts.GlobalParameters{Headers: map[string]*string{"Authorization": dara.String("x")}}
		}), nil, "Config.GlobalParameters.Headers"},
		{"proxy with own http client", with(func(c *sts.Config) { c.HttpsProxy = dara.String("http://proxy:3128") }),
			[]sts.Option{sts.WithHTTPClient(http.DefaultClient)}, "Config.HttpsProxy"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := sts.NewClient(tc.config, tc.opts...)
			require.Nil(t, c)
			var ve *sts.ValidationError
			require.ErrorAs(t, err, &ve)
			require.Equal(t, tc.field, ve.Field)
			require.NotContains(t, err.Error(), "secret", "no value is echoed")
		})
	}
}

func TestNewClientAccepts(t *testing.T) {
	tests := []struct {
		name   string
		config *sts.Config
		opts   []sts.Option
		want   string
	}{
		{"nil config", nil, nil, "sts.aliyuncs.com"},
		{"region", &sts.Config{RegionId: dara.String("cn-shanghai")}, nil, "sts.cn-shanghai.aliyuncs.com"},
		{"http to loopback", &sts.Config{Protocol: dara.String("HTTP"), Endpoint: dara.String("localhost:9000")}, nil, "localhost:9000"},
		{"http anywhere when allowed", &sts.Config{Protocol: dara.String("http"), Endpoint: dara.String("sts.internal:80")}, []sts.Option{sts.WithInsecureHTTP()}, "sts.internal:80"},
		{"every connection setting", &sts.Config{
			AccessKeyId: dara.String("id"), AccessKeySecret: dara.String("s"), SecurityToken: dara.String("t"), Type: dara.String("sts"),
			ConnectTimeout: dara.Int(1000), ReadTimeout: dara.Int(2000), IdleTimeout: dara.Int(3000), MaxIdleConns: dara.Int(8),
			HttpProxy: dara.String("http://p:1"), HttpsProxy: dara.String("http://p:2"), NoProxy: dara.String("localhost"),
			TlsMinVersion: dara.String("TLSv1.3"), DisableHttp2: dara.Bool(true), UserAgent: dara.String("my-app/1.0"),
			Method: dara.String("POST"), SignatureAlgorithm: dara.String("ACS3-HMAC-SM3"),
		}, nil, "sts.aliyuncs.com"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := sts.NewClient(tc.config, tc.opts...)
			require.NoError(t, err)
			require.Equal(t, tc.want, c.Endpoint())
		})
	}
}

func TestUserAgent(t *testing.T) {
	rs := newRefServer(t, replyFile(t, 200, "get_caller_identity.json"))
	cfg := rs.config()
	cfg.UserAgent = dara.String("my-app/1.0")
	_, err := newTestClient(t, cfg).GetCallerIdentity()
	require.NoError(t, err)
	ua := rs.last().header.Get("User-Agent")
	require.Regexp(t, `^stsgo/\S+ \(\w+; \w+\) Go/\S+ my-app/1\.0$`, ua)
}
