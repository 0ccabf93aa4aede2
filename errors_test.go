package sts_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/alibabacloud-go/tea/dara"
	"github.com/alibabacloud-go/tea/tea"
	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts"
)

func TestServiceErrors(t *testing.T) {
	big := strings.Repeat("x", sts.MaxResponseBytes+10)
	tests := []struct {
		name       string
		status     int
		body       string
		header     map[string]string
		wantCalls  int32
		wantCode   string
		wantStatus int
		wantReqID  string
		wantInMsg  string
		throttling bool
		retryable  bool
		auth       bool
	}{
		{name: "no permission", status: 403, body: string(recorded(t, "no_permission.json")), wantCalls: 1,
			wantCode: "NoPermission", wantStatus: 403, wantReqID: "7A5E6B4F-8E3C-4E3B-9E7C-2F8D3C1B0A9E", wantInMsg: "not authorized", auth: true},
		{name: "invalid parameter", status: 400, body: string(recorded(t, "invalid_parameter.json")), wantCalls: 1,
			wantCode: "InvalidParameter.RoleArn", wantStatus: 400, wantReqID: "0F8D9E1A-2B3C-4D5E-6F7A-8B9C0D1E2F3A", wantInMsg: "wrongly formed"},
		{name: "throttling with retry-after", status: 400, body: string(recorded(t, "throttling.json")), header: map[string]string{"x-acs-retry-after": "2"},
			wantCalls: 3, wantCode: "Throttling.User", wantStatus: 400, wantReqID: "5C2B6F0E-4A1D-4F6B-8E2A-3B9D7C6E5F4A", throttling: true, retryable: true},
		{name: "old rate limit header", status: 400, body: `{"Code":"Throttling.Api","Message":"slow down"}`, header: map[string]string{"x-ratelimit-user-api": "Limit:1,Remain:0,TimeLeft:3,Reset:1"},
			wantCalls: 3, wantCode: "Throttling.Api", wantStatus: 400, wantReqID: "HDR-REQUEST-ID", throttling: true, retryable: true},
		{name: "internal error", status: 500, body: string(recorded(t, "internal_error.json")), wantCalls: 3,
			wantCode: "InternalError", wantStatus: 500, wantReqID: "9E8D7C6B-5A4F-3E2D-1C0B-A9F8E7D6C5B4", retryable: true},
		{name: "html from a proxy", status: 502, body: string(recorded(t, "proxy_error.html")), wantCalls: 3,
			wantStatus: 502, wantReqID: "HDR-REQUEST-ID", wantInMsg: "502 Bad Gateway", retryable: true},
		{name: "truncated json", status: 200, body: string(recorded(t, "truncated.json")), wantCalls: 1,
			wantStatus: 200, wantReqID: "HDR-REQUEST-ID", wantInMsg: "not STS's JSON"},
		{name: "error code in a 200", status: 200, body: `{"RequestId":"R200","Code":"InvalidSecurityToken.Expired","Message":"expired"}`, wantCalls: 1,
			wantCode: "InvalidSecurityToken.Expired", wantStatus: 200, wantReqID: "R200", auth: true},
		{name: "empty 200", status: 200, body: "", wantCalls: 1, wantStatus: 200, wantReqID: "HDR-REQUEST-ID", wantInMsg: "not STS's JSON"},
		{name: "body over the limit", status: 200, body: big, wantCalls: 1, wantStatus: 200, wantReqID: "HDR-REQUEST-ID", wantInMsg: "larger than"},
		{name: "body over the limit on a 503", status: 503, body: big, wantCalls: 1, wantStatus: 503, wantReqID: "HDR-REQUEST-ID", wantInMsg: "larger than"},
		{name: "unknown role", status: 404, body: `{"RequestId":"R404","Code":"EntityNotExist.Role","Message":"The role not exists: acs:ram::1:role/x"}`,
			wantCalls: 1, wantCode: "EntityNotExist.Role", wantStatus: 404, wantReqID: "R404"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rs := newRefServer(t, func(w http.ResponseWriter, _ seen) {
				w.Header().Set("x-acs-request-id", "HDR-REQUEST-ID")
				for k, v := range tc.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(tc.status)
				w.Write([]byte(tc.body))
			})
			c := newTestClient(t, rs.config())
			resp, err := c.AssumeRole(new(sts.AssumeRoleRequest).SetRoleArn(testRole).SetRoleSessionName("alice"))
			require.Nil(t, resp)
			var se *sts.ServiceError
			require.ErrorAs(t, err, &se)
			require.Equal(t, tc.wantCalls, rs.calls.Load(), "attempts")
			require.Equal(t, "AssumeRole", se.Action)
			require.Equal(t, tc.wantCode, se.Code)
			require.Equal(t, tc.wantStatus, se.StatusCode)
			require.Equal(t, tc.wantReqID, se.RequestId)
			require.Contains(t, se.Message, tc.wantInMsg)
			require.Equal(t, tc.throttling, se.Throttling(), "Throttling")
			require.Equal(t, tc.retryable, se.Retryable(), "Retryable")
			require.Equal(t, tc.retryable, sts.IsRetryable(err), "IsRetryable")
			require.Equal(t, tc.auth, se.AuthFailure(), "AuthFailure")
			require.Less(t, len(err.Error()), 600, "an error stays short")
			require.Contains(t, err.Error(), tc.wantReqID)
		})
	}
}

