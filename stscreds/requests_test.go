package stscreds_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/alibabacloud-go/tea/tea"
	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts"
	"github.com/stsgo/sts/stscreds"
)

const (
	reqRole = "acs:ram::1234567890123456:role/builder"
	reqOIDC = "acs:ram::1234567890123456:oidc-provider/ack"
	reqSAML = "acs:ram::1234567890123456:saml-provider/idp"
	reqPol  = `{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:GetObject","Resource":"*"}]}`
)

// TestSessionRequest holds Session.Request to its doc: the ARN and session name always
// set, the other parameters only when given, Duration in whole seconds.
func TestSessionRequest(t *testing.T) {
	cases := []struct {
		name string
		s    stscreds.Session
		want *sts.AssumeRoleRequest
	}{
		{"every field", stscreds.Session{RoleArn: reqRole, RoleSessionName: "s1", Policy: reqPol, Duration: 90 * time.Minute, ExternalId: "ext-1", SourceIdentity: "alice"},
			&sts.AssumeRoleRequest{RoleArn: tea.String(reqRole), RoleSessionName: tea.String("s1"), Policy: tea.String(reqPol),
				DurationSeconds: tea.Int64(5400), ExternalId: tea.String("ext-1"), SourceIdentity: tea.String("alice")}},
		{"optional ones empty", stscreds.Session{RoleArn: reqRole, RoleSessionName: "s1"},
			&sts.AssumeRoleRequest{RoleArn: tea.String(reqRole), RoleSessionName: tea.String("s1")}},
		{"required ones empty are sent empty", stscreds.Session{},
			&sts.AssumeRoleRequest{RoleArn: tea.String(""), RoleSessionName: tea.String("")}},
		{"a fraction of a second is cut", stscreds.Session{RoleArn: reqRole, RoleSessionName: "s1", Duration: 900*time.Second + 999*time.Millisecond},
			&sts.AssumeRoleRequest{RoleArn: tea.String(reqRole), RoleSessionName: tea.String("s1"), DurationSeconds: tea.Int64(900)}},
		{"under a second is sent as 0", stscreds.Session{RoleArn: reqRole, RoleSessionName: "s1", Duration: time.Millisecond},
			&sts.AssumeRoleRequest{RoleArn: tea.String(reqRole), RoleSessionName: tea.String("s1"), DurationSeconds: tea.Int64(0)}},
		{"negative", stscreds.Session{RoleArn: reqRole, RoleSessionName: "s1", Duration: -time.Hour},
			&sts.AssumeRoleRequest{RoleArn: tea.String(reqRole), RoleSessionName: tea.String("s1"), DurationSeconds: tea.Int64(-3600)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, tc.s.Request())
		})
	}
}

// TestRequestsRefuseWhatTheServiceWould: an empty required value, or a duration
// under a second, reaches Validate and is refused naming the field.
func TestRequestsRefuseWhatTheServiceWould(t *testing.T) {
	cases := []struct {
		name  string
		req   interface{ Validate() error }
		field string
	}{
		{"empty role", stscreds.Session{RoleSessionName: "s1"}.Request(), "AssumeRoleRequest.RoleArn"},
		{"empty session name", stscreds.Session{RoleArn: reqRole}.Request(), "AssumeRoleRequest.RoleSessionName"},
		{"under a second", stscreds.Session{RoleArn: reqRole, RoleSessionName: "s1", Duration: time.Millisecond}.Request(), "AssumeRoleRequest.DurationSeconds"},
		{"empty OIDC token", stscreds.OIDCOptions{}.Request(reqRole, reqOIDC, ""), "AssumeRoleWithOIDCRequest.OIDCToken"},
		{"empty OIDC provider", stscreds.OIDCOptions{}.Request(reqRole, "", "token"), "AssumeRoleWithOIDCRequest.OIDCProviderArn"},
		{"empty assertion", stscreds.SAMLOptions{}.Request(reqRole, reqSAML, ""), "AssumeRoleWithSAMLRequest.SAMLAssertion"},
		{"empty SAML role", stscreds.SAMLOptions{}.Request("", reqSAML, "assertion"), "AssumeRoleWithSAMLRequest.RoleArn"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var ve *sts.ValidationError
			require.ErrorAs(t, tc.req.Validate(), &ve)
			require.Equal(t, tc.field, ve.Field)
			require.NotEqual(t, "is required", ve.Rule, "an empty value is sent, and refused as malformed")
		})
	}
}

func TestOIDCOptionsRequest(t *testing.T) {
	cases := []struct {
		name string
		o    stscreds.OIDCOptions
		want *sts.AssumeRoleWithOIDCRequest
	}{
		{"every field", stscreds.OIDCOptions{RoleSessionName: "pod-1", Duration: time.Hour, Policy: reqPol, Cache: stscreds.CacheOptions{ExpiryWindow: time.Minute}},
			&sts.AssumeRoleWithOIDCRequest{RoleArn: tea.String(reqRole), OIDCProviderArn: tea.String(reqOIDC), OIDCToken: tea.String("jwt"),
				RoleSessionName: tea.String("pod-1"), DurationSeconds: tea.Int64(3600), Policy: tea.String(reqPol)}},
		{"no defaults applied", stscreds.OIDCOptions{},
			&sts.AssumeRoleWithOIDCRequest{RoleArn: tea.String(reqRole), OIDCProviderArn: tea.String(reqOIDC), OIDCToken: tea.String("jwt")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, tc.o.Request(reqRole, reqOIDC, "jwt"))
		})
	}
}

