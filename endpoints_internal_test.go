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
		{name: "region without its own endpoint", config: &Config{RegionId: s("cn-wuhan")}, want: "sts.aliyuncs.com"},
		{name: "vpc-only region", config: &Config{RegionId: s("cn-north-2-gov-1")}, want: "sts-vpc.cn-north-2-gov-1.aliyuncs.com"},
		{name: "vpc without region", config: &Config{Network: s("vpc")}, wantErr: "Config.RegionId"},
		{name: "vpc by environment without region", env: map[string]string{EnvVPCEndpointEnabled: "true"}, want: "sts.aliyuncs.com"},
		{name: "vpc by environment, region without one", config: &Config{RegionId: s("cn-wuhan")}, env: map[string]string{EnvVPCEndpointEnabled: "true"}, want: "sts.aliyuncs.com"},
		{name: "vpc for a region without one", config: &Config{RegionId: s("cn-wuhan"), Network: s("vpc")}, wantErr: "Config.RegionId"},
		{name: "unknown network", config: &Config{Network: s("ipv6")}, wantErr: "Config.Network"},
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
