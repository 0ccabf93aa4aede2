package ststest_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts/internal/signer"
	"github.com/stsgo/sts/ststest"
)

// rawCall signs params (plus the V1 common parameters) as the fixture user with the
// shared signer and posts them as a form, the way credentials-go does, bypassing our
// client's own validation. It returns the HTTP status and the error code.
func rawCall(t *testing.T, srv *ststest.Server, action string, params map[string]string) (int, string) {
	t.Helper()
	all := map[string]string{
		"Action": action, "Version": "2015-04-01", "Format": "JSON", "AccessKeyId": srv.User().AccessKeyId,
		"SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0", "SignatureNonce": time.Now().Format(time.RFC3339Nano) + t.Name(),
		"Timestamp": time.Now().UTC().Format("2006-01-02T15:04:05Z"),
	}
	for k, v := range params {
		all[k] = v
	}
	var list []signer.Param
	form := url.Values{}
	for k, v := range all {
		list = append(list, signer.Param{Name: k, Value: v})
		form.Set(k, v)
	}
	signer.SortParams(list)
	form.Set("Signature", string(signer.AppendV1Signature(nil, "POST", signer.AppendCanonicalQuery(nil, list), srv.User().AccessKeySecret)))
	resp, err := http.PostForm(srv.URL+"/", form)
	require.NoError(t, err)
	defer resp.Body.Close()
	var body struct{ Code string }
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	return resp.StatusCode, body.Code
}

// TestParameterRules sends what our client would refuse to send, to check the fake's
// own answers: the codes STS gives for each broken rule.
func TestParameterRules(t *testing.T) {
	srv := ststest.NewServer()
	defer srv.Close()
	role := srv.Role().Arn
	tests := []struct {
		name   string
		params map[string]string
		status int
		code   string
	}{
		{"valid, as a form", map[string]string{"RoleArn": role, "RoleSessionName": "ok"}, 200, ""},
		{"missing role", map[string]string{"RoleSessionName": "ok"}, 400, "MissingParameter"},
		{"missing session name", map[string]string{"RoleArn": role}, 400, "MissingParameter"},
		{"malformed role arn", map[string]string{"RoleArn": "arn:aws:iam::1:role/x", "RoleSessionName": "ok"}, 400, "InvalidParameter.RoleArn"},
		{"session name characters", map[string]string{"RoleArn": role, "RoleSessionName": "a b"}, 400, "InvalidParameter.RoleSessionName"},
		{"session name too long", map[string]string{"RoleArn": role, "RoleSessionName": strings.Repeat("a", 65)}, 400, "InvalidParameter.RoleSessionName"},
		{"duration too short", map[string]string{"RoleArn": role, "RoleSessionName": "ok", "DurationSeconds": "899"}, 400, "InvalidParameter.DurationSeconds"},
		{"duration not a number", map[string]string{"RoleArn": role, "RoleSessionName": "ok", "DurationSeconds": "1h"}, 400, "InvalidParameter.DurationSeconds"},
		{"policy too large", map[string]string{"RoleArn": role, "RoleSessionName": "ok", "Policy": `{"a":"` + strings.Repeat("x", 2050) + `"}`}, 400, "InvalidParameter.PolicySize"},
		{"policy grammar", map[string]string{"RoleArn": role, "RoleSessionName": "ok", "Policy": "[1,2"}, 400, "InvalidParameter.PolicyGrammar"},
		{"policy json of bad grammar", map[string]string{"RoleArn": role, "RoleSessionName": "ok",
			"Policy": `{"Version":"1","Statement":[{"Effect":"Allow","Action":"PutObject","Resource":"*"}]}`}, 400, "InvalidParameter.PolicyGrammar"},
		{"policy without statements", map[string]string{"RoleArn": role, "RoleSessionName": "ok", "Policy": `{"Version":"1"}`}, 400, "InvalidParameter.PolicyGrammar"},
		{"policy of the grammar", map[string]string{"RoleArn": role, "RoleSessionName": "ok",
			"Policy": `{"Version":"1","Statement":[{"Effect":"Deny","NotAction":["oss:GetObject"],"Resource":"acs:oss:*:*:b/*","Condition":{"Bool":{"acs:SecureTransport":"false"}}}]}`}, 200, ""},
		{"external id", map[string]string{"RoleArn": role, "RoleSessionName": "ok", "ExternalId": "a b"}, 400, "InvalidParameter.ExternalId"},
		{"source identity", map[string]string{"RoleArn": role, "RoleSessionName": "ok", "SourceIdentity": "acs:x"}, 400, "InvalidParameter.SourceIdentity"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, code := rawCall(t, srv, "AssumeRole", tc.params)
			require.Equal(t, tc.code, code)
			require.Equal(t, tc.status, status)
		})
	}
	status, code := rawCall(t, srv, "DescribeRegions", nil)
	require.Equal(t, 404, status)
	require.Equal(t, "InvalidAction.NotFound", code)
}