func TestSAMLOptionsRequest(t *testing.T) {
	cases := []struct {
		name string
		o    stscreds.SAMLOptions
		want *sts.AssumeRoleWithSAMLRequest
	}{
		{"every field", stscreds.SAMLOptions{Duration: 2 * time.Hour, Policy: reqPol, Cache: stscreds.CacheOptions{ExpiryWindow: time.Minute}},
			&sts.AssumeRoleWithSAMLRequest{RoleArn: tea.String(reqRole), SAMLProviderArn: tea.String(reqSAML), SAMLAssertion: tea.String("PHNhbWw+"),
				DurationSeconds: tea.Int64(7200), Policy: tea.String(reqPol)}},
		{"no defaults applied", stscreds.SAMLOptions{},
			&sts.AssumeRoleWithSAMLRequest{RoleArn: tea.String(reqRole), SAMLProviderArn: tea.String(reqSAML), SAMLAssertion: tea.String("PHNhbWw+")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, tc.o.Request(reqRole, reqSAML, "PHNhbWw+"))
		})
	}
}

// recorder is every API the providers call: it keeps the request and refuses it.
type recorder struct{ got any }

var errRecorded = errors.New("recorded")

func (r *recorder) AssumeRoleWithContext(_ context.Context, req *sts.AssumeRoleRequest, _ *sts.RuntimeOptions) (*sts.AssumeRoleResponse, error) {
	r.got = req
	return nil, errRecorded
}

func (r *recorder) AssumeRoleWithOIDCWithContext(_ context.Context, req *sts.AssumeRoleWithOIDCRequest, _ *sts.RuntimeOptions) (*sts.AssumeRoleWithOIDCResponse, error) {
	r.got = req
	return nil, errRecorded
}

func (r *recorder) AssumeRoleWithSAMLWithContext(_ context.Context, req *sts.AssumeRoleWithSAMLRequest, _ *sts.RuntimeOptions) (*sts.AssumeRoleWithSAMLResponse, error) {
	r.got = req
	return nil, errRecorded
}

// TestProvidersSendTheBuiltRequest: each provider and the SessionCache send the
// request the builder gives for their options after their defaults, nothing else.
func TestProvidersSendTheBuiltRequest(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name  string
		fetch func(r *recorder) error
		want  any
	}{
		{"AssumeRoleProvider", func(r *recorder) error {
			p, err := stscreds.NewAssumeRoleProvider(r, reqRole, func(o *stscreds.AssumeRoleOptions) {
				o.RoleSessionName, o.Policy, o.ExternalId, o.SourceIdentity = "s1", reqPol, "ext-1", "alice"
			})
			require.NoError(t, err)
			_, err = p.Retrieve(ctx)
			return err
		}, stscreds.Session{RoleArn: reqRole, RoleSessionName: "s1", Policy: reqPol, Duration: time.Hour, ExternalId: "ext-1", SourceIdentity: "alice"}.Request()},
		{"SessionCache", func(r *recorder) error {
			c, err := stscreds.NewSessionCache(r)
			require.NoError(t, err)
			defer c.Close()
			_, err = c.Retrieve(ctx, stscreds.Session{RoleArn: reqRole, RoleSessionName: "s1", ExternalId: "ext-1"})
			return err
		}, stscreds.Session{RoleArn: reqRole, RoleSessionName: "s1", Duration: time.Hour, ExternalId: "ext-1"}.Request()},
		{"OIDCProvider", func(r *recorder) error {
			p, err := stscreds.NewOIDCProvider(r, reqRole, reqOIDC, tokenFunc("jwt"), func(o *stscreds.OIDCOptions) {
				o.RoleSessionName, o.Duration, o.Policy = "pod-1", 2*time.Hour, reqPol
			})
			require.NoError(t, err)
			_, err = p.Retrieve(ctx)
			return err
		}, stscreds.OIDCOptions{RoleSessionName: "pod-1", Duration: 2 * time.Hour, Policy: reqPol}.Request(reqRole, reqOIDC, "jwt")},
		{"SAMLProvider", func(r *recorder) error {
			p, err := stscreds.NewSAMLProvider(r, reqRole, reqSAML, func(context.Context) (string, error) { return "PHNhbWw+", nil },
				func(o *stscreds.SAMLOptions) { o.Policy = reqPol })
			require.NoError(t, err)
			_, err = p.Retrieve(ctx)
			return err
		}, stscreds.SAMLOptions{Duration: time.Hour, Policy: reqPol}.Request(reqRole, reqSAML, "PHNhbWw+")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var r recorder
			require.ErrorIs(t, tc.fetch(&r), errRecorded)
			require.Equal(t, tc.want, r.got)
		})
	}
}

type tokenFunc string

func (f tokenFunc) Token(context.Context) (string, error) { return string(f), nil }
