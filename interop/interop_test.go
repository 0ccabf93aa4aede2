package interop

import (
	"strings"
	"testing"

	official "github.com/alibabacloud-go/sts-20150401/v2/client"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/alibabacloud-go/tea/tea"
	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts/ststest"
	"github.com/stsgo/sts/ststest/samlidp"
)

// officialClient builds the official SDK's client, unchanged, for the fake server.
func officialClient(t testing.TB, srv *ststest.Server, id, secret, token, algorithm string) *official.Client {
	t.Helper()
	cfg := srv.ConfigFor(id, secret, token) // sts.Config is darabonba-openapi's Config
	if algorithm != "" {
		cfg.SignatureAlgorithm = dara.String(algorithm)
	}
	c, err := official.NewClient(cfg)
	require.NoError(t, err)
	return c
}

// requireOfficialCode checks the code in the official SDK's error.
func requireOfficialCode(t *testing.T, err error, code string, status int) {
	t.Helper()
	require.Error(t, err)
	var sdkErr *tea.SDKError
	require.ErrorAs(t, err, &sdkErr, "%T %v", err, err)
	require.Equal(t, code, tea.StringValue(sdkErr.Code), "%v", err)
	require.Equal(t, status, tea.IntValue(sdkErr.StatusCode))
}

var signatures = []string{"", "ACS3-HMAC-SM3", "v2"}

// TestOfficialClientAgainstFake proves the fake faithful: the official SDK's own
// requests verify, with its default ACS3 signature and with V1, as a RAM user and with
// issued STS credentials, for every operation the fake serves.
func TestOfficialClientAgainstFake(t *testing.T) {
	for _, alg := range signatures {
		t.Run("signature="+alg, func(t *testing.T) {
			srv := ststest.NewServer()
			defer srv.Close()
			provider := srv.AddOIDCProvider(ststest.DefaultAccountID, "ack", "https://oidc.example.com", "sts.aliyuncs.com")
			idp := samlidp.Register(srv, ststest.DefaultAccountID, "adfs", "https://idp.example.com")
			srv.Trust(srv.Role().Arn, provider.Arn, idp.Arn)
			user := srv.User()
			c := officialClient(t, srv, user.AccessKeyId, user.AccessKeySecret, "", alg)

			id, err := c.GetCallerIdentity()
			require.NoError(t, err)
			require.Equal(t, "RAMUser", dara.StringValue(id.Body.IdentityType))
			require.Equal(t, user.Arn, dara.StringValue(id.Body.Arn))

			resp, err := c.AssumeRole(new(official.AssumeRoleRequest).SetRoleArn(srv.Role().Arn).
				SetRoleSessionName("official").SetDurationSeconds(900).SetPolicy(`{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:*","Resource":"*"}]}`))
			require.NoError(t, err)
			creds := resp.Body.Credentials
			require.True(t, strings.HasPrefix(dara.StringValue(creds.AccessKeyId), "STS."))

			session := officialClient(t, srv, *creds.AccessKeyId, *creds.AccessKeySecret, *creds.SecurityToken, alg)
			id, err = session.GetCallerIdentity()
			require.NoError(t, err, "issued credentials sign the official client's requests")
			require.Equal(t, "AssumedRoleUser", dara.StringValue(id.Body.IdentityType))
			require.Equal(t, srv.Role().RoleId, dara.StringValue(id.Body.RoleId))

			oidc, err := c.AssumeRoleWithOIDC(new(official.AssumeRoleWithOIDCRequest).SetRoleArn(srv.Role().Arn).
				SetOIDCProviderArn(provider.Arn).SetOIDCToken(provider.Token("system:serviceaccount:default:app")).SetRoleSessionName("pod"))
			require.NoError(t, err)
			require.Equal(t, "system:serviceaccount:default:app", dara.StringValue(oidc.Body.OIDCTokenInfo.Subject))

			saml, err := c.AssumeRoleWithSAML(new(official.AssumeRoleWithSAMLRequest).SetRoleArn(srv.Role().Arn).
				SetSAMLProviderArn(idp.Arn).SetSAMLAssertion(idp.Assertion("alice@example.com", srv.Role().Arn)))
			require.NoError(t, err)
			require.Equal(t, "alice@example.com", dara.StringValue(saml.Body.SAMLAssertionInfo.Subject))
		})
	}
}

// TestOfficialClientErrors checks the real error codes reach the official client.
func TestOfficialClientErrors(t *testing.T) {
	for _, alg := range signatures {
		t.Run("signature="+alg, func(t *testing.T) {
			srv := ststest.NewServer()
			defer srv.Close()
			user := srv.User()
			role := srv.Role().Arn
			req := func() *official.AssumeRoleRequest {
				return new(official.AssumeRoleRequest).SetRoleArn(role).SetRoleSessionName("official")
			}

			_, err := officialClient(t, srv, user.AccessKeyId, "wrong-secret", "", alg).AssumeRole(req())
			requireOfficialCode(t, err, "SignatureDoesNotMatch", 400)

			_, err = officialClient(t, srv, "LTAIunknownkey", user.AccessKeySecret, "", alg).AssumeRole(req())
			requireOfficialCode(t, err, "InvalidAccessKeyId.NotFound", 404)

			c := officialClient(t, srv, user.AccessKeyId, user.AccessKeySecret, "", alg)
			_, err = c.AssumeRole(req().SetRoleSessionName("has spaces"))
			requireOfficialCode(t, err, "InvalidParameter.RoleSessionName", 400)

			_, err = c.AssumeRole(req().SetDurationSeconds(100))
			requireOfficialCode(t, err, "InvalidParameter.DurationSeconds", 400)

			_, err = c.AssumeRole(req().SetPolicy("{not json"))
			requireOfficialCode(t, err, "InvalidParameter.PolicyGrammar", 400)

			_, err = c.AssumeRole(req().SetRoleArn("acs:ram::" + ststest.DefaultAccountID + ":role/missing"))
			requireOfficialCode(t, err, "EntityNotExist.Role", 404)

			_, err = c.AssumeRole(new(official.AssumeRoleRequest).SetRoleSessionName("official"))
			requireOfficialCode(t, err, "MissingParameter", 400)
		})
	}
}
