package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestEmptyPolicyIsRefused: a -policy @file whose file is empty (a template step that
// failed, a truncated write), or a -policy "$POLICY" whose variable is unset, is not
// a policy; it fails as a usage error before any request. Before (found by an
// adversarial review), assume-role went out with no Policy at all: credentials with
// the role's full permissions, where the caller asked for narrowed ones.
func TestEmptyPolicyIsRefused(t *testing.T) {
	empty := filepath.Join(t.TempDir(), "policy.json")
	require.NoError(t, os.WriteFile(empty, nil, 0o600))
	for name, value := range map[string]string{"empty file": "@" + empty, "empty value": ""} {
		t.Run(name, func(t *testing.T) {
			srv := fake(t)
			status, out, errs := runCLI("assume-role", "-endpoint", srv.URL, "-role-arn", srv.Role().Arn, "-policy", value)
			require.Equal(t, 2, status, "an empty -policy must be refused (stderr: %s)", errs)
			require.Contains(t, errs, "-policy is empty")
			require.NotContains(t, out, "AccessKeyId", "credentials were issued")
			require.Zero(t, srv.RequestCount("AssumeRole"), "nothing may be sent for an empty -policy")
		})
	}
}
