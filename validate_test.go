package sts_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts"
)

// fieldsOf lists the Field of every ValidationError joined in err.
func fieldsOf(err error) []string {
	var out []string
	var walk func(error)
	walk = func(e error) {
		var ve *sts.ValidationError
		if errors.As(e, &ve) && ve == e {
			out = append(out, ve.Field)
		}
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				walk(x)
			}
		}
	}
	walk(err)
	return out
}

func TestValidation(t *testing.T) {
	ok := func() *sts.AssumeRoleRequest {
		return new(sts.AssumeRoleRequest).SetRoleArn(testRole).SetRoleSessionName("alice")
	}
	okOIDC := func() *sts.AssumeRoleWithOIDCRequest {
		return new(sts.AssumeRoleWithOIDCRequest).SetRoleArn(testRole).
			SetOIDCProviderArn("acs:ram::1234567890123456:oidc-provider/ack").SetOIDCToken("a.b.c")
	}
	okSAML := func() *sts.AssumeRoleWithSAMLRequest {
		return new(sts.AssumeRoleWithSAMLRequest).SetRoleArn(testRole).
			SetSAMLProviderArn("acs:ram::1234567890123456:saml-provider/adfs").SetSAMLAssertion("PHNhbWw+")
	}
	var nilRole *sts.AssumeRoleRequest
	tests := []struct {
		name string
		req  interface{ Validate() error }
		want []string // offending fields; none means valid
	}{
		{"valid", ok(), nil},
		{"valid with every field", ok().SetDurationSeconds(900).SetPolicy(`{"Version":"1"}`).SetExternalId("abc-123:/x").SetSourceIdentity("alice@example.com"), nil},
		{"nil request", nilRole, []string{"AssumeRoleRequest"}},
		{"empty request", new(sts.AssumeRoleRequest), []string{"AssumeRoleRequest.RoleArn", "AssumeRoleRequest.RoleSessionName"}},
		{"role arn shape", ok().SetRoleArn("arn:aws:iam::1:role/x"), []string{"AssumeRoleRequest.RoleArn"}},
		{"role arn account", ok().SetRoleArn("acs:ram::abc:role/x"), []string{"AssumeRoleRequest.RoleArn"}},
		{"role arn without name", ok().SetRoleArn("acs:ram::123:role/"), []string{"AssumeRoleRequest.RoleArn"}},
		{"session name too short", ok().SetRoleSessionName("a"), []string{"AssumeRoleRequest.RoleSessionName"}},
		{"session name too long", ok().SetRoleSessionName(strings.Repeat("a", 65)), []string{"AssumeRoleRequest.RoleSessionName"}},
		{"session name longest", ok().SetRoleSessionName(strings.Repeat("a", 64)), nil},
		{"session name characters", ok().SetRoleSessionName("alice smith"), []string{"AssumeRoleRequest.RoleSessionName"}},
		{"duration too short", ok().SetDurationSeconds(899), []string{"AssumeRoleRequest.DurationSeconds"}},
		{"duration too long", ok().SetDurationSeconds(43201), []string{"AssumeRoleRequest.DurationSeconds"}},
		{"duration longest", ok().SetDurationSeconds(43200), nil},
		{"empty policy", ok().SetPolicy(""), []string{"AssumeRoleRequest.Policy"}},
		{"policy too long", ok().SetPolicy(strings.Repeat("x", 2049)), []string{"AssumeRoleRequest.Policy"}},
		{"policy counts characters", ok().SetPolicy(strings.Repeat("é", 2048)), nil},
		{"external id characters", ok().SetExternalId("a b"), []string{"AssumeRoleRequest.ExternalId"}},
		{"external id too short", ok().SetExternalId("a"), []string{"AssumeRoleRequest.ExternalId"}},
		{"source identity prefix", ok().SetSourceIdentity("acs:alice"), []string{"AssumeRoleRequest.SourceIdentity"}},
		{"source identity prefix any case", ok().SetSourceIdentity("Aliyun:alice"), []string{"AssumeRoleRequest.SourceIdentity"}},
		{"two broken fields", ok().SetRoleSessionName("x").SetDurationSeconds(1), []string{"AssumeRoleRequest.DurationSeconds", "AssumeRoleRequest.RoleSessionName"}},
		{"oidc valid", okOIDC(), nil},
		{"oidc valid with session", okOIDC().SetRoleSessionName("pod-1"), nil},
		{"oidc missing token", new(sts.AssumeRoleWithOIDCRequest).SetRoleArn(testRole).SetOIDCProviderArn("acs:ram::1:oidc-provider/x"), []string{"AssumeRoleWithOIDCRequest.OIDCToken"}},
		{"oidc token too long", okOIDC().SetOIDCToken(strings.Repeat("a", 20001)), []string{"AssumeRoleWithOIDCRequest.OIDCToken"}},
		{"oidc provider is a saml provider", okOIDC().SetOIDCProviderArn("acs:ram::1:saml-provider/x"), []string{"AssumeRoleWithOIDCRequest.OIDCProviderArn"}},
		{"saml valid", okSAML(), nil},
		{"saml assertion too short", okSAML().SetSAMLAssertion("abc"), []string{"AssumeRoleWithSAMLRequest.SAMLAssertion"}},
		{"saml missing provider", new(sts.AssumeRoleWithSAMLRequest).SetRoleArn(testRole).SetSAMLAssertion("PHNhbWw+"), []string{"AssumeRoleWithSAMLRequest.SAMLProviderArn"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.req.Validate()
			if tc.want == nil {
				require.NoError(t, err)
				return
			}
			require.ElementsMatch(t, tc.want, fieldsOf(err))
		})
	}
}

// TestValidationBeforeIO checks that an invalid request never reaches the network and
// that the error names the field but not the value.
func TestValidationBeforeIO(t *testing.T) {
	rs := newRefServer(t, replyFile(t, 200, "assume_role.json"))
	c := newTestClient(t, rs.config())
	_, err := c.AssumeRole(new(sts.AssumeRoleRequest).SetRoleArn(testRole).SetRoleSessionName("bad name!"))
	var ve *sts.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "AssumeRoleRequest.RoleSessionName", ve.Field)
	require.NotContains(t, err.Error(), "bad name!")
	_, err = c.AssumeRoleWithOIDC(new(sts.AssumeRoleWithOIDCRequest).SetRoleArn(testRole).SetOIDCProviderArn("x").SetOIDCToken("abc"))
	require.ErrorAs(t, err, &ve)
	_, err = c.AssumeRoleWithSAML(nil)
	require.ErrorAs(t, err, &ve)
	require.Zero(t, rs.calls.Load())
}