// TestIncompleteAnswers checks that a 2xx answer without usable credentials (or, for
// GetCallerIdentity, without an identity) is an error naming what is missing, never a
// success with empty fields.
func TestIncompleteAnswers(t *testing.T) {
	const good = `"AccessKeyId":"STS.id","AccessKeySecret":"s","SecurityToken":"t","Expiration":"2030-01-01T00:00:00Z"`
	tests := []struct {
		name      string
		body      string
		identity  bool // GetCallerIdentity rather than AssumeRole
		wantInMsg string
		wantReqID string
	}{
		{"empty object", `{}`, false, "Credentials", "HDR-REQUEST-ID"},
		{"null", `null`, false, "Credentials", "HDR-REQUEST-ID"},
		{"request id only", `{"RequestId":"x"}`, false, "Credentials", "x"},
		{"empty credentials", `{"RequestId":"x","Credentials":{}}`, false, "Credentials.AccessKeyId", "x"},
		{"no secret", `{"RequestId":"x","Credentials":{"AccessKeyId":"STS.id","SecurityToken":"t","Expiration":"2030-01-01T00:00:00Z"}}`, false, "Credentials.AccessKeySecret", "x"},
		{"no token", `{"RequestId":"x","Credentials":{"AccessKeyId":"STS.id","AccessKeySecret":"s","Expiration":"2030-01-01T00:00:00Z"}}`, false, "Credentials.SecurityToken", "x"},
		{"no expiration", `{"RequestId":"x","Credentials":{"AccessKeyId":"STS.id","AccessKeySecret":"s","SecurityToken":"t"}}`, false, "Credentials.Expiration", "x"},
		{"unparseable expiration", `{"RequestId":"x","Credentials":{"AccessKeyId":"STS.id","AccessKeySecret":"s","SecurityToken":"t","Expiration":"tomorrow"}}`, false, "Credentials.Expiration", "x"},
		{"empty access key id", `{"RequestId":"x","Credentials":{` + strings.Replace(good, `"STS.id"`, `""`, 1) + `}}`, false, "Credentials.AccessKeyId", "x"},
		{"identity: empty object", `{}`, true, "Arn", "HDR-REQUEST-ID"},
		{"identity: null", `null`, true, "Arn", "HDR-REQUEST-ID"},
		{"identity: no type", `{"RequestId":"x","Arn":"acs:ram::1:user/u"}`, true, "IdentityType", "x"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rs := newRefServer(t, func(w http.ResponseWriter, _ seen) {
				w.Header().Set("x-acs-request-id", "HDR-REQUEST-ID")
				w.Write([]byte(tc.body))
			})
			c := newTestClient(t, rs.config())
			var err error
			if tc.identity {
				var resp *sts.GetCallerIdentityResponse
				resp, err = c.GetCallerIdentity()
				require.Nil(t, resp)
			} else {
				var resp *sts.AssumeRoleResponse
				resp, err = c.AssumeRole(new(sts.AssumeRoleRequest).SetRoleArn(testRole).SetRoleSessionName("alice"))
				require.Nil(t, resp)
			}
			var se *sts.ServiceError
			require.ErrorAs(t, err, &se)
			require.Equal(t, 200, se.StatusCode)
			require.Contains(t, se.Message, tc.wantInMsg)
			require.Equal(t, tc.wantReqID, se.RequestId)
			require.False(t, se.Retryable())
			require.EqualValues(t, 1, rs.calls.Load())
		})
	}
}

