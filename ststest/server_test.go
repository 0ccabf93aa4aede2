package ststest_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/alibabacloud-go/tea/dara"
	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts"
	"github.com/stsgo/sts/internal/servicecheck"
	"github.com/stsgo/sts/ststest"
)

var algorithms = []string{"", "ACS3-HMAC-SM3", "v2"}

func clientFor(t *testing.T, srv *ststest.Server, cfg *sts.Config, alg string, opts ...sts.Option) *sts.Client {
	t.Helper()
	if alg != "" {
		cfg.SignatureAlgorithm = dara.String(alg)
	}
	opts = append([]sts.Option{sts.WithRetryPolicy(sts.RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond})}, opts...)
	c, err := sts.NewClient(cfg, opts...)
	require.NoError(t, err)
	return c
}

func assume(c *sts.Client, roleArn, session string) (*sts.AssumeRoleResponse, error) {
	return c.AssumeRole(new(sts.AssumeRoleRequest).SetRoleArn(roleArn).SetRoleSessionName(session))
}

var requireCode = servicecheck.RequireCode

// TestAssumeRoleAndChain assumes the fixture role as the user, then uses the issued
// credentials as a caller: GetCallerIdentity, and a second role trusted by the first.
func TestAssumeRoleAndChain(t *testing.T) {
	for _, alg := range algorithms {
		t.Run(alg, func(t *testing.T) {
			srv := ststest.NewServer()
			defer srv.Close()
			second := srv.AddRole(ststest.DefaultAccountID, "second", ststest.TrustPrincipal(srv.Role().Arn))
			c := clientFor(t, srv, srv.Config(), alg)

			id, err := c.GetCallerIdentity()
			require.NoError(t, err)
			require.Equal(t, "RAMUser", *id.Body.IdentityType)
			require.Equal(t, srv.User().Arn, *id.Body.Arn)
			require.Equal(t, srv.User().UserId, *id.Body.UserId)

			before := time.Now()
			resp, err := c.AssumeRole(new(sts.AssumeRoleRequest).SetRoleArn(srv.Role().Arn).SetRoleSessionName("alice").
				SetDurationSeconds(900).SetSourceIdentity("alice@example.com").SetPolicy(`{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:GetObject","Resource":"*"}]}`))
			require.NoError(t, err)
			after := time.Now()
			creds := resp.Body.Credentials
			require.Regexp(t, `^STS\.`, *creds.AccessKeyId)
			require.Equal(t, "acs:ram::"+ststest.DefaultAccountID+":assumed-role/test-role/alice", *resp.Body.AssumedRoleUser.Arn)
			require.Equal(t, "alice@example.com", *resp.Body.SourceIdentity)
			exp, err := creds.ExpirationTime()
			require.NoError(t, err)
			// 15 minutes from when the fake answered, in whole seconds: however long the
			// call took on a loaded machine.
			require.False(t, exp.Before(before.Add(15*time.Minute).Truncate(time.Second)), "expires %s, asked at %s", exp, before)
			require.False(t, exp.After(after.Add(15*time.Minute)), "expires %s, answered by %s", exp, after)

			session := clientFor(t, srv, srv.ConfigFor(*creds.AccessKeyId, *creds.AccessKeySecret, *creds.SecurityToken), alg)
			id, err = session.GetCallerIdentity()
			require.NoError(t, err)
			require.Equal(t, "AssumedRoleUser", *id.Body.IdentityType)
			require.Equal(t, srv.Role().RoleId, *id.Body.RoleId)

			chained, err := assume(session, second.Arn, "hop2")
			require.NoError(t, err)
			hop := chained.Body.Credentials
			id, err = clientFor(t, srv, srv.ConfigFor(*hop.AccessKeyId, *hop.AccessKeySecret, *hop.SecurityToken), alg).GetCallerIdentity()
			require.NoError(t, err)
			require.Equal(t, second.RoleId, *id.Body.RoleId)

			_, err = assume(session, srv.Role().Arn, "again")
			requireCode(t, err, 403, "NoPermission") // the role does not trust itself
		})
	}
}

