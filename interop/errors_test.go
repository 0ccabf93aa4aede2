package interop

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	official "github.com/alibabacloud-go/sts-20150401/v2/client"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/alibabacloud-go/tea/tea"
	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts"
	"github.com/stsgo/sts/ststest"
)

// TestSDKErrorAsOfficial sends the same failing calls through both clients and reads
// each error with errors.As into a *tea.SDKError, as code written for the official
// client does: Code, StatusCode, Message and Data must be what the official client
// fills in, but for each answer's own request ID.
func TestSDKErrorAsOfficial(t *testing.T) {
	srv := ststest.NewServer()
	defer srv.Close()
	user, root := srv.User(), srv.AddAccount("2222222222222222")
	missing := "acs:ram::" + ststest.DefaultAccountID + ":role/missing"
	tests := []struct {
		name          string
		id, secret    string
		roleArn       string
		fault         ststest.FaultKind
		code          string
		status        int
		wantInMessage string
	}{
		{name: "unknown role", id: user.AccessKeyId, secret: user.AccessKeySecret, roleArn: missing, code: "EntityNotExist.Role", status: 404},
		{name: "root may not assume", id: root.AccessKeyId, secret: root.AccessKeySecret, roleArn: srv.Role().Arn, code: "NoPermission", status: 403},
		{name: "wrong secret", id: user.AccessKeyId, secret: "wrong-secret", roleArn: srv.Role().Arn, code: "SignatureDoesNotMatch", status: 400},
		{name: "throttled", id: user.AccessKeyId, secret: user.AccessKeySecret, roleArn: srv.Role().Arn, fault: ststest.Throttle, code: "Throttling.User", status: 400},
		{name: "server error", id: user.AccessKeyId, secret: user.AccessKeySecret, roleArn: srv.Role().Arn, fault: ststest.ServerError, code: "InternalError", status: 500},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			once := new(dara.RuntimeOptions).SetAutoretry(false)
			if tc.fault != 0 {
				srv.Inject(ststest.Fault{Kind: tc.fault})
			}
			_, err := officialClient(t, srv, tc.id, tc.secret, "", "").AssumeRoleWithOptions(
				new(official.AssumeRoleRequest).SetRoleArn(tc.roleArn).SetRoleSessionName("errors"), once)
			want := sdkError(t, err)

			if tc.fault != 0 {
				srv.Inject(ststest.Fault{Kind: tc.fault})
			}
			ours, err := sts.NewClient(srv.ConfigFor(tc.id, tc.secret, ""))
			require.NoError(t, err)
			_, err = ours.AssumeRoleWithOptions(new(sts.AssumeRoleRequest).SetRoleArn(tc.roleArn).SetRoleSessionName("errors"), once)
			got := sdkError(t, err)

			require.Equal(t, tc.code, want.code)
			require.Equal(t, tc.status, want.status)
			require.Equal(t, want, got)
		})
	}
}

// seenError is a *tea.SDKError with the answer's request ID taken out.
type seenError struct {
	code    string
	status  int
	message string
	data    map[string]any
}

func sdkError(t *testing.T, err error) seenError {
	t.Helper()
	var e *tea.SDKError
	require.True(t, errors.As(err, &e), "%T %v", err, err)
	var data map[string]any
	require.NoError(t, json.Unmarshal([]byte(tea.StringValue(e.Data)), &data), tea.StringValue(e.Data))
	id, _ := data["RequestId"].(string)
	require.NotEmpty(t, id)
	anon := func(s string) string { return strings.ReplaceAll(s, id, "<request id>") }
	for k, v := range data {
		if s, ok := v.(string); ok {
			data[k] = anon(s)
		}
	}
	return seenError{tea.StringValue(e.Code), tea.IntValue(e.StatusCode), anon(tea.StringValue(e.Message)), data}
}