// TestZeroTimeouts checks that a zero timeout means the client's default in
// RuntimeOptions as it does in Config, rather than no timeout.
func TestZeroTimeouts(t *testing.T) {
	release := make(chan struct{})
	rs := newRefServer(t, func(w http.ResponseWriter, _ seen) {
		select {
		case <-release:
		case <-time.After(5 * time.Second):
		}
		w.Write(recorded(t, "get_caller_identity.json"))
	})
	defer close(release)
	cfg := rs.config()
	cfg.ReadTimeout = dara.Int(50)
	c := newTestClient(t, cfg, sts.WithRetryPolicy(sts.RetryPolicy{MaxAttempts: 1}))
	for _, rt := range []*sts.RuntimeOptions{nil, new(sts.RuntimeOptions).SetReadTimeout(0), new(sts.RuntimeOptions).SetReadTimeout(-1)} {
		_, err := c.GetCallerIdentityWithOptions(rt)
		require.ErrorIs(t, err, context.DeadlineExceeded, "runtime %v", rt)
	}
}

func TestServiceErrorDetail(t *testing.T) {
	rs := newRefServer(t, replyFile(t, 403, "no_permission.json"))
	_, err := newTestClient(t, rs.config()).GetCallerIdentity()
	var se *sts.ServiceError
	require.ErrorAs(t, err, &se)
	require.Equal(t, "sts.aliyuncs.com", se.HostId)
	require.Contains(t, se.Recommend, "troubleshoot?q=NoPermission")
	require.NotNil(t, se.AccessDeniedDetail)
	require.Equal(t, "sts:AssumeRole", se.AccessDeniedDetail.AuthAction)
	require.Equal(t, "ImplicitDeny", se.AccessDeniedDetail.NoPermissionType)
	require.Equal(t, "sts: GetCallerIdentity: NoPermission: You are not authorized to do this action. You should be authorized by RAM. (status 403, request id 7A5E6B4F-8E3C-4E3B-9E7C-2F8D3C1B0A9E)", err.Error())
}

func TestTransportErrors(t *testing.T) {
	rs := newRefServer(t, replyFile(t, 200, "get_caller_identity.json"))
	cfg := rs.config()
	cfg.SignatureAlgorithm = stringPtr("v2")
	cfg.SecurityToken = stringPtr(testToken)
	rs.Close() // nothing listens any more
	_, err := newTestClient(t, cfg).GetCallerIdentity()
	var te *sts.TransportError
	require.ErrorAs(t, err, &te)
	require.True(t, sts.IsRetryable(err))
	require.NotContains(t, err.Error(), "?", "the URL's query (which carries the token under V1) is not printed")
	require.NotContains(t, err.Error(), testToken)
}

func TestRetriesAndRuntimeOptions(t *testing.T) {
	tests := []struct {
		name    string
		runtime *sts.RuntimeOptions
		want    int32
	}{
		{"default", nil, 3},
		{"autoretry off", new(sts.RuntimeOptions).SetAutoretry(false), 1},
		{"max attempts", new(sts.RuntimeOptions).SetAutoretry(true).SetMaxAttempts(5), 5},
		{"no backoff", new(sts.RuntimeOptions).SetMaxAttempts(2).SetBackoffPolicy("no"), 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rs := newRefServer(t, replyFile(t, 503, "internal_error.json"))
			_, err := newTestClient(t, rs.config()).GetCallerIdentityWithOptions(tc.runtime)
			require.Error(t, err)
			require.Equal(t, tc.want, rs.calls.Load())
		})
	}
}