func TestAuthenticationErrors(t *testing.T) {
	now := time.Now()
	clock := func() time.Time { return now }
	srv := ststest.NewServer(ststest.WithClock(clock))
	defer srv.Close()
	root := srv.AddAccount("2222222222222222")
	user := srv.User()
	issued, err := assume(clientFor(t, srv, srv.Config(), "", sts.WithClock(clock)), srv.Role().Arn, "s1")
	require.NoError(t, err)
	creds := issued.Body.Credentials

	tests := []struct {
		name   string
		cfg    *sts.Config
		opts   []sts.Option
		status int
		code   string
	}{
		{"wrong secret", srv.ConfigFor(user.AccessKeyId, "wrong-secret", ""), nil, 400, "SignatureDoesNotMatch"},
		{"unknown key", srv.ConfigFor("LTAIunknown", "x", ""), nil, 404, "InvalidAccessKeyId.NotFound"},
		{"stale timestamp", srv.Config(), []sts.Option{sts.WithClock(func() time.Time { return now.Add(-20 * time.Minute) }), sts.WithClockSkewCorrection(false)}, 400, "InvalidTimeStamp.Expired"},
		{"future timestamp", srv.Config(), []sts.Option{sts.WithClock(func() time.Time { return now.Add(20 * time.Minute) }), sts.WithClockSkewCorrection(false)}, 400, "InvalidTimeStamp.Expired"},
		{"session key without token", srv.ConfigFor(*creds.AccessKeyId, *creds.AccessKeySecret, ""), nil, 400, "MissingSecurityToken"},
		{"session key with another token", srv.ConfigFor(*creds.AccessKeyId, *creds.AccessKeySecret, "CAISforged"), nil, 400, "InvalidSecurityToken.MismatchWithAccessKey"},
		{"root key", srv.ConfigFor(root.AccessKeyId, root.AccessKeySecret, ""), nil, 403, "NoPermission"},
	}
	for _, tc := range tests {
		for _, alg := range algorithms {
			t.Run(tc.name+"/"+alg, func(t *testing.T) {
				cfg := *tc.cfg
				c := clientFor(t, srv, &cfg, alg, append([]sts.Option{sts.WithClock(clock)}, tc.opts...)...)
				_, err := assume(c, srv.Role().Arn, "s2")
				requireCode(t, err, tc.status, tc.code)
			})
		}
	}
}

func TestReplayedNonce(t *testing.T) {
	srv := ststest.NewServer()
	defer srv.Close()
	for _, alg := range algorithms {
		t.Run(alg, func(t *testing.T) {
			nonce := "fixed-nonce-" + alg
			c := clientFor(t, srv, srv.Config(), alg, sts.WithNonceSource(func() string { return nonce }))
			_, err := c.GetCallerIdentity()
			require.NoError(t, err)
			_, err = c.GetCallerIdentity()
			requireCode(t, err, 400, "SignatureNonceUsed")
		})
	}
}

func TestRootIdentity(t *testing.T) {
	srv := ststest.NewServer()
	defer srv.Close()
	root := srv.AddAccount("2222222222222222")
	id, err := clientFor(t, srv, srv.ConfigFor(root.AccessKeyId, root.AccessKeySecret, ""), "").GetCallerIdentity()
	require.NoError(t, err)
	require.Equal(t, "Account", *id.Body.IdentityType)
	require.Equal(t, "acs:ram::2222222222222222:root", *id.Body.Arn)
}

// TestIssuedCredentialsExpire moves the server's clock past the credentials' expiry.
func TestIssuedCredentialsExpire(t *testing.T) {
	now := time.Now()
	clock := func() time.Time { return now }
	srv := ststest.NewServer(ststest.WithClock(clock))
	defer srv.Close()
	resp, err := assume(clientFor(t, srv, srv.Config(), "", sts.WithClock(clock)), srv.Role().Arn, "short")
	require.NoError(t, err)
	c := resp.Body.Credentials
	session := clientFor(t, srv, srv.ConfigFor(*c.AccessKeyId, *c.AccessKeySecret, *c.SecurityToken), "", sts.WithClock(func() time.Time { return now }))
	_, err = session.GetCallerIdentity()
	require.NoError(t, err)
	now = now.Add(time.Hour + time.Second)
	_, err = session.GetCallerIdentity()
	requireCode(t, err, 400, "InvalidSecurityToken.Expired")
}

