package ststest

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts/internal/protocol"
	stspolicy "github.com/stsgo/sts/policy"
)

// TestPolicyRulesAgreeWithThePackage runs the fake's policy grammar and
// stspolicy.Parse over the same documents: each element of a statement set in turn to
// values on both sides of its rules, and whole documents malformed in the ways people
// and attackers malform them. Both must accept or refuse each alike; the two are
// written independently, so a drift in either fails here.
func TestPolicyRulesAgreeWithThePackage(t *testing.T) {
	elements := map[string][]string{
		"Effect": {`"Allow"`, `"Deny"`, `"allow"`, `""`, `1`, `null`, `["Allow"]`, "(absent)"},
		"Action": {`"oss:GetObject"`, `"*"`, `"ecs:Describe*"`, `"ecs:?escribe.x-y_z"`, `["oss:GetObject","oss:PutObject","oss:GetObject"]`,
			`"PutObject"`, `"*:GetObject"`, `"oss:"`, `":x"`, `"oss:Get:Object"`, `"oss: Get"`, `"oss:Get\u0000"`, `"oss:Getö"`, `[]`, `[1]`,
			`[["oss:GetObject"]]`, `{}`, `null`, `true`, "(absent)"},
		"NotAction": {`"ram:*"`, `"x"`, `[]`, "(absent)"},
		"Resource": {`"*"`, `"acs:oss:*:*:b/*"`, `"acs:ram::1:role/a"`, `"acs:fc:cn-hangzhou:1:a:b"`, `["*","acs:oss:*:*:b"]`, `"acs:oss:*:*:"`,
			`"acs::*:*:b"`, `"acs:oss:*:*"`, `"arn:aws:s3:::b"`, `"b/*"`, `""`, `"acs:oss:*:*:b/\n"`, `"acs:oss:*:*:b/é"`, `[]`, `[null]`, `7`, "(absent)"},
		"NotResource": {`"acs:oss:*:*:secret/*"`, `"nope"`, "(absent)"},
		"Condition": {`{}`, `{"Bool":{"acs:SecureTransport":"true"}}`, `{"IpAddress":{"acs:SourceIp":["10.0.0.0/8","192.0.2.0/24"]}}`,
			`{"StringLike":{"oss:Prefix":"a/*"},"DateLessThan":{"acs:CurrentTime":"2030-01-01T00:00:00Z"}}`,
			`{"StringEquals":{"acs:ResourceTag/team":""}}`, `{"NumericLessThanEquals":{"oss:MaxKeys":"100"}}`,
			`{"BoolIfExists":{"acs:MFAPresent":"true"}}`, `{"Null":{"acs:SourceVpc":"true"}}`, `{"StringEqual":{"a:b":"c"}}`,
			`{"Bool":{}}`, `{"Bool":"true"}`, `{"Bool":{"acs:MFAPresent":true}}`, `{"Bool":{"acs:MFAPresent":[]}}`, `{"Bool":{"MFAPresent":"true"}}`,
			`{"Bool":{"acs:MFA Present":"true"}}`, `{"Bool":{"acs:MFAPresent":"tr\tue"}}`, `{"Bool":{"acs:MFAPresent":"true","acs:MFAPresent":"false"}}`,
			`[]`, `null`, "(absent)"},
		"Principal": {`{"RAM":"*"}`, "(absent)"},
		"Sid":       {`"s1"`, "(absent)"},
	}
	base := map[string]string{"Effect": `"Allow"`, "Action": `"oss:GetObject"`, "Resource": `"*"`}
	order := []string{"Effect", "Action", "NotAction", "Resource", "NotResource", "Condition", "Principal", "Sid"}
	statement := func(name, value string) string {
		var members []string
		for _, n := range order {
			v, ok := base[n]
			if n == name {
				v, ok = value, value != "(absent)"
			}
			if ok {
				members = append(members, `"`+n+`":`+v)
			}
		}
		return "{" + strings.Join(members, ",") + "}"
	}
	var docs []string
	for name, values := range elements {
		for _, v := range values {
			docs = append(docs, `{"Version":"1","Statement":[`+statement(name, v)+`]}`)
			docs = append(docs, `{"Statement":[`+statement("", "")+`,`+statement(name, v)+`],"Version":"1"}`)
		}
	}
	ok := statement("", "")
	docs = append(docs,
		``, `null`, `[]`, `"x"`, `{}`, `{not json`, `{"Version":"1","Statement":[`+ok+`]`, `{"Version":"1","Statement":[`+ok+`]} x`,
		`{"Version":"1","Statement":[`+ok+`]}{}`, `{"Statement":[`+ok+`]}`, `{"Version":"1"}`, `{"Version":1,"Statement":[`+ok+`]}`,
		`{"Version":"2","Statement":[`+ok+`]}`, `{"Version":"","Statement":[`+ok+`]}`, `{"Version":"1","Statement":[]}`,
		`{"Version":"1","Statement":`+ok+`}`, `{"Version":"1","Statement":[1]}`, `{"Version":"1","Statements":[`+ok+`]}`,
		`{"Version":"1","Version":"1","Statement":[`+ok+`]}`, `{"Version":"1","Statement":[`+ok+`],"Id":"x"}`,
		"{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"oss:\xff\",\"Resource\":\"*\"}]}",
		` {"Version" : "1" , "Statement" : [ `+ok+` ] } `, `{"Version":"\u0031","Statement":[`+ok+`]}`,
	)
	accepted := 0
	for _, doc := range docs {
		_, perr := stspolicy.Parse(doc)
		ferr := policyGrammarError(doc)
		require.Equal(t, perr == nil, ferr == nil, "%s\npackage: %v\nfake: %v", doc, perr, ferr)
		if perr == nil {
			accepted++
		}
	}
	require.Greater(t, len(docs), 150, "the documents ran")
	require.Greater(t, accepted, 30, "both sides of the rules ran")
	require.Less(t, accepted, len(docs)-60)
}

// TestPolicySizeRulesAgree: at MaxPolicyLength characters (multi-byte ones counting
// once) both accept; one more and both refuse for size.
func TestPolicySizeRulesAgree(t *testing.T) {
	for _, fill := range []string{"a", "é"} {
		for _, n := range []int{protocol.MaxPolicyLength, protocol.MaxPolicyLength + 1} {
			head := `{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:GetObject","Resource":"acs:oss:*:*:b/`
			tail := `"}]}`
			doc := head + strings.Repeat(fill, n-len(head)-len(tail)) + tail
			_, perr := stspolicy.Parse(doc)
			e := checkPolicy(params{"Policy": doc})
			if n <= protocol.MaxPolicyLength {
				require.NoError(t, perr)
				require.Nil(t, e)
				continue
			}
			require.True(t, errors.Is(perr, stspolicy.ErrTooLarge), "%v", perr)
			require.NotNil(t, e)
			require.Equal(t, "InvalidParameter.PolicySize", e.code)
		}
	}
}