func TestRefusedRuntimeOptions(t *testing.T) {
	rs := newRefServer(t, replyFile(t, 200, "get_caller_identity.json"))
	c := newTestClient(t, rs.config())
	for name, rt := range map[string]*sts.RuntimeOptions{
		"IgnoreSSL":     new(sts.RuntimeOptions).SetIgnoreSSL(true),
		"LocalAddr":     new(sts.RuntimeOptions).SetLocalAddr("127.0.0.2"),
		"MaxAttempts":   new(sts.RuntimeOptions).SetMaxAttempts(0),
		"BackoffPolicy": new(sts.RuntimeOptions).SetBackoffPolicy("sometimes"),
		"ExtendsParameters.Headers": {ExtendsParameters: &sts.ExtendsParameters{
			Headers: map[string]*string{"x-acs-date": stringPtr("2020-01-01T00:00:00Z")}}},
	} {
		_, err := c.GetCallerIdentityWithOptions(rt)
		var ve *sts.ValidationError
		require.ErrorAs(t, err, &ve, name)
		require.Contains(t, ve.Field, name)
	}
	require.Zero(t, rs.calls.Load(), "nothing is sent")
}

func TestExtraParametersAreSigned(t *testing.T) {
	for _, alg := range []string{"", "v2"} {
		t.Run(alg, func(t *testing.T) {
			rs := newRefServer(t, replyFile(t, 200, "get_caller_identity.json"))
			cfg := rs.config()
			if alg != "" {
				cfg.SignatureAlgorithm = stringPtr(alg)
			}
			cfg.GlobalParameters = &sts.GlobalParameters{
				Headers: map[string]*string{"x-acs-global": stringPtr("g"), "X-Plain": stringPtr("p")},
				Queries: map[string]*string{"GlobalQuery": stringPtr("a b*~"), "Shared": stringPtr("global")},
			}
			rt := &sts.RuntimeOptions{ExtendsParameters: &sts.ExtendsParameters{
				Headers: map[string]*string{"x-acs-extra": stringPtr("e")},
				Queries: map[string]*string{"Shared": stringPtr("call")},
			}}
			_, err := newTestClient(t, cfg).GetCallerIdentityWithOptions(rt)
			require.NoError(t, err)
			got := rs.last()
			require.Equal(t, "a b*~", got.query["GlobalQuery"])
			require.Equal(t, "call", got.query["Shared"], "the call's value wins")
			require.Equal(t, "g", got.header.Get("x-acs-global"))
			require.Equal(t, "e", got.header.Get("x-acs-extra"))
			require.Equal(t, "p", got.header.Get("x-plain"))
		})
	}
}

// TestContextCancellation: a call ends when its context does, and each attempt when
// its read timeout passes, retried. Each case has a server of its own that never
// answers: a request of one case that reaches the server late (the client gave up
// first) must not count in another's (on a loaded machine it did, 4 for 3), and the
// attempts are counted where they are made, in the client.
func TestContextCancellation(t *testing.T) {
	hanging := func(t *testing.T) (*refServer, *sts.Client) {
		release := make(chan struct{})
		rs := newRefServer(t, func(w http.ResponseWriter, _ seen) { <-release })
		t.Cleanup(func() { close(release) }) // before the server's Close, which waits for its handlers
		return rs, newTestClient(t, rs.config())
	}
	t.Run("deadline", func(t *testing.T) {
		_, c := hanging(t)
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		_, err := c.GetCallerIdentityWithContext(ctx, nil)
		require.ErrorIs(t, err, context.DeadlineExceeded)
	})
	t.Run("cancel", func(t *testing.T) {
		_, c := hanging(t)
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(20*time.Millisecond, cancel)
		_, err := c.AssumeRoleWithContext(ctx, new(sts.AssumeRoleRequest).SetRoleArn(testRole).SetRoleSessionName("x1"), nil)
		require.ErrorIs(t, err, context.Canceled)
	})
	t.Run("read timeout per attempt", func(t *testing.T) {
		rs, c := hanging(t)
		_, err := c.GetCallerIdentityWithOptions(new(sts.RuntimeOptions).SetReadTimeout(20))
		require.ErrorIs(t, err, context.DeadlineExceeded)
		var te *sts.TransportError
		require.ErrorAs(t, err, &te)
		require.Equal(t, 3, te.Attempts, "each attempt timed out and was retried")
		// The server may see an attempt late, or never: on a loaded machine an attempt
		// can time out before its request is written. It never sees more.
		require.LessOrEqual(t, rs.calls.Load(), int32(3))
	})
}

