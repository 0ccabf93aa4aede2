package samlidp_test

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/alibabacloud-go/tea/dara"
	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts"
	"github.com/stsgo/sts/internal/servicecheck"
	"github.com/stsgo/sts/ststest"
	"github.com/stsgo/sts/ststest/samlidp"
)

var requireCode = servicecheck.RequireCode

func TestAssumeRoleWithSAML(t *testing.T) {
	now := time.Now()
	srv := ststest.NewServer(ststest.WithClock(func() time.Time { return now }))
	defer srv.Close()
	idp := samlidp.Register(srv, ststest.DefaultAccountID, "adfs", "https://idp.example.com/metadata")
	srv.Trust(srv.Role().Arn, idp.Arn)
	other := srv.AddRole(ststest.DefaultAccountID, "untrusting")
	anon, err := sts.NewClient(&sts.Config{Endpoint: dara.String(srv.Endpoint()), Protocol: dara.String("HTTP")})
	require.NoError(t, err)
	req := func(role, assertion string) *sts.AssumeRoleWithSAMLRequest {
		return new(sts.AssumeRoleWithSAMLRequest).SetRoleArn(role).SetSAMLProviderArn(idp.Arn).SetSAMLAssertion(assertion)
	}

	resp, err := anon.AssumeRoleWithSAML(req(srv.Role().Arn, idp.Assertion("alice@example.com", srv.Role().Arn, samlidp.SessionName("alice"))))
	require.NoError(t, err)
	info := resp.Body.SAMLAssertionInfo
	require.Equal(t, "alice@example.com", *info.Subject)
	require.Equal(t, "persistent", *info.SubjectType)
	require.Equal(t, "https://idp.example.com/metadata", *info.Issuer)
	require.Equal(t, "https://signin.aliyun.com/saml-role/sso", *info.Recipient)
	require.Equal(t, "acs:ram::"+ststest.DefaultAccountID+":assumed-role/test-role/alice", *resp.Body.AssumedRoleUser.Arn)
	c := resp.Body.Credentials
	session, err := sts.NewClient(srv.ConfigFor(*c.AccessKeyId, *c.AccessKeySecret, *c.SecurityToken), sts.WithClock(func() time.Time { return now }))
	require.NoError(t, err)
	id, err := session.GetCallerIdentity()
	require.NoError(t, err)
	require.Equal(t, "AssumedRoleUser", *id.Body.IdentityType)

	role := srv.Role().Arn
	raw, err := base64.StdEncoding.DecodeString(idp.Assertion("alice", role))
	require.NoError(t, err)
	tampered := base64.StdEncoding.EncodeToString([]byte(strings.Replace(string(raw), ">alice<", ">mallory<", 1)))
	require.NotEqual(t, string(raw), tampered)
	tests := []struct {
		name, role, assertion string
		status                int
		code                  string
	}{
		{"international site", role, idp.Assertion("bob", role, samlidp.Audience("urn:alibaba:cloudcomputing:international"),
			samlidp.Recipient("https://signin.alibabacloud.com/saml-role/sso")), 200, ""},
		{"expired", role, idp.Assertion("bob", role, samlidp.Validity(now.Add(-time.Hour), now.Add(-time.Minute))), 401, "AuthenticationFail.SAMLAssertion.Expired"},
		{"not yet valid", role, idp.Assertion("bob", role, samlidp.Validity(now.Add(time.Minute), now.Add(time.Hour))), 401, "AuthenticationFail.SAMLAssertion.NotYetValid"},
		{"wrong issuer", role, idp.Assertion("bob", role, samlidp.Issuer("https://evil.example.com")), 401, "AuthenticationFail.SAMLAssertion.IssuerNotMatch"},
		{"wrong audience", role, idp.Assertion("bob", role, samlidp.Audience("urn:amazon:webservices")), 401, "AuthenticationFail.SAMLAssertion.AudienceNotMatch"},
		{"wrong recipient", role, idp.Assertion("bob", role, samlidp.Recipient("https://example.com/sso")), 401, "AuthenticationFail.SAMLAssertion.RecipientNotMatch"},
		{"forged signature", role, idp.Assertion("bob", role, samlidp.SignedByAnotherKey()), 401, "AuthenticationFail.SAMLAssertion.InvalidSignature"},
		{"subject changed after signing", role, tampered, 401, "AuthenticationFail.SAMLAssertion.InvalidSignature"},
		{"role not granted", role, idp.Assertion("bob", other.Arn), 401, "AuthenticationFail.SAMLAssertion.RoleNotMatch"},
		{"not saml", role, "bm90IHNhbWw=", 401, "AuthenticationFail.SAMLAssertion.Invalid"},
		{"role does not trust the provider", other.Arn, idp.Assertion("bob", other.Arn), 401, "AuthenticationFail.NoPermission"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := anon.AssumeRoleWithSAML(req(tc.role, tc.assertion))
			if tc.code == "" {
				require.NoError(t, err)
				return
			}
			requireCode(t, err, tc.status, tc.code)
		})
	}
}

// TestRegisterPanics holds Register's setup mistakes to ststest's panics.
func TestRegisterPanics(t *testing.T) {
	srv := ststest.NewServer()
	defer srv.Close()
	require.PanicsWithValue(t, "ststest: no account 42", func() { samlidp.Register(srv, "42", "adfs", "https://idp.example.com") })
	samlidp.Register(srv, ststest.DefaultAccountID, "adfs", "https://idp.example.com")
	require.PanicsWithValue(t, "ststest: SAML provider acs:ram::"+ststest.DefaultAccountID+":saml-provider/adfs exists",
		func() { samlidp.Register(srv, ststest.DefaultAccountID, "adfs", "https://idp.example.com") })
}