func TestAssumeRoleRules(t *testing.T) {
	srv := ststest.NewServer()
	defer srv.Close()
	stranger := srv.AddUser(ststest.DefaultAccountID, "stranger")
	guarded := srv.AddRole(ststest.DefaultAccountID, "guarded", ststest.TrustPrincipal("acs:ram::"+ststest.DefaultAccountID+":root"),
		ststest.RequireExternalId("ext-123"), ststest.MaxSessionDuration(2*time.Hour))
	c := clientFor(t, srv, srv.Config(), "")
	tests := []struct {
		name   string
		client *sts.Client
		req    *sts.AssumeRoleRequest
		status int
		code   string
	}{
		{"untrusted user", clientFor(t, srv, srv.ConfigFor(stranger.AccessKeyId, stranger.AccessKeySecret, ""), ""),
			new(sts.AssumeRoleRequest).SetRoleArn(srv.Role().Arn).SetRoleSessionName("x1"), 403, "NoPermission"},
		{"unknown role", c, new(sts.AssumeRoleRequest).SetRoleArn("acs:ram::" + ststest.DefaultAccountID + ":role/nope").SetRoleSessionName("x1"), 404, "EntityNotExist.Role"},
		{"policy not json", c, new(sts.AssumeRoleRequest).SetRoleArn(srv.Role().Arn).SetRoleSessionName("x1").SetPolicy("{not json"), 400, "InvalidParameter.PolicyGrammar"},
		{"longer than the role allows", c, new(sts.AssumeRoleRequest).SetRoleArn(srv.Role().Arn).SetRoleSessionName("x1").SetDurationSeconds(7200), 400, "InvalidParameter.DurationSeconds"},
		{"external id missing", c, new(sts.AssumeRoleRequest).SetRoleArn(guarded.Arn).SetRoleSessionName("x1"), 403, "NoPermission"},
		{"external id wrong", c, new(sts.AssumeRoleRequest).SetRoleArn(guarded.Arn).SetRoleSessionName("x1").SetExternalId("ext-999"), 403, "NoPermission"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.client.AssumeRole(tc.req)
			requireCode(t, err, tc.status, tc.code)
		})
	}
	// The account-wide trust and the right external ID let the stranger in, for two hours.
	resp, err := clientFor(t, srv, srv.ConfigFor(stranger.AccessKeyId, stranger.AccessKeySecret, ""), "").
		AssumeRole(new(sts.AssumeRoleRequest).SetRoleArn(guarded.Arn).SetRoleSessionName("x1").SetExternalId("ext-123").SetDurationSeconds(7200))
	require.NoError(t, err)
	require.NotNil(t, resp.Body.Credentials)
}

func TestAssumeRoleWithOIDC(t *testing.T) {
	now := time.Now()
	srv := ststest.NewServer(ststest.WithClock(func() time.Time { return now }))
	defer srv.Close()
	provider := srv.AddOIDCProvider(ststest.DefaultAccountID, "ack", "https://oidc.example.com/cluster", "sts.aliyuncs.com")
	srv.Trust(srv.Role().Arn, provider.Arn)
	other := srv.AddRole(ststest.DefaultAccountID, "untrusting")
	anon, err := sts.NewClient(&sts.Config{Endpoint: dara.String(srv.Endpoint()), Protocol: dara.String("HTTP")})
	require.NoError(t, err)
	req := func(role, token string) *sts.AssumeRoleWithOIDCRequest {
		return new(sts.AssumeRoleWithOIDCRequest).SetRoleArn(role).SetOIDCProviderArn(provider.Arn).SetOIDCToken(token).SetRoleSessionName("pod")
	}

	resp, err := anon.AssumeRoleWithOIDC(req(srv.Role().Arn, provider.Token("system:serviceaccount:default:app")))
	require.NoError(t, err)
	require.Equal(t, "system:serviceaccount:default:app", *resp.Body.OIDCTokenInfo.Subject)
	require.Equal(t, "https://oidc.example.com/cluster", *resp.Body.OIDCTokenInfo.Issuer)
	require.Equal(t, "sts.aliyuncs.com", *resp.Body.OIDCTokenInfo.ClientIds)
	c := resp.Body.Credentials
	id, err := clientFor(t, srv, srv.ConfigFor(*c.AccessKeyId, *c.AccessKeySecret, *c.SecurityToken), "", sts.WithClock(func() time.Time { return now })).GetCallerIdentity()
	require.NoError(t, err)
	require.Equal(t, "AssumedRoleUser", *id.Body.IdentityType)

	tests := []struct {
		name, role, token string
		status            int
		code              string
	}{
		{"expired", srv.Role().Arn, provider.Token("a", ststest.Expiry(now.Add(-time.Minute))), 401, "AuthenticationFail.OIDCToken.Expired"},
		{"wrong audience", srv.Role().Arn, provider.Token("a", ststest.Audience("someone-else")), 401, "AuthenticationFail.OIDCToken.AudienceNotMatch"},
		{"wrong issuer", srv.Role().Arn, provider.Token("a", ststest.Issuer("https://evil.example.com")), 401, "AuthenticationFail.OIDCToken.IssuerNotMatch"},
		{"forged signature", srv.Role().Arn, provider.Token("a", ststest.SignedByAnotherKey()), 401, "AuthenticationFail.OIDCToken.InvalidSignature"},
		{"not a jwt", srv.Role().Arn, "not-a-jwt", 401, "AuthenticationFail.OIDCToken.Invalid"},
		{"role does not trust the provider", other.Arn, provider.Token("a"), 401, "AuthenticationFail.NoPermission"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := anon.AssumeRoleWithOIDC(req(tc.role, tc.token))
			requireCode(t, err, tc.status, tc.code)
		})
	}
}

