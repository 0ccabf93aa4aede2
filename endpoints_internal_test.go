package sts

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestResolveEndpoint(t *testing.T) {
	s := func(v string) *string { return &v }
	tests := []struct {
		name    string
		config  *Config
		env     map[string]string
		want    string
		wantErr string // the Field of the ValidationError
	}{
		{name: "nil config", want: "sts.aliyuncs.com"},
		{name: "explicit endpoint", config: &Config{Endpoint: s("127.0.0.1:8080"), RegionId: s("cn-hangzhou")}, want: "127.0.0.1:8080"},
		{name: "endpoint with scheme", config: &Config{Endpoint: s("https://sts.aliyuncs.com")}, wantErr: "Config.Endpoint"},
		{name: "endpoint with path", config: &Config{Endpoint: s("sts.aliyuncs.com/x")}, wantErr: "Config.Endpoint"},
		{name: "regional", config: &Config{RegionId: s("cn-hangzhou")}, want: "sts.cn-hangzhou.aliyuncs.com"},
		{name: "regional vpc", config: &Config{RegionId: s("ap-southeast-1"), Network: s("vpc")}, want: "sts-vpc.ap-southeast-1.aliyuncs.com"},
		{name: "vpc by environment", config: &Config{RegionId: s("cn-beijing")}, env: map[string]string{EnvVPCEndpointEnabled: "TRUE"}, want: "sts-vpc.cn-beijing.aliyuncs.com"},
		{name: "public overrides nothing", config: &Config{RegionId: s("cn-beijing"), Network: s("public")}, want: "sts.cn-beijing.aliyuncs.com"},
		{name: "region by environment", env: map[string]string{EnvSTSRegion: "eu-central-1"}, want: "sts.eu-central-1.aliyuncs.com"},
		{name: "config region wins over environment", config: &Config{RegionId: s("us-east-1")}, env: map[string]string{EnvSTSRegion: "eu-central-1"}, want: "sts.us-east-1.aliyuncs.com"},
		{name: "region the official client maps to the central endpoint", config: &Config{RegionId: s("cn-wuhan")}, want: "sts.aliyuncs.com"},
		{name: "region not in any list", config: &Config{RegionId: s("ap-southeast-9")}, want: "sts.ap-southeast-9.aliyuncs.com"},
		{name: "vpc in a region not in any list", config: &Config{RegionId: s("ap-southeast-9"), Network: s("vpc")}, want: "sts-vpc.ap-southeast-9.aliyuncs.com"},
		{name: "region once mapped to vpc only", config: &Config{RegionId: s("cn-north-2-gov-1")}, want: "sts.cn-north-2-gov-1.aliyuncs.com"},
		{name: "vpc without region", config: &Config{Network: s("vpc")}, wantErr: "Config.RegionId"},
		{name: "vpc by environment without region", env: map[string]string{EnvVPCEndpointEnabled: "true"}, want: "sts.aliyuncs.com"},
		{name: "vpc by environment, region without one", config: &Config{RegionId: s("cn-wuhan")}, env: map[string]string{EnvVPCEndpointEnabled: "true"}, want: "sts.aliyuncs.com"},
		{name: "vpc by environment, region not in any list", env: map[string]string{EnvVPCEndpointEnabled: "true", EnvSTSRegion: "me-south-7"}, want: "sts-vpc.me-south-7.aliyuncs.com"},
		{name: "vpc for a region without one", config: &Config{RegionId: s("cn-wuhan"), Network: s("vpc")}, wantErr: "Config.RegionId"},
		{name: "endpoint by environment", config: &Config{RegionId: s("cn-hangzhou")}, env: map[string]string{EnvSTSEndpoint: "sts-vpc.cn-shanghai.aliyuncs.com"}, want: "sts-vpc.cn-shanghai.aliyuncs.com"},
		{name: "config endpoint wins over environment", config: &Config{Endpoint: s("sts.cn-beijing.aliyuncs.com")}, env: map[string]string{EnvSTSEndpoint: "evil.example"}, want: "sts.cn-beijing.aliyuncs.com"},
		{name: "endpoint by environment with scheme", env: map[string]string{EnvSTSEndpoint: "https://sts.aliyuncs.com"}, wantErr: "$ALIBABA_CLOUD_STS_ENDPOINT"},
		{name: "endpoint with user info", config: &Config{Endpoint: s("user@sts.aliyuncs.com")}, wantErr: "Config.Endpoint"},
		{name: "region that would change the host", config: &Config{RegionId: s("evil.example/x")}, wantErr: "Config.RegionId"},
		{name: "region with upper case, as the official client keeps it", config: &Config{RegionId: s("CN-HANGZHOU")}, want: "sts.CN-HANGZHOU.aliyuncs.com"},
		{name: "endpoint with IPv6 and port", config: &Config{Endpoint: s("[::1]:8080")}, want: "[::1]:8080"},
		{name: "endpoint with IPv6", config: &Config{Endpoint: s("[::1]")}, want: "[::1]"},
		{name: "endpoint with IPv4 and port", config: &Config{Endpoint: s("127.0.0.1:443")}, want: "127.0.0.1:443"},
		{name: "endpoint with trailing dot", config: &Config{Endpoint: s("sts.aliyuncs.com.")}, want: "sts.aliyuncs.com."},
		{name: "region by environment that would change the host", env: map[string]string{EnvSTSRegion: "a.b"}, wantErr: "$ALIBABA_CLOUD_STS_REGION"},
		{name: "region with leading hyphen", config: &Config{RegionId: s("-cn")}, wantErr: "Config.RegionId"},
		{name: "unknown network", config: &Config{Network: s("ipv6")}, wantErr: "Config.Network"},
	}
	for _, bad := range []string{"::1", "[::1", "[::1]:99999", "host:abc", ":443", "host:", "%zz", `HTTPS:\\x`, "a..b", "[127.0.0.1]", "host:+80", "host:0", "ho st", "h/x", "[::1]x"} {
		tests = append(tests, struct {
			name    string
			config  *Config
			env     map[string]string
			want    string
			wantErr string
		}{name: "environment endpoint " + bad, env: map[string]string{EnvSTSEndpoint: bad}, wantErr: "$" + EnvSTSEndpoint})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := resolveEndpoint(tc.config, func(k string) string { return tc.env[k] })
			if tc.wantErr != "" {
				var ve *ValidationError
				require.ErrorAs(t, err, &ve)
				require.Equal(t, tc.wantErr, ve.Field)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}
