package policy_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts/policy"
)

// TestCanonicalNeverMergesDifferentPolicies: the canonical encoding merges only
// differences RAM's evaluation ignores. A JSON string may hold an unpaired UTF-16
// surrogate escape, which RAM keeps as that character, while encoding/json turns
// every one into U+FFFD: different policies would become one string. Parse refuses
// U+FFFD (found by an adversarial review; before, Normalize merged them).
func TestCanonicalNeverMergesDifferentPolicies(t *testing.T) {
	for _, tc := range []struct{ name, format string }{
		{"resource", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:GetObject","Resource":"acs:oss:*:*:b/%s/*"}]}`},
		{"condition value", `{"Version":"1","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringEquals":{"acs:UserAgent":"%s"}}}]}`},
		{"not resource", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:GetObject","NotResource":"acs:oss:*:*:b/%s"}]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			seen := map[string]string{}
			for _, escape := range []string{`\ud800`, `\udbff`, `\udc00`, `\udfff`, `\ufffd`} {
				doc := strings.Replace(tc.format, "%s", escape, 1)
				if _, err := policy.Parse(doc); err != nil {
					continue // refusing is fine: the service judges it then
				}
				canonical := policy.Normalize(doc)
				if other, ok := seen[canonical]; ok {
					t.Errorf("%s and %s, different to RAM, have one canonical form %q", other, escape, canonical)
				}
				seen[canonical] = escape
			}
		})
	}
}

// TestParseKeepsWhatWasWritten: Parse → String must not change a string's meaning;
// "\ud800" read and written back would be "\ufffd", a different character, so it is
// refused.
func TestParseKeepsWhatWasWritten(t *testing.T) {
	doc := `{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:GetObject","Resource":"acs:oss:*:*:b/\ud800/*"}]}`
	p, err := policy.Parse(doc)
	if err != nil {
		return // refused: nothing is rewritten
	}
	require.NotContains(t, p.Statement[0].Resource[0], "\ufffd", "Parse replaced an unpaired surrogate with U+FFFD")
}

// FuzzResourceSegments: whatever OSSObjects, OSSPrefix and ARN accept yields a resource
// whose only wildcard is OSSObjects' trailing "*", with no policy variable, separator
// inside a segment, "..", or non-ASCII byte, and where the untrusted segment appears
// whole between two "/" (so "user" can never cover "user2").
func FuzzResourceSegments(f *testing.F) {
	for _, s := range []string{"alice", "*", "a?b", "..", ".", "a/b", `a\b`, "${acs:x}", "%2e%2e", "＊", "∕", "a\x00", "", "user", "Ａlice", "a b", strings.Repeat("a", 256)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, seg string) {
		objects, err := policy.OSSObjects("example-uploads", "uploads", seg)
		if err != nil {
			var se *policy.SegmentError
			require.ErrorAs(t, err, &se)
			require.Equal(t, "segment 2", se.Segment)
			return
		}
		require.Equal(t, "acs:oss:*:*:example-uploads/uploads/"+seg+"/*", objects)
		require.Equal(t, 3, strings.Count(objects, "*"), "only the trailing wildcard: %q", objects) // two in acs:oss:*:*, one at the end
		for _, bad := range []string{"?", "$", "..", `\`, "%", " "} {
			require.NotContains(t, seg, bad)
		}
		for i := 0; i < len(seg); i++ {
			require.Less(t, seg[i], byte(0x7f), "non-ASCII byte in %q", seg)
			require.Greater(t, seg[i], byte(0x20), "control byte in %q", seg)
		}
		require.NotEqual(t, ".", seg)
		prefix, err := policy.OSSPrefix(seg)
		require.NoError(t, err)
		require.Equal(t, seg+"/", prefix)
		arn, err := policy.ARN("ram", "", "1", "user", seg)
		require.NoError(t, err)
		require.Equal(t, "acs:ram::1:user/"+seg, arn)
		p := policy.New(policy.Statement{Effect: policy.Allow, Action: []string{"oss:PutObject"}, Resource: []string{objects}})
		require.NoError(t, p.Validate())
		again, err := policy.Parse(p.String())
		require.NoError(t, err)
		require.Equal(t, []string{objects}, again.Statement[0].Resource)
	})
}
