package ststest

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts"
	"github.com/stsgo/sts/internal/protocol"
)

// TestRulesAgreeWithTheClient runs the fake's parameter rules and the client's
// Validate over the same inputs, every documented parameter of every action set to
// values on both sides of each limit (and absent): both must find the same
// parameters broken. The two rule sets are written independently, from PROTOCOL.md;
// a drift in either fails here.
func TestRulesAgreeWithTheClient(t *testing.T) {
	long := strings.Repeat
	candidates := map[string][]string{
		"RoleArn": {"acs:ram::1234567890123456:role/app", "acs:ram::1:role/a.b-c_d/e", "arn:aws:iam::1:role/x", "acs:ram::abc:role/x",
			"acs:ram::1:role/", "acs:ram::1:role/a b", "acs:ram::1:user/x", "acs:ram:::role/x", ""},
		"RoleSessionName": {"ab", "a", long("a", 64), long("a", 65), "a b", "a.b@c-d_e", "éé", "a/b", ""},
		"Policy":          {"{}", "", long("é", protocol.MaxPolicyLength), long("é", protocol.MaxPolicyLength+1), `{"Version":"1"}`},
		"ExternalId":      {"ab", "a", "a b", "abc:/=,.@+-_", long("a", 1224), long("a", 1225), "", "é1"},
		"SourceIdentity":  {"ab", "a", "acs:x", "ACS:x", "aliyun:x", "alibabacloud:x", "a b", long("a", 64), long("a", 65), "x:y", "", "acsx"},
		"OIDCProviderArn": {"acs:ram::1:oidc-provider/p", "acs:ram::1:role/p", "acs:ram::1:oidc-provider/", ""},
		"OIDCToken":       {"abcd", "abc", long("a", 20000), long("a", 20001), ""},
		"SAMLProviderArn": {"acs:ram::1:saml-provider/p", "acs:ram::1:oidc-provider/p", ""},
		"SAMLAssertion":   {"abcd", "abc", long("a", 100000), long("a", 100001), ""},
		"DurationSeconds": {"899", "900", "3600", "43200", "43201", "0", "-900"},
	}
	bases := map[string]params{
		"AssumeRole":         {"RoleArn": "acs:ram::1:role/r", "RoleSessionName": "s1"},
		"AssumeRoleWithOIDC": {"RoleArn": "acs:ram::1:role/r", "OIDCProviderArn": "acs:ram::1:oidc-provider/p", "OIDCToken": "token"},
		"AssumeRoleWithSAML": {"RoleArn": "acs:ram::1:role/r", "SAMLProviderArn": "acs:ram::1:saml-provider/p", "SAMLAssertion": "assertion"},
	}
	cases := 0
	for action, base := range bases {
		names := []string{"DurationSeconds"}
		for _, r := range actionRules[action] {
			names = append(names, r.name)
		}
		for _, name := range names {
			values := append([]*string{nil}, ptrs(candidates[name])...)
			for _, v := range values {
				p := params{}
				for k, val := range base {
					p[k] = val
				}
				delete(p, name)
				if v != nil {
					p[name] = *v
				}
				got := brokenParams(action, p)
				want := clientBroken(t, action, p)
				slices.Sort(got)
				slices.Sort(want)
				require.Equal(t, want, got, "%s with %s=%s", action, name, show(v))
				cases++
			}
		}
	}
	require.Greater(t, cases, 100, "the inputs ran")
}

func ptrs(vs []string) []*string {
	out := make([]*string, len(vs))
	for i := range vs {
		out[i] = &vs[i]
	}
	return out
}

func show(v *string) string {
	if v == nil {
		return "(absent)"
	}
	if len(*v) > 40 {
		return strconv.Quote((*v)[:20]) + "... (" + strconv.Itoa(len(*v)) + " bytes)"
	}
	return strconv.Quote(*v)
}

// clientBroken is what the client's Validate refuses in the same parameters.
func clientBroken(t *testing.T, action string, p params) []string {
	var duration *int64
	if v, ok := p["DurationSeconds"]; ok {
		n, err := strconv.ParseInt(v, 10, 64)
		require.NoError(t, err)
		duration = &n
	}
	var err error
	switch action {
	case "AssumeRole":
		err = (&sts.AssumeRoleRequest{DurationSeconds: duration, ExternalId: p.optional("ExternalId"), Policy: p.optional("Policy"),
			RoleArn: p.optional("RoleArn"), RoleSessionName: p.optional("RoleSessionName"), SourceIdentity: p.optional("SourceIdentity")}).Validate()
	case "AssumeRoleWithOIDC":
		err = (&sts.AssumeRoleWithOIDCRequest{DurationSeconds: duration, OIDCProviderArn: p.optional("OIDCProviderArn"), OIDCToken: p.optional("OIDCToken"),
			Policy: p.optional("Policy"), RoleArn: p.optional("RoleArn"), RoleSessionName: p.optional("RoleSessionName")}).Validate()
	case "AssumeRoleWithSAML":
		err = (&sts.AssumeRoleWithSAMLRequest{DurationSeconds: duration, Policy: p.optional("Policy"), RoleArn: p.optional("RoleArn"),
			SAMLAssertion: p.optional("SAMLAssertion"), SAMLProviderArn: p.optional("SAMLProviderArn")}).Validate()
	}
	var broken []string
	for _, e := range unjoin(err) {
		var ve *sts.ValidationError
		require.True(t, errors.As(e, &ve), "%v", e)
		_, field, _ := strings.Cut(ve.Field, ".")
		broken = append(broken, field)
	}
	return broken
}

// unjoin lists the errors errors.Join put together.
func unjoin(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}
