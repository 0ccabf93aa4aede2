package ststest_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/alibabacloud-go/tea/dara"
	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts"
	"github.com/stsgo/sts/ststest"
)

// verifierFunc adapts a function to ststest.SAMLVerifier.
type verifierFunc func(assertion string, now time.Time) (*ststest.SAMLAssertionInfo, error)

func (f verifierFunc) VerifySAMLAssertion(assertion string, now time.Time) (*ststest.SAMLAssertionInfo, error) {
	return f(assertion, now)
}

// TestSAMLVerifier holds what the server does around a registered verifier: it hands
// the verifier the assertion as sent and its own clock, answers a *SAMLError with its
// code and message under 401, any other refusal as Invalid, grants the role only
// through a "role ARN,provider ARN" pair naming both, and names the session after the
// RoleSessionName attribute, else the subject.
func TestSAMLVerifier(t *testing.T) {
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	srv := ststest.NewServer(ststest.WithClock(func() time.Time { return now }))
	defer srv.Close()
	require.Equal(t, now, srv.Now())
	role := srv.Role().Arn
	other := srv.AddRole(ststest.DefaultAccountID, "other", ststest.TrustPrincipal(srv.User().Arn))
	var providerArn string
	// Keyed by the assertion sent less its "Zq9:" prefix: the client redacts the
	// assertion it sent from error messages, and none of these is a word of a message.
	answers := map[string]func() (*ststest.SAMLAssertionInfo, error){}
	providerArn = srv.AddSAMLProvider(ststest.DefaultAccountID, "corp", verifierFunc(func(assertion string, at time.Time) (*ststest.SAMLAssertionInfo, error) {
		require.Equal(t, now, at, "the server's clock")
		return answers[strings.TrimPrefix(assertion, "Zq9:")]()
	}))
	require.Equal(t, "acs:ram::"+ststest.DefaultAccountID+":saml-provider/corp", providerArn)
	srv.Trust(role, providerArn)
	srv.Trust(other.Arn, providerArn)
	grant := func(sessionName string, roles ...string) func() (*ststest.SAMLAssertionInfo, error) {
		return func() (*ststest.SAMLAssertionInfo, error) {
			return &ststest.SAMLAssertionInfo{Issuer: "https://idp.example.com", Subject: "alice@example.com", SubjectType: "persistent",
				Recipient: "https://signin.aliyun.com/saml-role/sso", SessionName: sessionName, Roles: roles}, nil
		}
	}
	refuse := func(err error) func() (*ststest.SAMLAssertionInfo, error) {
		return func() (*ststest.SAMLAssertionInfo, error) { return nil, err }
	}
	answers["named"] = grant("alice", other.Arn+","+providerArn, role+","+providerArn)
	answers["unnamed"] = grant("", role+","+providerArn)
	answers["expired"] = refuse(fmt.Errorf("wrapped: %w", &ststest.SAMLError{Code: "Expired", Message: "The SAML assertion is expired."}))
	answers["plain error"] = refuse(errors.New("the verifier's own words"))
	answers["nil info"] = refuse(nil)
	answers["role of another provider"] = grant("", role+",acs:ram::"+ststest.DefaultAccountID+":saml-provider/elsewhere")
	answers["the pair reversed"] = grant("", providerArn+","+role)
	answers["another role"] = grant("", other.Arn+","+providerArn)
	answers["no roles"] = grant("")

	anon, err := sts.NewClient(&sts.Config{Endpoint: dara.String(srv.Endpoint()), Protocol: dara.String("HTTP")}, sts.WithClock(func() time.Time { return now }))
	require.NoError(t, err)
	tests := []struct {
		assertion, session string
		code, message      string
	}{
		{assertion: "named", session: "alice"},
		{assertion: "unnamed", session: "alice@example.com"},
		{assertion: "expired", code: "AuthenticationFail.SAMLAssertion.Expired", message: "The SAML assertion is expired."},
		{assertion: "plain error", code: "AuthenticationFail.SAMLAssertion.Invalid", message: "The SAML assertion is not a well-formed SAML 2.0 response."},
		{assertion: "nil info", code: "AuthenticationFail.SAMLAssertion.Invalid", message: "The SAML assertion is not a well-formed SAML 2.0 response."},
		{assertion: "role of another provider", code: "AuthenticationFail.SAMLAssertion.RoleNotMatch"},
		{assertion: "the pair reversed", code: "AuthenticationFail.SAMLAssertion.RoleNotMatch"},
		{assertion: "another role", code: "AuthenticationFail.SAMLAssertion.RoleNotMatch"},
		{assertion: "no roles", code: "AuthenticationFail.SAMLAssertion.RoleNotMatch"},
	}
	for _, tc := range tests {
		t.Run(tc.assertion, func(t *testing.T) {
			resp, err := anon.AssumeRoleWithSAML(new(sts.AssumeRoleWithSAMLRequest).SetRoleArn(role).SetSAMLProviderArn(providerArn).SetSAMLAssertion("Zq9:" + tc.assertion))
			if tc.code != "" {
				requireCode(t, err, 401, tc.code)
				var se *sts.ServiceError
				require.ErrorAs(t, err, &se)
				require.NotContains(t, se.Message, "the verifier's own words")
				if tc.message != "" {
					require.Equal(t, tc.message, se.Message)
				}
				return
			}
			require.NoError(t, err)
			require.Equal(t, "acs:ram::"+ststest.DefaultAccountID+":assumed-role/test-role/"+tc.session, *resp.Body.AssumedRoleUser.Arn)
			info := resp.Body.SAMLAssertionInfo
			require.Equal(t, []string{"https://idp.example.com", "alice@example.com", "persistent", "https://signin.aliyun.com/saml-role/sso"},
				[]string{*info.Issuer, *info.Subject, *info.SubjectType, *info.Recipient})
		})
	}

	_, err = anon.AssumeRoleWithSAML(new(sts.AssumeRoleWithSAMLRequest).SetRoleArn(role).
		SetSAMLProviderArn("acs:ram::" + ststest.DefaultAccountID + ":saml-provider/nobody").SetSAMLAssertion("named"))
	requireCode(t, err, 404, "EntityNotExist.SAMLProvider")
}

