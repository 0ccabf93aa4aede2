package policy_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts/internal/protocol"
	"github.com/stsgo/sts/policy"
)

func allow(action, resource string) policy.Statement {
	return policy.Statement{Effect: policy.Allow, Action: []string{action}, Resource: []string{resource}}
}

// TestValidate holds Validate to each rule of the grammar: every case breaks one rule
// and must be refused with an *Error naming the element and the rule, and the valid
// ones must pass.
func TestValidate(t *testing.T) {
	ok := allow("oss:GetObject", "acs:oss:*:*:b/*")
	with := func(f func(*policy.Statement)) policy.Policy {
		s := ok
		f(&s)
		return policy.New(s)
	}
	cases := []struct {
		name   string
		p      policy.Policy
		field  string // "" with reason "": valid
		reason string
	}{
		{"minimal", policy.New(ok), "", ""},
		{"empty version means 1", policy.Policy{Statement: []policy.Statement{ok}}, "", ""},
		{"everything", policy.New(policy.Statement{Effect: policy.Deny, NotAction: []string{"ram:*", "ecs:Describe?nstance*", "log:Get.Logs"},
			NotResource: []string{"acs:ram::1234567890123456:role/admin", "*"},
			Condition: policy.Condition{policy.IpAddress: {policy.KeySourceIp: {"192.0.2.0/24"}}, policy.Bool: {policy.KeySecureTransport: {"true"}},
				policy.StringLike: {"acs:ResourceTag/team": {""}}}}), "", ""},
		{"star action and resource", policy.New(allow("*", "*")), "", ""},
		{"empty region and account", policy.New(allow("sts:AssumeRole", "acs:ram:::role/x")), "", ""},
		{"resource part with colons", policy.New(allow("fc:Invoke", "acs:fc:cn-hangzhou:1:services/a:b")), "", ""},
		{"non-ascii value", with(func(s *policy.Statement) {
			s.Condition = policy.Condition{policy.StringEquals: {"acs:ResourceTag/owner": {"张三"}}}
		}), "", ""},

		{"version 2", policy.Policy{Version: "2", Statement: []policy.Statement{ok}}, "Version", `"2" is not "1"`},
		{"no statements", policy.New(), "Statement", "no statements"},
		{"no effect", with(func(s *policy.Statement) { s.Effect = "" }), "Statement[0].Effect", "missing"},
		{"lower-case effect", with(func(s *policy.Statement) { s.Effect = "allow" }), "Statement[0].Effect", `"allow" is neither Allow nor Deny`},
		{"no action", with(func(s *policy.Statement) { s.Action = nil }), "Statement[0]", "neither Action nor NotAction"},
		{"action and notaction", with(func(s *policy.Statement) { s.NotAction = []string{"ecs:*"} }), "Statement[0]", "both Action and NotAction"},
		{"no service prefix", with(func(s *policy.Statement) { s.Action = []string{"oss:GetObject", "PutObject"} }), "Statement[0].Action[1]", `"PutObject" has no service prefix`},
		{"empty service", with(func(s *policy.Statement) { s.Action = []string{":GetObject"} }), "Statement[0].Action[0]", "empty service prefix"},
		{"wildcard service", with(func(s *policy.Statement) { s.Action = []string{"*:GetObject"} }), "Statement[0].Action[0]", "service prefix of other than"},
		{"no operation", with(func(s *policy.Statement) { s.Action = []string{"oss:"} }), "Statement[0].Action[0]", "no operation"},
		{"two colons", with(func(s *policy.Statement) { s.Action = []string{"oss:Get:Object"} }), "Statement[0].Action[0]", "operation of other than"},
		{"space in action", with(func(s *policy.Statement) { s.Action = []string{"oss: GetObject"} }), "Statement[0].Action[0]", "operation of other than"},
		{"bad notaction", with(func(s *policy.Statement) { s.Action, s.NotAction = nil, []string{"x"} }), "Statement[0].NotAction[0]", "no service prefix"},
		{"no resource", with(func(s *policy.Statement) { s.Resource = nil }), "Statement[0]", "neither Resource nor NotResource"},
		{"resource and notresource", with(func(s *policy.Statement) { s.NotResource = []string{"*"} }), "Statement[0]", "both Resource and NotResource"},
		{"resource not an arn", with(func(s *policy.Statement) { s.Resource = []string{"mybucket/*"} }), "Statement[0].Resource[0]", "neither \"*\" nor an ARN"},
		{"aws arn", with(func(s *policy.Statement) { s.Resource = []string{"arn:aws:s3:::b"} }), "Statement[0].Resource[0]", "neither \"*\" nor an ARN"},
		{"short arn", with(func(s *policy.Statement) { s.Resource = []string{"acs:oss:*:*"} }), "Statement[0].Resource[0]", "fewer than the five parts"},
		{"arn without service", with(func(s *policy.Statement) { s.Resource = []string{"acs::*:*:b"} }), "Statement[0].Resource[0]", "empty service"},
		{"arn without resource", with(func(s *policy.Statement) { s.Resource = []string{"acs:oss:*:*:"} }), "Statement[0].Resource[0]", "empty resource part"},
		{"empty resource", with(func(s *policy.Statement) { s.Resource = []string{""} }), "Statement[0].Resource[0]", "neither"},
		{"notresource bad", with(func(s *policy.Statement) { s.Resource, s.NotResource = nil, []string{"x"} }), "Statement[0].NotResource[0]", "neither"},
		{"control character", with(func(s *policy.Statement) { s.Resource = []string{"acs:oss:*:*:b/\x00*"} }), "Statement[0].Resource[0]", "control character"},
		{"invalid utf-8", with(func(s *policy.Statement) { s.Resource = []string{"acs:oss:*:*:b/\xff"} }), "Statement[0].Resource[0]", "not valid UTF-8"},
		{"unknown operator", with(func(s *policy.Statement) {
			s.Condition = policy.Condition{"StringEqual": {"acs:SourceIp": {"x"}}}
		}), "Statement[0].Condition", `unknown operator "StringEqual"`},
		{"IfExists", with(func(s *policy.Statement) {
			s.Condition = policy.Condition{"BoolIfExists": {"acs:MFAPresent": {"true"}}}
		}), "Statement[0].Condition", `unknown operator "BoolIfExists"`},
		{"Null", with(func(s *policy.Statement) { s.Condition = policy.Condition{"Null": {"acs:SourceVpc": {"true"}}} }), "Statement[0].Condition", "unknown operator"},
		{"operator without keys", with(func(s *policy.Statement) { s.Condition = policy.Condition{policy.Bool: {}} }), "Statement[0].Condition.Bool", "no condition keys"},
		{"key without prefix", with(func(s *policy.Statement) { s.Condition = policy.Condition{policy.IpAddress: {"SourceIp": {"x"}}} }), `Statement[0].Condition.IpAddress["SourceIp"]`, "not a condition key"},
		{"key with space", with(func(s *policy.Statement) { s.Condition = policy.Condition{policy.IpAddress: {"acs:Source Ip": {"x"}}} }), `Statement[0].Condition.IpAddress["acs:Source Ip"]`, "not a condition key"},
		{"key without values", with(func(s *policy.Statement) {
			s.Condition = policy.Condition{policy.Bool: {policy.KeySecureTransport: nil}}
		}), `Statement[0].Condition.Bool["acs:SecureTransport"]`, "no values"},
		{"value with newline", with(func(s *policy.Statement) {
			s.Condition = policy.Condition{policy.StringLike: {policy.KeyOSSPrefix: {"a", "b\n"}}}
		}), `Statement[0].Condition.StringLike["oss:Prefix"][1]`, "control character"},
		{"second statement", policy.New(ok, allow("PutObject", "*")), "Statement[1].Action[0]", `"PutObject" has no service prefix`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.p.Validate()
			if c.field == "" && c.reason == "" {
				require.NoError(t, err)
				_, err = policy.Parse(c.p.String())
				require.NoError(t, err, "the canonical form of a valid policy parses")
				return
			}
			var pe *policy.Error
			require.ErrorAs(t, err, &pe)
			require.Equal(t, c.field, pe.Field)
			require.Contains(t, pe.Reason, c.reason)
			require.False(t, errors.Is(err, policy.ErrTooLarge))
			_, perr := policy.Parse(c.p.String())
			require.Error(t, perr, "Parse refuses what Validate refuses")
		})
	}
}

