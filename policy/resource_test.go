package policy_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts/policy"
)

// hostile are names an attacker would pick to widen a grant, each with the rule that
// must refuse it.
var hostile = []struct{ name, rule string }{
	{"*", "wildcard"},
	{"?", "wildcard"},
	{"al*ce", "wildcard"},
	{"alice?", "wildcard"},
	{"", "empty"},
	{".", `"." and ".."`},
	{"..", `"." and ".."`},
	{"a..b", `"." and ".."`},
	{"../bob", `"." and ".."`},
	{"alice/bob", "path separator"},
	{"alice/", "path separator"},
	{`alice\bob`, "path separator"},
	{"${ram:UserName}", "'$'"},
	{"$", "'$'"},
	{"%2A", "'%'"},
	{"%2e%2e", "'%'"},
	{"alice\x00", "character other than"},
	{"alice\n", "character other than"},
	{"\x7f", "character other than"},
	{" alice", "character other than"},
	{"alice ", "character other than"},
	{"ali ce", "character other than"},
	{"alice\t", "character other than"},
	{"\u00a0alice", "character other than"}, // no-break space
	{"＊", "character other than"},           // fullwidth asterisk
	{"？", "character other than"},           // fullwidth question mark
	{"alice∕bob", "character other than"},   // division slash
	{"alice⁄bob", "character other than"},   // fraction slash
	{"alice／bob", "character other than"},   // fullwidth solidus
	{"．．", "character other than"},          // fullwidth full stops
	{"alice\u200b", "character other than"}, // zero-width space
	{"\u202ealice", "character other than"}, // right-to-left override
	{"аlice", "character other than"},       // Cyrillic а
	{"alice\xff", "character other than"},   // invalid UTF-8
	{"a:b", "character other than"},
	{"a#b", "character other than"},
	{"a{b}", "character other than"},
	{"a\"b", "character other than"},
	{strings.Repeat("a", policy.MaxSegmentLength+1), "longer than 255"},
}

// TestOSSObjectsRefusesInjection: no hostile segment gets into an ARN, in any position,
// and each refusal names the segment and the rule.
func TestOSSObjectsRefusesInjection(t *testing.T) {
	for _, h := range hostile {
		for pos, segments := range [][]string{{h.name}, {"uploads", h.name}, {h.name, "x"}} {
			got, err := policy.OSSObjects("example-uploads", segments...)
			var se *policy.SegmentError
			require.ErrorAs(t, err, &se, "%q at %d gave %q", h.name, pos, got)
			require.Empty(t, got)
			require.Contains(t, se.Rule, h.rule, "%q", h.name)
			require.Equal(t, h.name, se.Value)
			wantSeg := "segment 1"
			if pos == 1 {
				wantSeg = "segment 2"
			}
			require.Equal(t, wantSeg, se.Segment)
			require.True(t, strings.HasPrefix(err.Error(), "policy: "+wantSeg+" "), err.Error())

			_, err = policy.OSSPrefix(segments...)
			require.ErrorAs(t, err, &se)
			_, err = policy.ARN("ecs", "*", "*", segments...)
			require.ErrorAs(t, err, &se)
		}
	}
}

// TestOSSObjects: the ARN covers exactly the prefix asked for and passes the grammar.
func TestOSSObjects(t *testing.T) {
	cases := []struct {
		bucket   string
		segments []string
		want     string
	}{
		{"example-uploads", nil, "acs:oss:*:*:example-uploads/*"},
		{"b12", []string{"alice"}, "acs:oss:*:*:b12/alice/*"},
		{"example-uploads", []string{"uploads", "alice@example.com"}, "acs:oss:*:*:example-uploads/uploads/alice@example.com/*"},
		{"example-uploads", []string{"u", "A-Z_0.9+=,~"}, "acs:oss:*:*:example-uploads/u/A-Z_0.9+=,~/*"},
		{"example-uploads", []string{strings.Repeat("a", policy.MaxSegmentLength)}, "acs:oss:*:*:example-uploads/" + strings.Repeat("a", policy.MaxSegmentLength) + "/*"},
	}
	for _, c := range cases {
		got, err := policy.OSSObjects(c.bucket, c.segments...)
		require.NoError(t, err)
		require.Equal(t, c.want, got)
		require.Equal(t, 3, strings.Count(got, "*"), "acs:oss:*:* and the trailing wildcard, no other")
		require.True(t, strings.HasSuffix(got, "/*"))
		require.NoError(t, policy.New(allow("oss:PutObject", got)).Validate())
	}
}

// TestOSSBucket holds bucket names to OSS's naming rules.
func TestOSSBucket(t *testing.T) {
	for _, ok := range []string{"abc", "a-b", "0ab", strings.Repeat("a", 63), "my-bucket-2024"} {
		got, err := policy.OSSBucket(ok)
		require.NoError(t, err, ok)
		require.Equal(t, "acs:oss:*:*:"+ok, got)
		_, err = policy.OSSObjects(ok)
		require.NoError(t, err, ok)
	}
	for _, bad := range []string{"", "ab", strings.Repeat("a", 64), "-ab", "ab-", "Abc", "a_b", "a.b", "a*b", "*", "a/b", "ab ", "ａbc", "abc\x00", "b/*"} {
		got, err := policy.OSSBucket(bad)
		var se *policy.SegmentError
		require.ErrorAs(t, err, &se, bad)
		require.Empty(t, got)
		require.Equal(t, "bucket", se.Segment)
		_, err = policy.OSSObjects(bad, "x")
		require.ErrorAs(t, err, &se, bad)
	}
}

// TestARN covers the generic builder's own arguments.
func TestARN(t *testing.T) {
	got, err := policy.ARN("ecs", "cn-hangzhou", "1234567890123456", "instance", "i-abc")
	require.NoError(t, err)
	require.Equal(t, "acs:ecs:cn-hangzhou:1234567890123456:instance/i-abc", got)
	got, err = policy.ARN("ram", "", "1234567890123456", "role", "app")
	require.NoError(t, err)
	require.Equal(t, "acs:ram::1234567890123456:role/app", got)
	got, err = policy.ARN("log", "*", "*", "project", "p1")
	require.NoError(t, err)
	require.NoError(t, policy.New(allow("log:GetLogStore", got+"/*")).Validate())

	bad := []struct{ service, region, account, segment string }{
		{"", "", "", "service"}, {"ECS", "", "", "service"}, {"ec*", "", "", "service"}, {"e:s", "", "", "service"},
		{"ecs", "cn-*", "", "region"}, {"ecs", "cn:x", "", "region"}, {"ecs", "?", "", "region"},
		{"ecs", "", "12*", "account"}, {"ecs", "", "1:2", "account"}, {"ecs", "", "abc", "account"},
	}
	for _, b := range bad {
		_, err := policy.ARN(b.service, b.region, b.account, "x")
		var se *policy.SegmentError
		require.ErrorAs(t, err, &se, "%+v", b)
		require.Equal(t, b.segment, se.Segment)
	}
	_, err = policy.ARN("ecs", "", "")
	var se *policy.SegmentError
	require.ErrorAs(t, err, &se)
	require.Equal(t, "path", se.Segment)
}

// TestOSSPrefix: a value for oss:Prefix, with the caller's own wildcard after it.
func TestOSSPrefix(t *testing.T) {
	got, err := policy.OSSPrefix()
	require.NoError(t, err)
	require.Empty(t, got)
	got, err = policy.OSSPrefix("uploads", "alice")
	require.NoError(t, err)
	require.Equal(t, "uploads/alice/", got)
}
