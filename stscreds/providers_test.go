package stscreds_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts"
	"github.com/stsgo/sts/stscreds"
	"github.com/stsgo/sts/ststest"
)

// clientWith is a client of srv that signs with a provider's credentials.
func clientWith(t *testing.T, srv *ststest.Server, p sts.ContextCredential) *sts.Client {
	t.Helper()
	c, err := sts.NewClient(&sts.Config{Credential: p, Endpoint: dara.String(srv.Endpoint()), Protocol: dara.String("HTTP")}, once)
	require.NoError(t, err)
	return c
}

// TestRoleChaining goes two roles deep: the user assumes A; A's credentials assume B.
func TestRoleChaining(t *testing.T) {
	srv := ststest.NewServer()
	defer srv.Close()
	roleB := srv.AddRole(ststest.DefaultAccountID, "role-b", ststest.TrustPrincipal(srv.Role().Arn))
	roleC := srv.AddRole(ststest.DefaultAccountID, "role-c", ststest.TrustPrincipal(roleB.Arn))

	a := mustAssumeRole(t, userClient(t, srv, nil), srv.Role().Arn)
	b := mustAssumeRole(t, clientWith(t, srv, a), roleB.Arn)
	c := mustAssumeRole(t, clientWith(t, srv, b), roleC.Arn, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = "deep"
	})

	id, err := clientWith(t, srv, c).GetCallerIdentity()
	require.NoError(t, err)
	require.Equal(t, roleC.RoleId, *id.Body.RoleId)
	require.Equal(t, "acs:ram::"+ststest.DefaultAccountID+":assumed-role/role-c/deep", *id.Body.Arn)
	require.Equal(t, 3, srv.RequestCount("AssumeRole"))

	_, err = clientWith(t, srv, c).GetCallerIdentity()
	require.NoError(t, err)
	require.Equal(t, 3, srv.RequestCount("AssumeRole"), "every level is cached")
}

// TestDarabonbaClientAcceptsProvider gives a provider to darabonba-openapi's own
// client, which every generated Alibaba Cloud SDK is built on.
func TestDarabonbaClientAcceptsProvider(t *testing.T) {
	srv := ststest.NewServer()
	defer srv.Close()
	p := mustAssumeRole(t, userClient(t, srv, nil), srv.Role().Arn)
	for _, alg := range []string{"", "v2"} {
		cfg := &openapi.Config{Credential: p, Endpoint: dara.String(srv.Endpoint()), Protocol: dara.String("HTTP")}
		if alg != "" {
			cfg.SignatureAlgorithm = dara.String(alg)
		}
		client, err := openapi.NewClient(cfg)
		require.NoError(t, err)
		params := &openapiutil.Params{Action: dara.String("GetCallerIdentity"), Version: dara.String("2015-04-01"),
			Protocol: dara.String("HTTP"), Pathname: dara.String("/"), Method: dara.String("POST"), AuthType: dara.String("AK"),
			Style: dara.String("RPC"), ReqBodyType: dara.String("formData"), BodyType: dara.String("json")}
		out, err := client.CallApi(params, &openapiutil.OpenApiRequest{}, &dara.RuntimeOptions{})
		require.NoError(t, err, alg)
		body := out["body"].(map[string]any)
		require.Equal(t, "AssumedRoleUser", body["IdentityType"], alg)
	}
}

// TestOIDCTokenFileIsReadAtEveryRefresh rotates the token file between refreshes.
func TestOIDCTokenFileIsReadAtEveryRefresh(t *testing.T) {
	srv := ststest.NewServer()
	defer srv.Close()
	idp := srv.AddOIDCProvider(ststest.DefaultAccountID, "ack", "https://oidc.example.com", "sts.aliyuncs.com")
	srv.Trust(srv.Role().Arn, idp.Arn)
	file := filepath.Join(t.TempDir(), "token")
	write := func(s string) { require.NoError(t, os.WriteFile(file, []byte(s+"\n"), 0o600)) }

	anon, err := sts.NewClient(&sts.Config{Endpoint: dara.String(srv.Endpoint()), Protocol: dara.String("HTTP")}, once)
	require.NoError(t, err)
	p := mustOIDC(t, anon, srv.Role().Arn, idp.Arn, stscreds.TokenFile(file),
		func(o *stscreds.OIDCOptions) { o.Cache.RetryBackoff = 1 })
	ctx := context.Background()

	write(idp.Token("system:serviceaccount:default:app"))
	first, err := p.Retrieve(ctx)
	require.NoError(t, err)
	require.Equal(t, "stscreds.OIDC", first.Source)

	write("garbage") // the file is read again: the next refresh fails on it
	p.Invalidate()
	_, err = p.Retrieve(ctx)
	require.ErrorContains(t, err, "AuthenticationFail.OIDCToken.Invalid")

	write(idp.Token("system:serviceaccount:default:app"))
	p.Invalidate()
	second, err := p.Retrieve(ctx)
	require.NoError(t, err)
	require.NotEqual(t, first.AccessKeyId, second.AccessKeyId)
	require.Equal(t, 3, srv.RequestCount("AssumeRoleWithOIDC"), "three calls, the second refused")
}

