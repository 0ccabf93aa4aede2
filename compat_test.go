package sts_test

import (
	"testing"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	util "github.com/alibabacloud-go/tea-utils/v2/service"
	"github.com/alibabacloud-go/tea/tea"
	"github.com/stretchr/testify/require"

	sts20150401 "github.com/stsgo/sts"
	"github.com/stsgo/sts/ststest"
)

// TestOfficialSampleCompiles is Alibaba Cloud's published sample for the official
// client, written against this package under the official package's usual import
// name: switching is a change of import path.
func TestOfficialSampleCompiles(t *testing.T) {
	srv := ststest.NewServer()
	defer srv.Close()

	config := &openapi.Config{
		AccessKeyId:     tea.String(srv.User().AccessKeyId),
		AccessKeySecret: tea.String(srv.User().AccessKeySecret),
	}
	config.Endpoint = tea.String(srv.Endpoint())
	config.Protocol = tea.String("HTTP")
	client, _err := sts20150401.NewClient(config)
	require.NoError(t, _err)

	assumeRoleRequest := &sts20150401.AssumeRoleRequest{
		DurationSeconds: tea.Int64(3600),
		RoleArn:         tea.String(srv.Role().Arn),
		RoleSessionName: tea.String("sample"),
	}
	runtime := &util.RuntimeOptions{}
	resp, _err := client.AssumeRoleWithOptions(assumeRoleRequest, runtime)
	require.NoError(t, _err)
	require.NotNil(t, resp.Body.Credentials.SecurityToken)
	var body *sts20150401.AssumeRoleResponseBody = resp.GetBody()
	var creds *sts20150401.AssumeRoleResponseBodyCredentials = body.GetCredentials()
	var user *sts20150401.AssumeRoleResponseBodyAssumedRoleUser = body.GetAssumedRoleUser()
	require.Equal(t, tea.StringValue(creds.AccessKeyId), tea.StringValue(resp.Body.Credentials.AccessKeyId))
	require.Contains(t, tea.StringValue(user.Arn), "assumed-role/test-role/sample")
	require.Equal(t, int32(200), tea.Int32Value(resp.StatusCode))
}