func TestFaults(t *testing.T) {
	srv := ststest.NewServer()
	defer srv.Close()
	c := clientFor(t, srv, srv.Config(), "")

	srv.Inject(ststest.Fault{Kind: ststest.Throttle, Times: 2, RetryAfter: time.Millisecond})
	_, err := c.GetCallerIdentity()
	require.NoError(t, err, "two throttled attempts, the third succeeds")
	require.Equal(t, 3, srv.RequestCount("GetCallerIdentity"))

	srv.Inject(ststest.Fault{Kind: ststest.ServerError, Times: 3})
	_, err = c.GetCallerIdentity()
	requireCode(t, err, 500, "InternalError")

	srv.Inject(ststest.Fault{Kind: ststest.Unavailable, Action: "AssumeRole"})
	_, err = c.GetCallerIdentity()
	require.NoError(t, err, "the fault waits for its action")
	_, err = assume(c, srv.Role().Arn, "after-503")
	require.NoError(t, err, "one 503, then a retry")

	for kind, check := range map[ststest.FaultKind]func(error) bool{
		ststest.Drop:     func(err error) bool { var te *sts.TransportError; return errors.As(err, &te) },
		ststest.Truncate: func(err error) bool { var te *sts.TransportError; return errors.As(err, &te) },
		ststest.NotJSON: func(err error) bool {
			var se *sts.ServiceError
			return errors.As(err, &se) && se.StatusCode == 502
		},
	} {
		srv.Inject(ststest.Fault{Kind: kind, Times: 3})
		_, err = c.GetCallerIdentity()
		require.True(t, check(err), "fault %d: %v", kind, err)
	}

	srv.Inject(ststest.Fault{Kind: ststest.Latency, Latency: time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = c.GetCallerIdentityWithContext(ctx, nil)
	require.ErrorIs(t, err, context.DeadlineExceeded)

	var codes []string
	for _, r := range srv.Requests() {
		codes = append(codes, r.Code)
	}
	require.Contains(t, codes, "Throttling.User")
	require.Contains(t, codes, "Dropped")
}

// TestV1SignatureMismatchQuotesStringToSign checks that a V1 signature that does not
// match is answered as real STS answers it: the message ends with the string to sign
// the server computed, which official clients read to diagnose a wrong secret. The
// ACS3 message stays as it is.
func TestV1SignatureMismatchQuotesStringToSign(t *testing.T) {
	srv := ststest.NewServer()
	defer srv.Close()
	wrong := func() *sts.Config { return srv.ConfigFor(srv.User().AccessKeyId, "wrong-secret", "") }
	c := clientFor(t, srv, wrong(), "v2", sts.WithNonceSource(func() string { return "the-nonce" }))
	_, err := c.GetCallerIdentity()
	requireCode(t, err, 400, "SignatureDoesNotMatch")
	var se *sts.ServiceError
	require.ErrorAs(t, err, &se)
	const marker = " server string to sign is:"
	_, stringToSign, found := strings.Cut(se.Message, marker)
	require.True(t, found, se.Message)
	require.True(t, strings.HasPrefix(stringToSign, "POST&%2F&AccessKeyId%3D"+srv.User().AccessKeyId+"%26Action%3DGetCallerIdentity%26"), stringToSign)
	require.Contains(t, stringToSign, "SignatureNonce%3Dthe-nonce")
	require.NotContains(t, stringToSign, "Signature%3D", "the signature itself is not signed")

	c = clientFor(t, srv, wrong(), "")
	_, err = c.GetCallerIdentity()
	requireCode(t, err, 400, "SignatureDoesNotMatch")
	require.NotContains(t, err.Error(), marker)
}
