package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestZeroDurationAsBefore: -duration 0 is one invalid field among the others, all
// named at once (as "every bad field at once" in TestErrors for -duration 10m), and an
// unreadable -policy @file is reported with status 1, as before the request builders,
// which leave a zero duration unset (a check that returned early for it once hid the
// other mistakes).
func TestZeroDurationAsBefore(t *testing.T) {
	srv := fake(t)
	role := srv.Role().Arn
	token := filepath.Join(t.TempDir(), "token")
	require.NoError(t, os.WriteFile(token, []byte("header.payload.signature"), 0o600))
	for _, tc := range []struct {
		name   string
		args   []string
		status int
		stderr string
	}{
		{"every bad field at once", []string{"assume-role", "-endpoint", srv.URL, "-role-arn", "role/app", "-duration", "0", "-external-id", "x"}, 2,
			"sts assume-role: invalid -duration: must be 15m0s to 12h0m0s; invalid -external-id: must be 2 to 1224 characters of A-Z a-z 0-9 _ + = , . @ : / -; invalid -role-arn: must be an ARN of the form acs:ram::<account>:role/<name>\n"},
		{"with a bad session name, oidc", []string{"assume-role-with-oidc", "-endpoint", srv.URL, "-role-arn", role,
			"-oidc-provider-arn", "acs:ram::" + "1" + ":oidc-provider/p", "-token-file", token, "-duration", "0", "-session-name", "x"}, 2,
			"sts assume-role-with-oidc: invalid -duration: must be 15m0s to 12h0m0s; invalid -session-name: must be 2 to 64 characters of A-Z a-z 0-9 . @ - _\n"},
		{"missing policy file", []string{"assume-role", "-endpoint", srv.URL, "-role-arn", role, "-duration", "0", "-policy", "@/nonexistent"}, 1, "sts: reading the policy"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, _, errs := runCLI(tc.args...)
			require.Equal(t, tc.status, status, errs)
			require.True(t, strings.HasPrefix(errs, tc.stderr), "stderr:\n%s\nwant a first line starting %q", errs, tc.stderr)
		})
	}
}

// TestZeroDurationWithoutCredentials: -duration 0 is a usage mistake (status 2, the
// flag named), as it was before the request builders, also where no credentials can
// be found: the per-user cache, which asks for the signer's AccessKeyId, comes after
// the request is checked (it once came first, and the missing credentials were
// reported instead, status 1).
func TestZeroDurationWithoutCredentials(t *testing.T) {
	srv := fake(t)
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "")
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "")
	t.Setenv("ALIBABA_CLOUD_CREDENTIALS_FILE", "/nonexistent")
	t.Setenv("ALIBABA_CLOUD_PROFILE", "")
	t.Setenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
	t.Setenv("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true")
	t.Setenv("HOME", t.TempDir())
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	for _, d := range []string{"0", "10m"} {
		status, _, errs := runCLI("assume-role", "-endpoint", srv.URL, "-role-arn", srv.Role().Arn, "-duration", d)
		require.Equal(t, 2, status, "-duration %s: %s", d, errs)
		require.Contains(t, errs, "invalid -duration")
	}
}
