package main

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestProfileErrorNamesALongProfile: "-profile errors name the flag" and its value, so
// that the user sees which profile failed; a profile name of 24 letters or more is
// one run of the characters a secret is made of, and the scrubber removes it.
func TestProfileErrorNamesALongProfile(t *testing.T) {
	srv := fake(t)
	cliProfile(t, srv, "ops")
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "")
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "")
	const name = "productionaccountreadonly2024"
	status, _, errs := runCLI("caller-identity", "-endpoint", srv.URL, "-profile", name)
	require.Equal(t, 1, status)
	require.Contains(t, errs, "-profile "+name+": ", "stderr: %s", errs)
}

// TestZeroDurationWithoutCredentials: -duration 0 is a usage mistake (status 2, the
// flag named), as it was before the request builders, also where no credentials can
// be found: the per-user cache asks for the signer's AccessKeyId before the request
// is checked, so the missing credentials are reported instead (status 1).
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
