package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alibabacloud-go/tea/dara"
	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts"
)

func TestExpiresComment(t *testing.T) {
	const exp = "2026-11-28T03:14:00Z"
	at := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339Nano, s)
		require.NoError(t, err)
		return tm
	}
	tests := []struct {
		name, expiration string
		now              time.Time
		want             string
	}{
		{"an hour, a moment later", exp, at("2026-11-28T02:14:00.5Z"), "# expires 2026-11-28T03:14:00Z (in 59m)"},
		{"an hour exactly", exp, at("2026-11-28T02:14:00Z"), "# expires 2026-11-28T03:14:00Z (in 1h0m)"},
		{"hours and minutes", exp, at("2026-11-27T16:08:30Z"), "# expires 2026-11-28T03:14:00Z (in 11h5m)"},
		{"the longest session", exp, at("2026-11-27T15:14:00Z"), "# expires 2026-11-28T03:14:00Z (in 12h0m)"},
		{"a minute", exp, at("2026-11-28T03:13:00Z"), "# expires 2026-11-28T03:14:00Z (in 1m)"},
		{"seconds", exp, at("2026-11-28T03:13:30Z"), "# expires 2026-11-28T03:14:00Z (in under a minute)"},
		{"now", exp, at("2026-11-28T03:14:00Z"), "# expires 2026-11-28T03:14:00Z (expired)"},
		{"seconds ago", exp, at("2026-11-28T03:14:59Z"), "# expires 2026-11-28T03:14:00Z (expired)"},
		{"ago", exp, at("2026-11-28T04:19:00Z"), "# expires 2026-11-28T03:14:00Z (expired 1h5m ago)"},
		{"a local clock in another zone", exp, at("2026-11-28T10:14:00.5+08:00"), "# expires 2026-11-28T03:14:00Z (in 59m)"},
		{"empty", "", at("2026-11-28T02:14:00Z"), "# expiry unknown: the response's Expiration is not a time"},
		{"another layout", "2026-11-28 03:14:00", at("2026-11-28T02:14:00Z"), "# expiry unknown: the response's Expiration is not a time"},
		{"a command after a newline", exp + "\ntouch /tmp/pwned", at("2026-11-28T02:14:00Z"), "# expiry unknown: the response's Expiration is not a time"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, expiresComment(tc.expiration, tc.now))
		})
	}
}

// TestEnvFormatWithAHostileExpiration: an Expiration from a lying server, built to
// run a command when the output is evaluated, runs nothing in a shell.
func TestEnvFormatWithAHostileExpiration(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "pwned")
	for _, exp := range []string{"x\ntouch " + marker, "x'; touch " + marker + "; '", "$(touch " + marker + ")"} {
		var out bytes.Buffer
		creds := &sts.Credentials{AccessKeyId: dara.String("STS.id"), AccessKeySecret: dara.String(exp),
			SecurityToken: dara.String(exp), Expiration: dara.String(exp)}
		require.NoError(t, printCredentials(&out, "env", creds, time.Now()))
		require.True(t, strings.HasPrefix(out.String(), "# expiry unknown: the response's Expiration is not a time\nexport "), "%q", out.String())
		sh, err := exec.Command("sh", "-c", `eval "$0"; printf %s "$ALIBABA_CLOUD_SECURITY_TOKEN"`, out.String()).CombinedOutput()
		require.NoError(t, err, "%s", sh)
		require.Equal(t, exp, string(sh), "the token survives the shell as it came")
		_, err = os.Stat(marker)
		require.ErrorIs(t, err, os.ErrNotExist, "%q ran a command", exp)
	}
}
