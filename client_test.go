package sts_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/alibabacloud-go/tea/dara"
	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts"
)

// variant is one of the three ways every operation can be called.
type variant string

const (
	plain       variant = "plain"
	withOptions variant = "options"
	withContext variant = "context"
)

var variants = []variant{plain, withOptions, withContext}

// opCase calls one operation in one variant and returns the decoded body's
// RequestId and Credentials (nil for GetCallerIdentity).
type opCase struct {
	name      string
	file      string
	anonymous bool
	params    map[string]string // query parameters the request must carry
	call      func(c *sts.Client, v variant) (requestID string, creds *sts.Credentials, status int32, err error)
}

func pick[R any](v variant, p func() (R, error), o func(*sts.RuntimeOptions) (R, error), x func(context.Context, *sts.RuntimeOptions) (R, error)) (R, error) {
	rt := &sts.RuntimeOptions{}
	switch v {
	case plain:
		return p()
	case withOptions:
		return o(rt)
	default:
		return x(context.Background(), rt)
	}
}

var opCases = []opCase{
	{
		name: "AssumeRole", file: "assume_role.json",
		params: map[string]string{"RoleArn": testRole, "RoleSessionName": "alice", "DurationSeconds": "3600", "Policy": `{"Statement":[{"Action":"oss:*","Effect":"Allow","Resource":"*"}],"Version":"1"}`},
		call: func(c *sts.Client, v variant) (string, *sts.Credentials, int32, error) {
			req := new(sts.AssumeRoleRequest).SetRoleArn(testRole).SetRoleSessionName("alice").SetDurationSeconds(3600).
				SetPolicy(`{"Statement":[{"Action":"oss:*","Effect":"Allow","Resource":"*"}],"Version":"1"}`)
			r, err := pick(v, func() (*sts.AssumeRoleResponse, error) { return c.AssumeRole(req) },
				func(rt *sts.RuntimeOptions) (*sts.AssumeRoleResponse, error) { return c.AssumeRoleWithOptions(req, rt) },
				func(ctx context.Context, rt *sts.RuntimeOptions) (*sts.AssumeRoleResponse, error) {
					return c.AssumeRoleWithContext(ctx, req, rt)
				})
			if err != nil {
				return "", nil, 0, err
			}
			return *r.Body.RequestId, r.Body.Credentials, *r.StatusCode, nil
		},
	},
	{
		name: "AssumeRoleWithOIDC", file: "assume_role_with_oidc.json", anonymous: true,
		params: map[string]string{"RoleArn": testRole, "OIDCProviderArn": "acs:ram::1234567890123456:oidc-provider/ack", "OIDCToken": "eyJhbGciOiJSUzI1NiJ9.e30.c2ln"},
		call: func(c *sts.Client, v variant) (string, *sts.Credentials, int32, error) {
			req := new(sts.AssumeRoleWithOIDCRequest).SetRoleArn(testRole).
				SetOIDCProviderArn("acs:ram::1234567890123456:oidc-provider/ack").SetOIDCToken("eyJhbGciOiJSUzI1NiJ9.e30.c2ln")
			r, err := pick(v, func() (*sts.AssumeRoleWithOIDCResponse, error) { return c.AssumeRoleWithOIDC(req) },
				func(rt *sts.RuntimeOptions) (*sts.AssumeRoleWithOIDCResponse, error) {
					return c.AssumeRoleWithOIDCWithOptions(req, rt)
				},
				func(ctx context.Context, rt *sts.RuntimeOptions) (*sts.AssumeRoleWithOIDCResponse, error) {
					return c.AssumeRoleWithOIDCWithContext(ctx, req, rt)
				})
			if err != nil {
				return "", nil, 0, err
			}
			if got := *r.Body.OIDCTokenInfo.Issuer; got != "https://dev-xxxxxx.okta.com" {
				return "", nil, 0, fmt.Errorf("OIDCTokenInfo.Issuer = %q", got)
			}
			return *r.Body.RequestId, r.Body.Credentials, *r.StatusCode, nil
		},
	},
	{
		name: "AssumeRoleWithSAML", file: "assume_role_with_saml.json", anonymous: true,
		params: map[string]string{"RoleArn": testRole, "SAMLProviderArn": "acs:ram::1234567890123456:saml-provider/adfs", "SAMLAssertion": "PHNhbWxwOlJlc3BvbnNlPg=="},
		call: func(c *sts.Client, v variant) (string, *sts.Credentials, int32, error) {
			req := new(sts.AssumeRoleWithSAMLRequest).SetRoleArn(testRole).
				SetSAMLProviderArn("acs:ram::1234567890123456:saml-provider/adfs").SetSAMLAssertion("PHNhbWxwOlJlc3BvbnNlPg==")
			r, err := pick(v, func() (*sts.AssumeRoleWithSAMLResponse, error) { return c.AssumeRoleWithSAML(req) },
				func(rt *sts.RuntimeOptions) (*sts.AssumeRoleWithSAMLResponse, error) {
					return c.AssumeRoleWithSAMLWithOptions(req, rt)
				},
				func(ctx context.Context, rt *sts.RuntimeOptions) (*sts.AssumeRoleWithSAMLResponse, error) {
					return c.AssumeRoleWithSAMLWithContext(ctx, req, rt)
				})
			if err != nil {
				return "", nil, 0, err
			}
			if got := *r.Body.SAMLAssertionInfo.Subject; got != "alice@example.com" {
				return "", nil, 0, fmt.Errorf("SAMLAssertionInfo.Subject = %q", got)
			}
			return *r.Body.RequestId, r.Body.Credentials, *r.StatusCode, nil
		},
	},
	{
		name: "GetCallerIdentity", file: "get_caller_identity.json",
		call: func(c *sts.Client, v variant) (string, *sts.Credentials, int32, error) {
			r, err := pick(v, c.GetCallerIdentity, c.GetCallerIdentityWithOptions, c.GetCallerIdentityWithContext)
			if err != nil {
				return "", nil, 0, err
			}
			if got := *r.Body.Arn; got != "acs:ram::1234567890123456:user/alice" {
				return "", nil, 0, fmt.Errorf("Arn = %q", got)
			}
			return *r.Body.RequestId, nil, *r.StatusCode, nil
		},
	},
}