// TestErrorMessage pins the message shape the issue asks for.
func TestErrorMessage(t *testing.T) {
	p := policy.New(allow("oss:GetObject", "*"), allow("PutObject", "*"))
	require.EqualError(t, p.Validate(), `policy: Statement[1].Action[0]: "PutObject" has no service prefix (<service>:<operation>, e.g. oss:GetObject)`)

	long := strings.Repeat("A", 10000) + "\x00"
	err := policy.New(allow("oss:GetObject", long)).Validate()
	require.Less(t, len(err.Error()), 300, "a hostile value is cut in the message")
}

// TestSize measures the limit in characters of the canonical form, as STS counts them:
// exactly MaxLength passes, one more is ErrTooLarge; multi-byte characters count once.
func TestSize(t *testing.T) {
	require.Equal(t, protocol.MaxPolicyLength, policy.MaxLength)
	sized := func(n int, fill string) policy.Policy {
		p := policy.New(allow("oss:GetObject", "acs:oss:*:*:b/"))
		base := len([]rune(p.String()))
		p.Statement[0].Resource[0] += strings.Repeat(fill, n-base)
		require.Equal(t, n, len([]rune(p.String())))
		return p
	}
	for _, fill := range []string{"a", "é", "界"} {
		require.NoError(t, sized(policy.MaxLength, fill).Validate(), fill)
		err := sized(policy.MaxLength+1, fill).Validate()
		require.ErrorIs(t, err, policy.ErrTooLarge, fill)
		var pe *policy.Error
		require.ErrorAs(t, err, &pe)
		require.Contains(t, pe.Reason, "2049 characters")
	}

	// HTML-sensitive characters are one character each, not six (\u003c).
	p := sized(policy.MaxLength, "<")
	require.NoError(t, p.Validate())
	require.NotContains(t, p.String(), `\u003c`)

	// The limit is on what is sent: whitespace and duplicates in a hand-written policy
	// do not count.
	padded := `{"Version": "1", "Statement": [` + strings.Repeat(" ", 3000) +
		`{"Effect": "Allow", "Action": ["oss:GetObject", "oss:GetObject"], "Resource": "*"}]}`
	got, err := policy.Parse(padded)
	require.NoError(t, err)
	require.Equal(t, `{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:GetObject","Resource":"*"}]}`, got.String())
}