// TestValidationErrorAsOfficial sends bad input through the official client, which
// sends it and gets the fake's answer, and through ours, which refuses it before
// sending: errors.As into a *tea.SDKError must give both the same Code, StatusCode and
// Message (but for the request ID, which ours cannot have), so that error handling
// written for the official client keeps working.
func TestValidationErrorAsOfficial(t *testing.T) {
	srv := ststest.NewServer()
	defer srv.Close()
	user := srv.User()
	role := srv.Role().Arn
	long := strings.Repeat
	ok := func() *official.AssumeRoleRequest {
		return new(official.AssumeRoleRequest).SetRoleArn(role).SetRoleSessionName("valid")
	}
	oidc := func() *official.AssumeRoleWithOIDCRequest {
		return new(official.AssumeRoleWithOIDCRequest).SetRoleArn(role).
			SetOIDCProviderArn("acs:ram::" + ststest.DefaultAccountID + ":oidc-provider/p").SetOIDCToken("token")
	}
	saml := func() *official.AssumeRoleWithSAMLRequest {
		return new(official.AssumeRoleWithSAMLRequest).SetRoleArn(role).
			SetSAMLProviderArn("acs:ram::" + ststest.DefaultAccountID + ":saml-provider/p").SetSAMLAssertion("assertion")
	}
	tests := []struct {
		name string
		req  any // an official request model
		code string
	}{
		{"RoleArn missing", new(official.AssumeRoleRequest).SetRoleSessionName("valid"), "MissingParameter"},
		{"RoleSessionName missing", new(official.AssumeRoleRequest).SetRoleArn(role), "MissingParameter"},
		{"RoleArn of another kind", ok().SetRoleArn("acs:ram::1:user/x"), "InvalidParameter.RoleArn"},
		{"RoleArn of AWS", ok().SetRoleArn("arn:aws:iam::1:role/x"), "InvalidParameter.RoleArn"},
		{"RoleSessionName with a space", ok().SetRoleSessionName("has spaces"), "InvalidParameter.RoleSessionName"},
		{"RoleSessionName too long", ok().SetRoleSessionName(long("a", 65)), "InvalidParameter.RoleSessionName"},
		{"RoleSessionName too short", ok().SetRoleSessionName("a"), "InvalidParameter.RoleSessionName"},
		{"DurationSeconds too short", ok().SetDurationSeconds(899), "InvalidParameter.DurationSeconds"},
		{"DurationSeconds too long", ok().SetDurationSeconds(43201), "InvalidParameter.DurationSeconds"},
		{"Policy too long", ok().SetPolicy(long("é", 2049)), "InvalidParameter.PolicySize"},
		{"Policy empty", ok().SetPolicy(""), "InvalidParameter.PolicyGrammar"},
		{"ExternalId too short", ok().SetExternalId("a"), "InvalidParameter.ExternalId"},
		{"SourceIdentity reserved", ok().SetSourceIdentity("acs:x"), "InvalidParameter.SourceIdentity"},
		{"several broken: the service's first", new(official.AssumeRoleRequest).SetDurationSeconds(100).SetExternalId("a"), "InvalidParameter.DurationSeconds"},
		{"several broken: Policy first", ok().SetRoleArn("x").SetPolicy(long("a", 2049)), "InvalidParameter.PolicySize"},
		{"OIDC token missing", oidc().SetOIDCToken(""), "InvalidParameter.OIDCToken"},
		{"OIDC provider of another kind", oidc().SetOIDCProviderArn("acs:ram::1:saml-provider/p"), "InvalidParameter.OIDCProviderArn"},
		{"OIDC RoleArn missing", new(official.AssumeRoleWithOIDCRequest).SetOIDCProviderArn("acs:ram::1:oidc-provider/p").SetOIDCToken("token"), "MissingParameter"},
		{"SAML assertion missing", new(official.AssumeRoleWithSAMLRequest).SetRoleArn(role).SetSAMLProviderArn("acs:ram::1:saml-provider/p"), "MissingParameter"},
		{"SAML provider of another kind", saml().SetSAMLProviderArn("acs:ram::1:oidc-provider/p"), "InvalidParameter.SAMLProviderArn"},
	}
	once := new(dara.RuntimeOptions).SetAutoretry(false)
	theirs := officialClient(t, srv, user.AccessKeyId, user.AccessKeySecret, "", "")
	ours, err := sts.NewClient(srv.ConfigFor(user.AccessKeyId, user.AccessKeySecret, ""))
	require.NoError(t, err)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var wantErr, gotErr error
			sent := srv.RequestCount("")
			switch req := tc.req.(type) {
			case *official.AssumeRoleRequest:
				_, wantErr = theirs.AssumeRoleWithOptions(req, once)
				_, gotErr = ours.AssumeRoleWithOptions(sameAs[sts.AssumeRoleRequest](t, req), once)
			case *official.AssumeRoleWithOIDCRequest:
				_, wantErr = theirs.AssumeRoleWithOIDCWithOptions(req, once)
				_, gotErr = ours.AssumeRoleWithOIDCWithOptions(sameAs[sts.AssumeRoleWithOIDCRequest](t, req), once)
			case *official.AssumeRoleWithSAMLRequest:
				_, wantErr = theirs.AssumeRoleWithSAMLWithOptions(req, once)
				_, gotErr = ours.AssumeRoleWithSAMLWithOptions(sameAs[sts.AssumeRoleWithSAMLRequest](t, req), once)
			}
			require.Equal(t, sent+1, srv.RequestCount(""), "the official client sent the request; ours did not")
			var ve *sts.ValidationError
			require.ErrorAs(t, gotErr, &ve, "ours refused it before sending")

			var want, got *tea.SDKError
			require.True(t, errors.As(wantErr, &want), "%T %v", wantErr, wantErr)
			require.True(t, errors.As(gotErr, &got), "%T %v", gotErr, gotErr)
			require.Equal(t, tc.code, tea.StringValue(want.Code), tea.StringValue(want.Message))
			require.Equal(t, tea.StringValue(want.Code), tea.StringValue(got.Code))
			require.Equal(t, tea.IntValue(want.StatusCode), tea.IntValue(got.StatusCode))
			var data map[string]any
			require.NoError(t, json.Unmarshal([]byte(tea.StringValue(want.Data)), &data))
			id, _ := data["RequestId"].(string)
			require.NotEmpty(t, id)
			require.Equal(t, strings.Replace(tea.StringValue(want.Message), "request id: "+id, "request id: ", 1), tea.StringValue(got.Message))
		})
	}
}

// sameAs converts an official request model into ours through their common JSON.
func sameAs[T any](t *testing.T, official any) *T {
	t.Helper()
	b, err := json.Marshal(official)
	require.NoError(t, err)
	out := new(T)
	require.NoError(t, json.Unmarshal(b, out))
	return out
}