func TestOIDCProviderFromEnv(t *testing.T) {
	srv := ststest.NewServer()
	defer srv.Close()
	idp := srv.AddOIDCProvider(ststest.DefaultAccountID, "ack", "https://oidc.example.com", "sts.aliyuncs.com")
	srv.Trust(srv.Role().Arn, idp.Arn)
	file := filepath.Join(t.TempDir(), "token")
	require.NoError(t, os.WriteFile(file, []byte(idp.Token("system:serviceaccount:ns:sa")), 0o600))
	cfg := &sts.Config{Endpoint: dara.String(srv.Endpoint()), Protocol: dara.String("HTTP")}

	t.Setenv(stscreds.EnvRoleArn, srv.Role().Arn)
	t.Setenv(stscreds.EnvOIDCProviderArn, idp.Arn)
	t.Setenv(stscreds.EnvOIDCTokenFile, "")
	_, err := stscreds.NewOIDCProviderFromEnv(cfg)
	require.ErrorContains(t, err, stscreds.EnvOIDCTokenFile)

	t.Setenv(stscreds.EnvOIDCTokenFile, file)
	t.Setenv(stscreds.EnvRoleSessionName, "from-env")
	p, err := stscreds.NewOIDCProviderFromEnv(cfg)
	require.NoError(t, err)
	id, err := clientWith(t, srv, p).GetCallerIdentity()
	require.NoError(t, err)
	require.Equal(t, "acs:ram::"+ststest.DefaultAccountID+":assumed-role/test-role/from-env", *id.Body.Arn)
}

func TestCredentialsGoAdapters(t *testing.T) {
	srv := ststest.NewServer()
	defer srv.Close()
	p := mustAssumeRole(t, userClient(t, srv, nil), srv.Role().Arn)
	m, err := p.GetCredential()
	require.NoError(t, err)
	creds, err := p.Retrieve(context.Background())
	require.NoError(t, err)
	require.Equal(t, creds.AccessKeyId, *m.AccessKeyId)
	require.Equal(t, creds.AccessKeySecret, *m.AccessKeySecret)
	require.Equal(t, creds.SecurityToken, *m.SecurityToken)
	require.Equal(t, "sts", *m.Type)
	require.Equal(t, "stscreds.AssumeRole", *m.ProviderName)

	pc, err := p.GetCredentials()
	require.NoError(t, err)
	require.Equal(t, creds.AccessKeyId, pc.AccessKeyId)
	require.Equal(t, "stscreds.AssumeRole", p.GetProviderName())
	id, _ := p.GetAccessKeyId()
	secret, _ := p.GetAccessKeySecret()
	token, _ := p.GetSecurityToken()
	require.Equal(t, []string{creds.AccessKeyId, creds.AccessKeySecret, creds.SecurityToken}, []string{*id, *secret, *token})
	require.Equal(t, "sts", *p.GetType())
	require.Empty(t, *p.GetBearerToken())
}

func TestProviderErrorsSurface(t *testing.T) {
	srv := ststest.NewServer()
	defer srv.Close()
	p := mustAssumeRole(t, userClient(t, srv, nil), "acs:ram::"+ststest.DefaultAccountID+":role/missing")
	_, err := p.Retrieve(context.Background())
	var se *sts.ServiceError
	require.ErrorAs(t, err, &se)
	require.Equal(t, "EntityNotExist.Role", se.Code)

	// Mistakes in the arguments are refused by the constructors, naming the field.
	client := userClient(t, srv, nil)
	_, err = stscreds.NewAssumeRoleProvider(client, srv.Role().Arn, func(o *stscreds.AssumeRoleOptions) { o.RoleSessionName = "has spaces" })
	var ve *sts.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "AssumeRoleRequest.RoleSessionName", ve.Field)
	_, err = stscreds.NewAssumeRoleProvider(client, "arn:aws:iam::1:role/x")
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "AssumeRoleRequest.RoleArn", ve.Field)
	_, err = stscreds.NewAssumeRoleProvider(client, srv.Role().Arn, func(o *stscreds.AssumeRoleOptions) { o.Cache.RefreshTimeout = -time.Second })
	require.ErrorContains(t, err, "CacheOptions.RefreshTimeout")
	_, err = stscreds.NewAssumeRoleProvider(nil, srv.Role().Arn)
	require.ErrorContains(t, err, "needs a client")
	_, err = stscreds.NewOIDCProvider(client, srv.Role().Arn, "acs:ram::1:oidc-provider/p", nil)
	require.ErrorContains(t, err, "TokenSource")
	_, err = stscreds.NewOIDCProvider(client, srv.Role().Arn, "acs:ram::1:role/p", stscreds.TokenFile("/dev/null"))
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "AssumeRoleWithOIDCRequest.OIDCProviderArn", ve.Field)
}
