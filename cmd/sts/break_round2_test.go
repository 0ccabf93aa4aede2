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
