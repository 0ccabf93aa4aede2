package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts/internal/syncbuf"
	"github.com/stsgo/sts/ststest"
)

// fake starts a fake STS and points the default credential chain at its user.
func fake(t *testing.T) *ststest.Server {
	srv := ststest.NewServer()
	t.Cleanup(srv.Close)
	t.Setenv("HOME", t.TempDir()) // no profile of the machine's
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", srv.User().AccessKeyId)
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", srv.User().AccessKeySecret)
	t.Setenv("ALIBABA_CLOUD_SECURITY_TOKEN", "")
	t.Setenv("ALIBABA_CLOUD_ROLE_ARN", "")
	t.Setenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true") // no test reaches the metadata service
	return srv
}

func runCLI(args ...string) (status int, stdout, stderr string) {
	var out, errb bytes.Buffer
	status = run(context.Background(), args, &out, &errb)
	return status, out.String(), errb.String()
}

func TestAssumeRoleFormats(t *testing.T) {
	srv := fake(t)
	base := []string{"assume-role", "-endpoint", srv.URL, "-role-arn", srv.Role().Arn, "-session-name", "cli", "-duration", "15m"}

	status, out, errs := runCLI(append(base, "-format", "json")...)
	require.Equal(t, 0, status, errs)
	var j map[string]string
	require.NoError(t, json.Unmarshal([]byte(out), &j))
	require.True(t, strings.HasPrefix(j["AccessKeyId"], "STS."))
	require.NotEmpty(t, j["AccessKeySecret"])
	require.NotEmpty(t, j["SecurityToken"])
	_, err := time.Parse("2006-01-02T15:04:05Z", j["Expiration"])
	require.NoError(t, err)

	status, out, errs = runCLI(append(base, "-format", "external")...)
	require.Equal(t, 0, status, errs)
	var ext map[string]string
	require.NoError(t, json.Unmarshal([]byte(out), &ext))
	require.Equal(t, "StsToken", ext["mode"])
	for _, k := range []string{"access_key_id", "access_key_secret", "sts_token", "expiration"} {
		require.NotEmpty(t, ext[k], k)
	}

	status, out, errs = runCLI(append(base, "-format", "env")...)
	require.Equal(t, 0, status, errs)
	require.Regexp(t, `(?m)^export ALIBABA_CLOUD_ACCESS_KEY_ID='STS\.[^']+'$`, out)
	require.Regexp(t, `(?m)^export ALIBABA_CLOUD_SECURITY_TOKEN='CAIS[^']+'$`, out)

	// The printed credentials work: caller-identity with them is the role session.
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", j["AccessKeyId"])
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", j["AccessKeySecret"])
	t.Setenv("ALIBABA_CLOUD_SECURITY_TOKEN", j["SecurityToken"])
	status, out, errs = runCLI("caller-identity", "-endpoint", srv.URL)
	require.Equal(t, 0, status, errs)
	require.Contains(t, out, `"IdentityType": "AssumedRoleUser"`)
	require.Contains(t, out, "assumed-role/test-role/cli")
}

func TestAssumeRoleWithOIDC(t *testing.T) {
	srv := fake(t)
	idp := srv.AddOIDCProvider(ststest.DefaultAccountID, "ack", "https://oidc.example.com", "sts.aliyuncs.com")
	srv.Trust(srv.Role().Arn, idp.Arn)
	file := filepath.Join(t.TempDir(), "token")
	require.NoError(t, os.WriteFile(file, []byte(idp.Token("system:serviceaccount:default:app")), 0o600))
	t.Setenv("ALIBABA_CLOUD_ROLE_ARN", srv.Role().Arn)
	t.Setenv("ALIBABA_CLOUD_OIDC_PROVIDER_ARN", idp.Arn)
	t.Setenv("ALIBABA_CLOUD_OIDC_TOKEN_FILE", file)
	status, out, errs := runCLI("assume-role-with-oidc", "-endpoint", srv.URL, "-format", "external")
	require.Equal(t, 0, status, errs)
	require.Contains(t, out, `"mode": "StsToken"`)
}

func TestErrors(t *testing.T) {
	srv := fake(t)
	tests := []struct {
		name   string
		args   []string
		status int
		stderr string
	}{
		{"no command", nil, 2, "usage: sts"},
		{"unknown command", []string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{"unknown flag", []string{"assume-role", "-bogus"}, 2, "flag provided but not defined: -bogus"},
		{"stray argument", []string{"caller-identity", "extra"}, 2, `unexpected argument "extra"`},
		{"no role", []string{"assume-role", "-endpoint", srv.URL}, 1, "-role-arn"},
		{"bad format", []string{"assume-role", "-endpoint", srv.URL, "-role-arn", srv.Role().Arn, "-format", "yaml"}, 1, "-format must be"},
		{"missing policy file", []string{"assume-role", "-endpoint", srv.URL, "-role-arn", srv.Role().Arn, "-policy", "@/nonexistent"}, 1, "reading the policy"},
		{"service error", []string{"assume-role", "-endpoint", srv.URL, "-role-arn", "acs:ram::" + ststest.DefaultAccountID + ":role/nope"}, 1, "EntityNotExist.Role"},
		{"validation error", []string{"assume-role", "-endpoint", srv.URL, "-role-arn", srv.Role().Arn, "-session-name", "a b"}, 1, "AssumeRoleRequest.RoleSessionName"},
		{"plain http elsewhere", []string{"caller-identity", "-endpoint", "http://sts.example.com"}, 1, "Config.Protocol"},
		{"oidc without token file", []string{"assume-role-with-oidc", "-endpoint", srv.URL, "-role-arn", srv.Role().Arn}, 1, "-token-file"},
		{"help", []string{"serve", "-h"}, 0, "-port"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, out, errs := runCLI(tc.args...)
			require.Equal(t, tc.status, status, errs)
			require.Contains(t, errs, tc.stderr)
			if tc.status != 0 {
				require.Empty(t, out)
			}
			require.NotContains(t, errs, srv.User().AccessKeySecret)
		})
	}
}

func TestServe(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var out syncbuf.Buffer
	done := make(chan int)
	go func() { done <- run(ctx, []string{"serve"}, &out, &out) }()
	require.Eventually(t, func() bool { return strings.Contains(out.String(), "# sts assume-role") }, 5*time.Second, 10*time.Millisecond)

	env := map[string]string{}
	for _, line := range strings.Split(out.String(), "\n") {
		if k, v, ok := strings.Cut(strings.TrimPrefix(line, "export "), "="); ok && strings.HasPrefix(line, "export ") {
			env[k] = strings.Trim(v, "'")
		}
	}
	url := strings.Fields(strings.SplitN(out.String(), "\n", 2)[0])[4]
	t.Setenv("HOME", t.TempDir())
	for k, v := range env {
		t.Setenv(k, v)
	}
	status, got, errs := runCLI("assume-role", "-endpoint", url, "-session-name", "served")
	require.Equal(t, 0, status, errs)
	require.Contains(t, got, `"AccessKeyId": "STS.`)

	cancel()
	require.Equal(t, 0, <-done)
}
