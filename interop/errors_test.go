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