// TestOperationsEndToEnd runs every operation in every variant, with each signature,
// with and without a security token, against a server that verifies the signature with
// darabonba-openapi's reference functions.
func TestOperationsEndToEnd(t *testing.T) {
	for _, op := range opCases {
		for _, alg := range []string{"", "ACS3-HMAC-SM3", "v2"} {
			for _, token := range []string{"", testToken} {
				for _, v := range variants {
					name := fmt.Sprintf("%s/%s/token=%t/%s", op.name, alg, token != "", v)
					t.Run(name, func(t *testing.T) {
						rs := newRefServer(t, replyFile(t, 200, op.file))
						cfg := rs.config()
						if alg != "" {
							cfg.SignatureAlgorithm = dara.String(alg)
						}
						if token != "" {
							cfg.SecurityToken = dara.String(token)
						}
						c := newTestClient(t, cfg)
						id, creds, status, err := op.call(c, v)
						require.NoError(t, err)
						require.NotEmpty(t, id)
						require.EqualValues(t, 200, status)
						if op.file != "get_caller_identity.json" {
							require.NotNil(t, creds)
							require.NotEmpty(t, *creds.AccessKeySecret)
							_, err := creds.ExpirationTime()
							require.NoError(t, err)
						}

						got := rs.last()
						require.Equal(t, op.name, got.action)
						require.Equal(t, "2015-04-01", first(got.query["Version"], got.header.Get("x-acs-version")))
						for k, want := range op.params {
							require.Equal(t, want, got.query[k], "query parameter %s", k)
						}
						if op.anonymous {
							require.Empty(t, got.signature, "anonymous operations carry no signature")
							require.Empty(t, got.query["AccessKeyId"])
							require.Empty(t, got.header.Get("Authorization"))
							require.Empty(t, got.query["SecurityToken"])
							return
						}
						wantAlg := map[string]string{"": "ACS3-HMAC-SHA256", "ACS3-HMAC-SM3": "ACS3-HMAC-SM3", "v2": "HMAC-SHA1"}[alg]
						require.Equal(t, wantAlg, got.signature)
						require.Equal(t, testKeyID, got.keyID)
						require.Equal(t, token, got.token)
					})
				}
			}
		}
	}
}

func first(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// TestFreshNoncePerAttempt checks that retries re-sign with a new nonce and that the
// server sees distinct nonces.
func TestFreshNoncePerAttempt(t *testing.T) {
	for _, alg := range []string{"", "v2"} {
		t.Run(alg, func(t *testing.T) {
			rs := newRefServer(t, replyFile(t, 500, "internal_error.json"))
			cfg := rs.config()
			if alg != "" {
				cfg.SignatureAlgorithm = dara.String(alg)
			}
			c := newTestClient(t, cfg)
			_, err := c.GetCallerIdentity()
			require.Error(t, err)
			require.EqualValues(t, 3, rs.calls.Load())
			nonces := map[string]bool{}
			for _, s := range rs.seen {
				nonces[first(s.query["SignatureNonce"], s.header.Get("x-acs-signature-nonce"))] = true
			}
			require.Len(t, nonces, 3)
		})
	}
}
