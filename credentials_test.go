package sts_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/alibabacloud-go/tea/dara"
	"github.com/aliyun/credentials-go/credentials"
	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts"
)

// staticCredential is a credentials-go Credential with fixed values, or a fixed error.
type staticCredential struct {
	id, secret, token, typ string
	err                    error
	block                  chan struct{} // if set, GetCredential waits on it
}

func (s staticCredential) GetCredential() (*credentials.CredentialModel, error) {
	if s.block != nil {
		<-s.block
	}
	if s.err != nil {
		return nil, s.err
	}
	return &credentials.CredentialModel{AccessKeyId: dara.String(s.id), AccessKeySecret: dara.String(s.secret),
		SecurityToken: dara.String(s.token), Type: dara.String(s.typ)}, nil
}
func (s staticCredential) GetAccessKeyId() (*string, error)     { return dara.String(s.id), nil }
func (s staticCredential) GetAccessKeySecret() (*string, error) { return dara.String(s.secret), nil }
func (s staticCredential) GetSecurityToken() (*string, error)   { return dara.String(s.token), nil }
func (s staticCredential) GetBearerToken() *string              { return nil }
func (s staticCredential) GetType() *string                     { return dara.String(s.typ) }

// contextCredential records the context it was asked with.
type contextCredential struct {
	staticCredential
	got *context.Context
}

func (c contextCredential) GetCredentialWithContext(ctx context.Context) (*credentials.CredentialModel, error) {
	*c.got = ctx
	return c.GetCredential()
}

func clearCredentialEnv(t *testing.T) {
	for _, k := range []string{"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_SECURITY_TOKEN",
		"ALIBABA_CLOUD_ROLE_ARN", "ALIBABA_CLOUD_OIDC_PROVIDER_ARN", "ALIBABA_CLOUD_OIDC_TOKEN_FILE", "ALIBABA_CLOUD_PROFILE",
		"ALIBABA_CLOUD_CONFIG_FILE", "ALIBABA_CLOUD_CREDENTIALS_FILE", "ALIBABA_CLOUD_ECS_METADATA", "ALIBABA_CLOUD_CREDENTIALS_URI"} {
		t.Setenv(k, "")
	}
	t.Setenv("HOME", t.TempDir())
	t.Setenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
}

func TestConfigCredential(t *testing.T) {
	rs := newRefServer(t, replyFile(t, 200, "get_caller_identity.json"))
	cfg := rs.config()
	cfg.AccessKeyId, cfg.AccessKeySecret = nil, nil
	cfg.Credential = staticCredential{id: testKeyID, secret: testSecret, token: testToken, typ: "sts"}
	_, err := newTestClient(t, cfg).GetCallerIdentity()
	require.NoError(t, err)
	require.Equal(t, testKeyID, rs.last().keyID)
	require.Equal(t, testToken, rs.last().token)
}

func TestContextCredentialGetsTheCallContext(t *testing.T) {
	rs := newRefServer(t, replyFile(t, 200, "get_caller_identity.json"))
	cfg := rs.config()
	cfg.AccessKeyId, cfg.AccessKeySecret = nil, nil
	var got context.Context
	cfg.Credential = contextCredential{staticCredential{id: testKeyID, secret: testSecret}, &got}
	type key struct{}
	ctx := context.WithValue(context.Background(), key{}, "mine")
	_, err := newTestClient(t, cfg).GetCallerIdentityWithContext(ctx, nil)
	require.NoError(t, err)
	require.Equal(t, "mine", got.Value(key{}))
}

func TestCredentialFailures(t *testing.T) {
	rs := newRefServer(t, replyFile(t, 200, "get_caller_identity.json"))
	for name, cred := range map[string]staticCredential{
		"provider error": {err: errors.New("metadata service unreachable")},
		"bearer":         {typ: "bearer"},
		"empty":          {},
	} {
		t.Run(name, func(t *testing.T) {
			cfg := rs.config()
			cfg.AccessKeyId, cfg.AccessKeySecret = nil, nil
			cfg.Credential = cred
			_, err := newTestClient(t, cfg).GetCallerIdentity()
			require.ErrorContains(t, err, "sts: GetCallerIdentity: get credentials")
		})
	}
	require.Zero(t, rs.calls.Load())
}

// TestSlowCredentialRespectsContext checks that a provider without a context does not
// hold a call past its deadline.
func TestSlowCredentialRespectsContext(t *testing.T) {
	rs := newRefServer(t, replyFile(t, 200, "get_caller_identity.json"))
	cfg := rs.config()
	cfg.AccessKeyId, cfg.AccessKeySecret = nil, nil
	block := make(chan struct{})
	defer close(block)
	cfg.Credential = staticCredential{id: "x", secret: "y", block: block}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	_, err := newTestClient(t, cfg).GetCallerIdentityWithContext(ctx, nil)
	require.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestDefaultChain(t *testing.T) {
	clearCredentialEnv(t)
	rs := newRefServer(t, replyFile(t, 200, "assume_role_with_oidc.json"))
	cfg := rs.config()
	cfg.AccessKeyId, cfg.AccessKeySecret = nil, nil
	c := newTestClient(t, cfg)

	// Anonymous operations need no credentials at all.
	_, err := c.AssumeRoleWithOIDC(new(sts.AssumeRoleWithOIDCRequest).SetRoleArn(testRole).
		SetOIDCProviderArn("acs:ram::1234567890123456:oidc-provider/ack").SetOIDCToken("a.b.c"))
	require.NoError(t, err)

	// A signed one takes them from the environment, through credentials-go's chain.
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", testKeyID)
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", testSecret)
	rs.reply = replyFile(t, 200, "get_caller_identity.json")
	_, err = c.GetCallerIdentity()
	require.NoError(t, err)
	require.Equal(t, testKeyID, rs.last().keyID)
}