// TestAddSAMLProviderPanics holds the setup mistakes to ststest's panics.
func TestAddSAMLProviderPanics(t *testing.T) {
	srv := ststest.NewServer()
	defer srv.Close()
	v := verifierFunc(func(string, time.Time) (*ststest.SAMLAssertionInfo, error) { return nil, nil })
	require.PanicsWithValue(t, "ststest: a SAML provider needs a verifier", func() { srv.AddSAMLProvider(ststest.DefaultAccountID, "x", nil) })
	require.PanicsWithValue(t, "ststest: no account 42", func() { srv.AddSAMLProvider("42", "x", v) })
	srv.AddSAMLProvider(ststest.DefaultAccountID, "x", v)
	require.PanicsWithValue(t, "ststest: SAML provider acs:ram::"+ststest.DefaultAccountID+":saml-provider/x exists",
		func() { srv.AddSAMLProvider(ststest.DefaultAccountID, "x", v) })
}

// ticket is a SAMLVerifier for a test that needs no XML: it accepts the assertions it
// handed out, each for a user and one role.
type ticket map[string]*ststest.SAMLAssertionInfo

func (tk ticket) VerifySAMLAssertion(assertion string, _ time.Time) (*ststest.SAMLAssertionInfo, error) {
	if info := tk[assertion]; info != nil {
		return info, nil
	}
	return nil, &ststest.SAMLError{Code: "InvalidSignature", Message: "Not an assertion this provider issued."}
}

// ExampleServer_AddSAMLProvider registers a SAML provider whose assertions a verifier
// of the test's own checks (package samlidp has one that mints and verifies XML
// signatures), and trades one for a role's credentials.
func ExampleServer_AddSAMLProvider() {
	srv := ststest.NewServer()
	defer srv.Close()
	tickets := ticket{}
	idp := srv.AddSAMLProvider(ststest.DefaultAccountID, "corp", tickets)
	srv.Trust(srv.Role().Arn, idp)
	tickets["PHNhbWw+"] = &ststest.SAMLAssertionInfo{Subject: "alice@example.com", Roles: []string{srv.Role().Arn + "," + idp}}

	anon, _ := sts.NewClient(&sts.Config{Endpoint: dara.String(srv.Endpoint()), Protocol: dara.String("HTTP")})
	resp, err := anon.AssumeRoleWithSAML(new(sts.AssumeRoleWithSAMLRequest).
		SetRoleArn(srv.Role().Arn).SetSAMLProviderArn(idp).SetSAMLAssertion("PHNhbWw+"))
	fmt.Println(idp, *resp.Body.AssumedRoleUser.Arn, err)
	_, err = anon.AssumeRoleWithSAML(new(sts.AssumeRoleWithSAMLRequest).
		SetRoleArn(srv.Role().Arn).SetSAMLProviderArn(idp).SetSAMLAssertion("Zm9yZ2Vk"))
	fmt.Println(err.(*sts.ServiceError).Code)
	// Output:
	// acs:ram::1234567890123456:saml-provider/corp acs:ram::1234567890123456:assumed-role/test-role/alice@example.com <nil>
	// AuthenticationFail.SAMLAssertion.InvalidSignature
}
