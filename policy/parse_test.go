package policy_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts"
	"github.com/stsgo/sts/policy"
)

// TestParse feeds Parse hand-written JSON, hostile and not: each refusal must name the
// element at fault.
func TestParse(t *testing.T) {
	const stmt = `{"Effect":"Allow","Action":"oss:GetObject","Resource":"*"}`
	cases := []struct {
		name, json string
		field      string // "" and reason "": parses
		reason     string
	}{
		{"minimal", `{"Version":"1","Statement":[` + stmt + `]}`, "", ""},
		{"lists and strings", `{"Statement":[{"Resource":["acs:oss:*:*:b/*"],"Action":["oss:GetObject","oss:PutObject"],"Effect":"Deny",
			"Condition":{"StringLike":{"oss:Prefix":["a/*","b/*"]},"Bool":{"acs:SecureTransport":"true"}}}],"Version":"1"}`, "", ""},
		{"empty condition", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{}}]}`, "", ""},
		{"whitespace", "\n\t{ \"Version\" : \"1\" ,\r\n \"Statement\" : [ " + stmt + " ] }\n", "", ""},
		{"escapes", `{"Version":"\u0031","Statement":[{"Effect":"\u0041llow","Action":"oss:Get\u004fbject","Resource":"*"}]}`, "", ""},

		{"not json", `{"Version":"1",`, "", "not valid JSON"},
		{"empty", ``, "", "not valid JSON"},
		{"array", `[` + stmt + `]`, "", "must be an object"},
		{"string", `"{}"`, "", "must be an object"},
		{"trailing", `{"Version":"1","Statement":[` + stmt + `]} {}`, "", "more after the end"},
		{"trailing garbage", `{"Version":"1","Statement":[` + stmt + `]}x`, "", "more after the end"},
		{"invalid utf-8", "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"oss:\xff\",\"Resource\":\"*\"}]}", "", "not valid UTF-8"},
		{"no version", `{"Statement":[` + stmt + `]}`, "Version", "missing"},
		{"empty version", `{"Version":"","Statement":[` + stmt + `]}`, "Version", `"" is not "1"`},
		{"numeric version", `{"Version":1,"Statement":[` + stmt + `]}`, "Version", "must be a string, not a number"},
		{"no statement", `{"Version":"1"}`, "Statement", "missing"},
		{"Statements", `{"Version":"1","Statements":[` + stmt + `]}`, "Statements", "unknown element"},
		{"single statement object", `{"Version":"1","Statement":` + stmt + `}`, "Statement", "must be a list of statements"},
		{"empty statements", `{"Version":"1","Statement":[]}`, "Statement", "no statements"},
		{"statement not object", `{"Version":"1","Statement":["x"]}`, "Statement[0]", "must be an object, not a string"},
		{"duplicate effect", `{"Version":"1","Statement":[{"Effect":"Deny","Effect":"Allow","Action":"*","Resource":"*"}]}`, "Statement[0]", `"Effect" appears twice`},
		{"duplicate top-level", `{"Version":"1","Version":"1","Statement":[` + stmt + `]}`, "", `"Version" appears twice`},
		{"duplicate condition key", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"acs:SourceIp":"10.0.0.0/8","acs:SourceIp":"0.0.0.0/0"}}}]}`,
			"Statement[0].Condition.IpAddress", `"acs:SourceIp" appears twice`},
		{"principal", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Principal":{"RAM":"*"}}]}`, "Statement[0].Principal", "unknown element"},
		{"sid", `{"Version":"1","Statement":[{"Sid":"1","Effect":"Allow","Action":"*","Resource":"*"}]}`, "Statement[0].Sid", "unknown element"},
		{"lower-case member", `{"Version":"1","Statement":[{"effect":"Allow","Action":"*","Resource":"*"}]}`, "Statement[0].effect", "unknown element"},
		{"empty action list", `{"Version":"1","Statement":[{"Effect":"Allow","Action":[],"Resource":"*"}]}`, "Statement[0].Action", "empty list"},
		{"action number", `{"Version":"1","Statement":[{"Effect":"Allow","Action":[1],"Resource":"*"}]}`, "Statement[0].Action[0]", "not a number"},
		{"nested list", `{"Version":"1","Statement":[{"Effect":"Allow","Action":[["oss:GetObject"]],"Resource":"*"}]}`, "Statement[0].Action[0]", "not a list"},
		{"null resource", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":null}]}`, "Statement[0].Resource", "not null"},
		{"boolean value", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"acs:SecureTransport":true}}}]}`,
			`Statement[0].Condition.Bool["acs:SecureTransport"]`, "not a boolean"},
		{"condition list", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":[]}]}`, "Statement[0].Condition", "must be an object"},
		{"operator not object", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":"x"}}]}`, "Statement[0].Condition.Bool", "must be an object"},
		{"empty values", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"acs:MFAPresent":[]}}}]}`,
			`Statement[0].Condition.Bool["acs:MFAPresent"]`, "empty list"},
		{"escaped NUL", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"acs:oss:*:*:b/\u0000"}]}`, "Statement[0].Resource[0]", "control character"},
		{"grammar after parse", `{"Version":"1","Statement":[` + stmt + `,{"Effect":"Allow","Action":"PutObject","Resource":"*"}]}`, "Statement[1].Action[0]", "no service prefix"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := policy.Parse(c.json)
			if c.field == "" && c.reason == "" {
				require.NoError(t, err)
				require.NoError(t, p.Validate())
				return
			}
			var pe *policy.Error
			require.ErrorAs(t, err, &pe)
			require.Equal(t, c.field, pe.Field)
			require.Contains(t, pe.Reason, c.reason)
			require.Equal(t, policy.Policy{}, p)
		})
	}
}