// TestDeadlineDuringBackoff checks that a context ending while the client waits to
// retry ends the call at once, with both the context error and the last failure; and
// so does one that ends after a retryable answer, before the wait begins: errors.Is
// finds the deadline whichever moment it passed.
//
// The deadline passes on cue: once the client waits (the service asked for a
// minute), or once the attempt's answer is read (the attempt's debug line is
// logged). A deadline of 100 ms, as the test had, passes during the first attempt
// whenever the machine stalls the client that long, and the call then ends
// otherwise. "At once" is that the call returns before the minute is over.
func TestDeadlineDuringBackoff(t *testing.T) {
	for _, tc := range []struct {
		name        string
		waitForPass bool // the test passes the deadline once the client sleeps
	}{
		{"during the back-off", true},
		{"after the answer, before the back-off", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := newRefServer(t, func(w http.ResponseWriter, _ seen) {
				w.Header().Set("x-acs-retry-after", "60000")
				w.WriteHeader(400)
				w.Write(recorded(t, "throttling.json"))
			})
			ctx := newCueDeadline()
			var opts []sts.Option
			if !tc.waitForPass {
				opts = append(opts, sts.WithLogger(slog.New(onRecord{func() { ctx.pass() }})))
			}
			client := newTestClient(t, rs.config(), opts...)
			errc := make(chan error, 1)
			go func() {
				_, err := client.GetCallerIdentityWithContext(ctx, nil)
				errc <- err
			}()
			if tc.waitForPass {
				awaitFrame(t, "TestDeadlineDuringBackoff", "github.com/stsgo/sts.sleep")
				ctx.pass()
			}
			err := <-errc
			require.ErrorIs(t, err, context.DeadlineExceeded)
			var se *sts.ServiceError
			require.True(t, errors.As(err, &se))
			require.Equal(t, "Throttling.User", se.Code)
			require.EqualValues(t, 1, rs.calls.Load())
			require.EqualError(t, err, "sts: GetCallerIdentity: context deadline exceeded (the caller's deadline) while waiting to retry after 1 attempt; the last: "+se.Error())
		})
	}
}

// onRecord is a slog handler, enabled at every level, that calls do for each record.
type onRecord struct{ do func() }

func (h onRecord) Enabled(context.Context, slog.Level) bool  { return true }
func (h onRecord) Handle(context.Context, slog.Record) error { h.do(); return nil }
func (h onRecord) WithAttrs([]slog.Attr) slog.Handler        { return h }
func (h onRecord) WithGroup(string) slog.Handler             { return h }

func stringPtr(s string) *string { return &s }

// TestSDKErrorForMigratedCode reads a *ServiceError as code written for the official
// client does, with errors.As into a *tea.SDKError (interop/ compares every field
// with the official client's own).
func TestSDKErrorForMigratedCode(t *testing.T) {
	rs := newRefServer(t, replyFile(t, 403, "no_permission.json"))
	_, err := newTestClient(t, rs.config()).GetCallerIdentity()
	var sdkErr *tea.SDKError
	require.True(t, errors.As(err, &sdkErr))
	require.Equal(t, "NoPermission", tea.StringValue(sdkErr.Code))
	require.Equal(t, 403, tea.IntValue(sdkErr.StatusCode))
	require.Equal(t, "code: 403, You are not authorized to do this action. You should be authorized by RAM. request id: 7A5E6B4F-8E3C-4E3B-9E7C-2F8D3C1B0A9E", tea.StringValue(sdkErr.Message))
	require.Equal(t, "sts:AssumeRole", sdkErr.AccessDeniedDetail["AuthAction"])
	var data map[string]any
	require.NoError(t, json.Unmarshal([]byte(tea.StringValue(sdkErr.Data)), &data))
	require.Equal(t, "NoPermission", data["Code"])
	require.Equal(t, "sts.aliyuncs.com", data["HostId"])
	require.Equal(t, "ImplicitDeny", data["AccessDeniedDetail"].(map[string]any)["NoPermissionType"])
	var se *sts.ServiceError
	require.True(t, errors.As(err, &se), "the error is still a *ServiceError")
}

