package policy_test

import (
	"testing"
	"unicode/utf8"

	"github.com/stsgo/sts/policy"
)

// FuzzParse: Parse never panics; whatever it accepts is valid, and its canonical form
// parses back to the same canonical bytes, within MaxLength characters.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:GetObject","Resource":"*"}]}`,
		`{"Version":"1","Statement":[{"Effect":"Deny","NotAction":["ram:*","ecs:Describe*"],"NotResource":["acs:ram::1:role/a","*"],
			"Condition":{"IpAddress":{"acs:SourceIp":["10.0.0.0/8","192.0.2.0/24"]},"Bool":{"acs:SecureTransport":"true"}}}]}`,
		`{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{}},{"Effect":"Allow","Action":"*","Resource":"*"}]}`,
		`{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"acs:oss:*:*:b/\u00e9\"\\<"}]}`,
		`{"Version":"1","Statement":[]}`,
		`{"Version":"1","Version":"1"}`,
		`[1,{"a":null}]`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := policy.Parse(s)
		if err != nil {
			if policy.Normalize(s) != s {
				t.Fatalf("Normalize changed a policy Parse refused: %q", s)
			}
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("Parse accepted %q, Validate refuses it: %v", s, err)
		}
		canonical := p.String()
		if n := utf8.RuneCountInString(canonical); n > policy.MaxLength {
			t.Fatalf("canonical form of %q is %d characters", s, n)
		}
		again, err := policy.Parse(canonical)
		if err != nil {
			t.Fatalf("canonical form %q of %q does not parse: %v", canonical, s, err)
		}
		if got := again.String(); got != canonical {
			t.Fatalf("canonical form not stable:\n%s\n%s", canonical, got)
		}
		if policy.Normalize(s) != canonical {
			t.Fatalf("Normalize(%q) is not the canonical form", s)
		}
	})
}