// TestCanonical: spellings of one policy that RAM cannot tell apart give the same
// bytes, and policies that differ do not.
func TestCanonical(t *testing.T) {
	spellings := []string{
		`{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:PutObject","oss:GetObject"],"Resource":"acs:oss:*:*:b/u/*"},
			{"Effect":"Deny","Action":"oss:DeleteObject","Resource":"*","Condition":{"Bool":{"acs:SecureTransport":"false"},"NotIpAddress":{"acs:SourceIp":["10.0.0.0/8","192.0.2.0/24"]}}}]}`,
		`{ "Statement" : [
			{ "Condition": { "NotIpAddress": { "acs:SourceIp": ["192.0.2.0/24", "10.0.0.0/8", "10.0.0.0/8"] }, "Bool": { "acs:SecureTransport": ["false"] } },
			  "Resource": ["*"], "Action": ["oss:DeleteObject"], "Effect": "Deny" },
			{ "Resource": ["acs:oss:*:*:b/u/*", "acs:oss:*:*:b/u/*"], "Effect": "Allow", "Action": ["oss:GetObject", "oss:PutObject"] },
			{ "Effect": "Allow", "Action": ["oss:GetObject", "oss:PutObject"], "Resource": "acs:oss:*:*:b/u/*", "Condition": {} }
		  ],
		  "Version" : "1" }`,
	}
	want := `{"Version":"1","Statement":[` +
		`{"Effect":"Allow","Action":["oss:GetObject","oss:PutObject"],"Resource":"acs:oss:*:*:b/u/*"},` +
		`{"Effect":"Deny","Action":"oss:DeleteObject","Resource":"*","Condition":{"Bool":{"acs:SecureTransport":"false"},"NotIpAddress":{"acs:SourceIp":["10.0.0.0/8","192.0.2.0/24"]}}}]}`
	for _, s := range spellings {
		p, err := policy.Parse(s)
		require.NoError(t, err)
		require.Equal(t, want, p.String())
		require.Equal(t, want, policy.Normalize(s))
		b, err := json.Marshal(p)
		require.NoError(t, err)
		require.Equal(t, want, string(b))
	}

	// Differences RAM does see stay different.
	base := policy.New(allow("oss:GetObject", "acs:oss:*:*:b/*"))
	others := []policy.Policy{
		policy.New(allow("oss:getobject", "acs:oss:*:*:b/*")),
		policy.New(allow("oss:GetObject", "acs:oss:*:*:B/*")),
		policy.New(policy.Statement{Effect: policy.Deny, Action: []string{"oss:GetObject"}, Resource: []string{"acs:oss:*:*:b/*"}}),
		policy.New(policy.Statement{Effect: policy.Allow, NotAction: []string{"oss:GetObject"}, Resource: []string{"acs:oss:*:*:b/*"}}),
		policy.New(policy.Statement{Effect: policy.Allow, Action: []string{"oss:GetObject"}, NotResource: []string{"acs:oss:*:*:b/*"}}),
		policy.New(policy.Statement{Effect: policy.Allow, Action: []string{"oss:GetObject"}, Resource: []string{"acs:oss:*:*:b/*"},
			Condition: policy.Condition{policy.Bool: {policy.KeySecureTransport: {"true"}}}}),
	}
	for _, o := range others {
		require.NotEqual(t, base.String(), o.String())
	}

	// Strings are escaped as JSON needs, nothing more.
	p := policy.New(policy.Statement{Effect: policy.Allow, Action: []string{"*"}, Resource: []string{"*"},
		Condition: policy.Condition{policy.StringEquals: {"acs:UserAgent": {`a"b\c<d>&é` + "\u2028"}}}})
	require.NoError(t, p.Validate())
	require.Contains(t, p.String(), `"a\"b\\c<d>&é`+"\u2028"+`"`)
	back, err := policy.Parse(p.String())
	require.NoError(t, err)
	require.Equal(t, p.String(), back.String())
}

