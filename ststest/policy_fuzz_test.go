package ststest

import (
	"testing"

	stspolicy "github.com/stsgo/sts/policy"
)

// FuzzFakeAgreesWithParse: the fake's grammar and stspolicy.Parse give one
// verdict on every document (the promise TestPolicyRulesAgreeWithThePackage holds on
// a fixed list), here on whatever the fuzzer makes of it.
func FuzzFakeAgreesWithParse(f *testing.F) {
	for _, s := range []string{
		`{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:GetObject","Resource":"*"}]}`,
		`{"Version":"1","Statement":[{"Effect":"Deny","NotAction":["ram:*"],"NotResource":"acs:ram::1:role/a","Condition":{"IpAddress":{"acs:SourceIp":["10.0.0.0/8"]},"Bool":{"acs:SecureTransport":"true"}}}]}`,
		`{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"acs:oss:*:*:b/\u00e9","Condition":{}}]}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		_, perr := stspolicy.Parse(doc)
		ferr := checkPolicy(params{"Policy": doc})
		if (perr == nil) != (ferr == nil) {
			t.Fatalf("%q\npackage: %v\nfake: %v", doc, perr, ferr)
		}
	})
}
