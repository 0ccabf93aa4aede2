package stscreds_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts/stscreds"
	"github.com/stsgo/sts/ststest"
)

// TestAssumeRoleProviderFromEnv reads the variables credentials-go's RAM role ARN
// provider reads, and the session's lifetime, refusing a missing role and a malformed
// lifetime by name.
func TestAssumeRoleProviderFromEnv(t *testing.T) {
	srv := ststest.NewServer()
	defer srv.Close()
	role := srv.Role().Arn
	tests := []struct {
		name                     string
		roleArn, session, expiry string
		opt                      func(*stscreds.AssumeRoleOptions)
		wantErr                  string
		wantSession              string // "": the default, stsgo-<pid>-<random>
		wantLifetime             time.Duration
	}{
		{name: "role only", roleArn: role, wantLifetime: time.Hour},
		{name: "every variable", roleArn: role, session: "from-env", expiry: "900", wantSession: "from-env", wantLifetime: 15 * time.Minute},
		{name: "options override the environment", roleArn: role, session: "from-env", expiry: "900",
			opt: func(o *stscreds.AssumeRoleOptions) { o.RoleSessionName, o.Duration = "from-code", 30*time.Minute }, wantSession: "from-code", wantLifetime: 30 * time.Minute},
		{name: "no role", wantErr: "stscreds: ALIBABA_CLOUD_ROLE_ARN is not set"},
		{name: "lifetime not a number", roleArn: role, expiry: "1h", wantErr: "stscreds: ALIBABA_CLOUD_ROLE_SESSION_EXPIRATION must be a whole number of seconds from 900 to 43200"},
		{name: "lifetime too short", roleArn: role, expiry: "899", wantErr: "ALIBABA_CLOUD_ROLE_SESSION_EXPIRATION"},
		{name: "lifetime too long", roleArn: role, expiry: "43201", wantErr: "ALIBABA_CLOUD_ROLE_SESSION_EXPIRATION"},
		{name: "bad session name", roleArn: role, session: "has spaces", wantErr: "AssumeRoleRequest.RoleSessionName"},
		{name: "bad role", roleArn: "acs:ram::1:user/x", wantErr: "AssumeRoleRequest.RoleArn"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(stscreds.EnvRoleArn, tc.roleArn)
			t.Setenv(stscreds.EnvRoleSessionName, tc.session)
			t.Setenv(stscreds.EnvRoleSessionExpiration, tc.expiry)
			var opts []func(*stscreds.AssumeRoleOptions)
			if tc.opt != nil {
				opts = append(opts, tc.opt)
			}
			p, err := stscreds.NewAssumeRoleProviderFromEnv(srv.Config(), opts...)
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				require.Nil(t, p)
				return
			}
			require.NoError(t, err)
			creds, err := p.Retrieve(context.Background())
			require.NoError(t, err)
			require.WithinDuration(t, time.Now().Add(tc.wantLifetime), creds.Expires, time.Minute)
			id, err := clientWith(t, srv, p).GetCallerIdentity()
			require.NoError(t, err)
			prefix := "acs:ram::" + ststest.DefaultAccountID + ":assumed-role/test-role/"
			if tc.wantSession != "" {
				require.Equal(t, prefix+tc.wantSession, *id.Body.Arn)
			} else {
				require.Regexp(t, `^`+prefix+`stsgo-\d+-[0-9a-f]{8}$`, *id.Body.Arn)
			}
		})
	}
}