// TestStringOfInvalidPolicy: an invalid policy is encoded as written, never as "",
// which would send no policy and grant the whole role; MarshalJSON refuses it.
func TestStringOfInvalidPolicy(t *testing.T) {
	for _, p := range []policy.Policy{{}, {Version: "2"}, policy.New(policy.Statement{}), policy.New(allow("x", "y\x01\xff"))} {
		s := p.String()
		require.NotEmpty(t, s)
		_, err := policy.Parse(s)
		require.Error(t, err)
		_, err = json.Marshal(p)
		var pe *policy.Error
		require.ErrorAs(t, err, &pe)
	}
	require.Equal(t, `{"Version":"1","Statement":[]}`, policy.Policy{}.String())
}

// TestNormalizeLeavesInvalidAlone: what does not parse goes to the service unchanged.
func TestNormalizeLeavesInvalidAlone(t *testing.T) {
	for _, s := range []string{"", "{not json", `{"Version":"1","Statement":[]}`, `{"Version":"1","Statement":[{"Effect":"allow","Action":"*","Resource":"*"}]}`} {
		require.Equal(t, s, policy.Normalize(s))
	}
}

// TestSetPolicy: p.String() is what AssumeRoleRequest.SetPolicy takes, and the
// client's own checks accept it.
func TestSetPolicy(t *testing.T) {
	objects, err := policy.OSSObjects("example-uploads", "uploads", "alice")
	require.NoError(t, err)
	p := policy.New(allow("oss:PutObject", objects))
	req := new(sts.AssumeRoleRequest).SetRoleArn("acs:ram::1234567890123456:role/app").SetRoleSessionName("alice").SetPolicy(p.String())
	require.NoError(t, req.Validate())
	require.Equal(t, `{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:PutObject","Resource":"acs:oss:*:*:example-uploads/uploads/alice/*"}]}`, *req.Policy)
}

// TestParseLarge: a huge or deeply nested input is refused without trouble.
func TestParseLarge(t *testing.T) {
	_, err := policy.Parse(`{"Version":"1","Statement":[` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + `]}`)
	require.Error(t, err)
	_, err = policy.Parse(`{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"acs:oss:*:*:` + strings.Repeat("a", 1<<20) + `"}]}`)
	require.ErrorIs(t, err, policy.ErrTooLarge)
}