// TestValidationErrorAsSDKError reads a *ValidationError as code written for the
// official client does: it gets what the service answers the same input (interop/
// compares it with the official client's error from the fake), the broken field the
// service reports first when there are several, and nothing for errors the official
// client would not have sent to the service either.
func TestValidationErrorAsSDKError(t *testing.T) {
	ok := func() *sts.AssumeRoleRequest {
		return new(sts.AssumeRoleRequest).SetRoleArn(testRole).SetRoleSessionName("alice")
	}
	var nilReq *sts.AssumeRoleRequest
	tests := []struct {
		name          string
		err           error
		code, message string // code "": errors.As finds no *tea.SDKError
	}{
		{"missing", new(sts.AssumeRoleRequest).SetRoleSessionName("alice").Validate(),
			"MissingParameter", `The input parameter "RoleArn" that is mandatory for processing this request is not supplied.`},
		{"wrongly formed", ok().SetRoleSessionName("a b").Validate(),
			"InvalidParameter.RoleSessionName", "The parameter RoleSessionName is wrongly formed."},
		{"policy too long", ok().SetPolicy(strings.Repeat("x", 2049)).Validate(),
			"InvalidParameter.PolicySize", "The size of Policy must be smaller than 2048 bytes."},
		{"policy empty", ok().SetPolicy("").Validate(),
			"InvalidParameter.PolicyGrammar", "The parameter Policy has not passed grammar check."},
		{"several: the service's first", new(sts.AssumeRoleRequest).SetExternalId("a").SetDurationSeconds(1).Validate(),
			"InvalidParameter.DurationSeconds", "The parameter DurationSeconds is wrongly formed."},
		{"OIDC", new(sts.AssumeRoleWithOIDCRequest).SetRoleArn(testRole).SetOIDCToken("token").Validate(),
			"MissingParameter", `The input parameter "OIDCProviderArn" that is mandatory for processing this request is not supplied.`},
		{"nil request", nilReq.Validate(), "", ""},
		{"config", func() error { _, err := sts.NewClient(&sts.Config{Protocol: dara.String("FTP")}); return err }(), "", ""},
		{"runtime options", func() error {
			_, err := newTestClient(t, &sts.Config{AccessKeyId: dara.String(testKeyID), AccessKeySecret: dara.String(testSecret)}).
				GetCallerIdentityWithOptions(new(sts.RuntimeOptions).SetMaxAttempts(0))
			return err
		}(), "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var ve *sts.ValidationError
			require.ErrorAs(t, tc.err, &ve)
			var sdkErr *tea.SDKError
			if tc.code == "" {
				require.False(t, errors.As(tc.err, &sdkErr), "%v", tc.err)
				return
			}
			require.True(t, errors.As(tc.err, &sdkErr))
			require.Equal(t, tc.code, tea.StringValue(sdkErr.Code))
			require.Equal(t, 400, tea.IntValue(sdkErr.StatusCode))
			require.Equal(t, "code: 400, "+tc.message+" request id: ", tea.StringValue(sdkErr.Message))
			var data map[string]any
			require.NoError(t, json.Unmarshal([]byte(tea.StringValue(sdkErr.Data)), &data))
			require.Equal(t, map[string]any{"Code": tc.code, "Message": tc.message}, data)
			require.Equal(t, "sts: invalid "+ve.Field+": "+ve.Rule, ve.Error(), "the ValidationError's own text is unchanged")
		})
	}
}

// TestResponseValidate checks the official models' Validate methods: a response the
// client returned passes; a body without credentials names the field.
func TestResponseValidate(t *testing.T) {
	rs := newRefServer(t, replyFile(t, 200, "assume_role.json"))
	resp, err := newTestClient(t, rs.config()).AssumeRole(new(sts.AssumeRoleRequest).SetRoleArn(testRole).SetRoleSessionName("alice"))
	require.NoError(t, err)
	require.NoError(t, resp.Validate())
	require.NoError(t, resp.Body.Validate())
	require.NoError(t, resp.Body.Credentials.Validate())
	require.NoError(t, resp.Body.AssumedRoleUser.Validate())

	var ve *sts.ValidationError
	require.ErrorAs(t, new(sts.AssumeRoleResponse).SetBody(new(sts.AssumeRoleResponseBody)).Validate(), &ve)
	require.Equal(t, "Credentials", ve.Field)
	require.ErrorAs(t, new(sts.Credentials).SetAccessKeyId("STS.x").Validate(), &ve)
	require.Equal(t, "Credentials.AccessKeySecret", ve.Field)
	require.ErrorAs(t, new(sts.GetCallerIdentityResponseBody).SetArn("acs:ram::1:user/u").Validate(), &ve)
	require.Equal(t, "IdentityType", ve.Field)
	require.NoError(t, new(sts.GetCallerIdentityResponse).Validate(), "no body, nothing to check, as in the official model")
}
