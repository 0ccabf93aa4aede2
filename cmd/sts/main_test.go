package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
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
	t.Setenv("HOME", t.TempDir())  // no profile of the machine's
	t.Setenv("XDG_CACHE_HOME", "") // the credential cache under that HOME
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
	// The first line says when they expire, in UTC; -duration 15m, a moment ago.
	require.Regexp(t, `^# expires \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(in 1[45]m\)\n`, out)
	expires, err := time.Parse(time.RFC3339, strings.Fields(out)[2])
	require.NoError(t, err)
	require.Equal(t, j["Expiration"], expires.Format("2006-01-02T15:04:05Z"), "the line says the same expiry as -format json")
	// A shell evaluates the lines, comment and all, into the three variables.
	sh := exec.Command("sh", "-c", `eval "$0"; printf '%s|%s|%s' "$ALIBABA_CLOUD_ACCESS_KEY_ID" "$ALIBABA_CLOUD_ACCESS_KEY_SECRET" "$ALIBABA_CLOUD_SECURITY_TOKEN"`, out)
	shOut, err := sh.CombinedOutput()
	require.NoError(t, err, "%s", shOut)
	parts := strings.Split(string(shOut), "|")
	require.Len(t, parts, 3, "%s", shOut)
	require.True(t, strings.HasPrefix(parts[0], "STS."), parts[0])
	require.NotEmpty(t, parts[1])
	require.True(t, strings.HasPrefix(parts[2], "CAIS"), parts[2])

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

// TestErrors runs every kind of failure: each prints an error line naming sts, the
// command and the flag at fault, and exits 2 for a mistake in the command line, 1 for
// a call that fails.
func TestErrors(t *testing.T) {
	srv := fake(t)
	role := srv.Role().Arn
	tests := []struct {
		name   string
		args   []string
		status int
		stderr string // the first line of stderr starts with it
	}{
		{"no command", nil, 2, "sts: no command given"},
		{"unknown command", []string{"frobnicate"}, 2, `sts: unknown command "frobnicate"`},
		{"flag before the command", []string{"-role-arn", role}, 2, "sts: -role-arn is not a command; flags go after the command"},
		{"unknown flag", []string{"assume-role", "-bogus"}, 2, "sts assume-role: flag provided but not defined: -bogus"},
		{"bad flag value", []string{"assume-role", "-duration", "an hour"}, 2, `sts assume-role: invalid value "an hour" for flag -duration`},
		{"stray argument", []string{"caller-identity", "extra"}, 2, `sts caller-identity: unexpected argument "extra"`},
		{"no role", []string{"assume-role", "-endpoint", srv.URL}, 2, "sts assume-role: -role-arn (or $ALIBABA_CLOUD_ROLE_ARN) is required"},
		{"bad format", []string{"assume-role", "-endpoint", srv.URL, "-role-arn", role, "-format", "yaml"}, 2, `sts assume-role: -format must be json, env or external, not "yaml"`},
		{"oidc without token file", []string{"assume-role-with-oidc", "-endpoint", srv.URL, "-role-arn", role}, 2, "sts assume-role-with-oidc: -oidc-provider-arn and -token-file"},
		{"exec without command", []string{"exec", "-endpoint", srv.URL, "-role-arn", role}, 2, "sts exec: no command given"},
		{"exec without command after --", []string{"exec", "-endpoint", srv.URL, "-role-arn", role, "--"}, 2, "sts exec: no command given"},
		{"help of no command", []string{"help", "frobnicate"}, 2, `sts help: unknown command "frobnicate"`},
		{"help of two commands", []string{"help", "exec", "serve"}, 2, `sts help: unexpected argument "serve"`},
		{"version with an argument", []string{"version", "now"}, 2, `sts version: unexpected argument "now"`},
		{"plain http elsewhere", []string{"caller-identity", "-endpoint", "http://sts.example.com"}, 2,
			"sts caller-identity: -endpoint http://sts.example.com is plain HTTP to a host that is not loopback"},
		{"bad session name", []string{"assume-role", "-endpoint", srv.URL, "-role-arn", role, "-session-name", "a b"}, 2,
			"sts assume-role: invalid -session-name: must be 2 to 64 characters"},
		{"every bad field at once", []string{"assume-role", "-endpoint", srv.URL, "-role-arn", "role/app", "-duration", "10m", "-external-id", "x"}, 2,
			"sts assume-role: invalid -duration: must be 15m0s to 12h0m0s; invalid -external-id: must be 2 to 1224 characters of A-Z a-z 0-9 _ + = , . @ : / -; invalid -role-arn: must be an ARN of the form acs:ram::<account>:role/<name>\n"},
		{"too long", []string{"assume-role", "-endpoint", srv.URL, "-role-arn", role, "-duration", "13h"}, 2, "sts assume-role: invalid -duration: must be 15m0s to 12h0m0s"},
		{"zero duration", []string{"assume-role", "-endpoint", srv.URL, "-role-arn", role, "-duration", "0"}, 2, "sts assume-role: invalid -duration: must be 15m0s to 12h0m0s\n"},
		{"bad source identity", []string{"assume-role", "-endpoint", srv.URL, "-role-arn", role, "-source-identity", "acs:me"}, 2, "sts assume-role: invalid -source-identity"},
		{"bad signature", []string{"caller-identity", "-endpoint", srv.URL, "-signature", "md5"}, 2, "sts caller-identity: invalid -signature: must be"},
		{"bad region", []string{"caller-identity", "-region", "CN_Hangzhou"}, 2, "sts caller-identity: invalid -region: must be a region ID"},
		{"bad endpoint", []string{"caller-identity", "-endpoint", "sts.example.com/path"}, 2, "sts caller-identity: invalid -endpoint: must be host[:port], after an optional http:// or https://"},
		{"bad session name in exec", []string{"exec", "-endpoint", srv.URL, "-role-arn", role, "-session-name", "a b", "--", "true"}, 2,
			"sts exec: invalid -session-name: must be 2 to 64 characters"},
		{"missing policy file", []string{"assume-role", "-endpoint", srv.URL, "-role-arn", role, "-policy", "@/nonexistent"}, 1, "sts: reading the policy"},
		{"service error", []string{"assume-role", "-endpoint", srv.URL, "-role-arn", "acs:ram::" + ststest.DefaultAccountID + ":role/nope"}, 1, "sts: AssumeRole"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, out, errs := runCLI(tc.args...)
			require.Equal(t, tc.status, status, errs)
			require.Empty(t, out)
			require.True(t, strings.HasPrefix(errs, tc.stderr), "stderr:\n%s\nwant a first line starting %q", errs, tc.stderr)
			if tc.status == 2 {
				require.Regexp(t, `(?m)^(usage: sts|"sts help" lists the commands)`, errs, "a usage error says where to look")
			}
			for _, goName := range []string{"WithInsecureHTTP", "Config.", "Request."} {
				require.NotContains(t, errs, goName, "the CLI's errors name its flags, not the Go API")
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
	require.Eventually(t, func() bool { return strings.Contains(out.String(), "# sts assume-role") }, 20*time.Second, 10*time.Millisecond)

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
