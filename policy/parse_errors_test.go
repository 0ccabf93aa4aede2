package policy_test

import (
	"errors"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts/policy"
)

// TestParseErrorsNameTheStatement: a JSON slip inside the second statement of a
// hand-written policy (a missing comma, a trailing comma) names Statement[1] and the
// byte offset; it named nothing before an adversarial review.
func TestParseErrorsNameTheStatement(t *testing.T) {
	ok := `{"Effect":"Allow","Action":"oss:GetObject","Resource":"*"}`
	for _, bad := range []string{
		`{"Effect":"Allow","Action":["oss:GetObject" "oss:PutObject"],"Resource":"*"}`, // missing comma
		`{"Effect":"Allow","Action":"oss:GetObject","Resource":"*",}`,                  // trailing comma
		`{"Effect":"Allow","Action":"oss:GetObject" "Resource":"*"}`,                   // missing comma between members
	} {
		doc := `{"Version":"1","Statement":[` + ok + `,` + bad + `]}`
		_, err := policy.Parse(doc)
		var pe *policy.Error
		require.True(t, errors.As(err, &pe), "%v", err)
		require.Contains(t, pe.Error(), "Statement[1]", "the error does not say where in %s", doc)
	}
}

// TestParseErrorsQuoteHostileNames: a member name (an unknown element, a condition
// operator) goes into Error.Field quoted and cut to 64 bytes, as values do, so a
// policy taken from a user cannot put newlines, terminal escapes or 100 kB into the
// log line of whoever logs the error.
func TestParseErrorsQuoteHostileNames(t *testing.T) {
	evil := `\u001b[2J\nlevel=INFO msg=\"policy accepted\"` + strings.Repeat("x", 100_000)
	for _, doc := range []string{
		`{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}],"` + evil + `":1}`,
		`{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","` + evil + `":1}]}`,
		`{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"` + evil + `":{"a:b":1}}}]}`,
	} {
		_, err := policy.Parse(doc)
		require.Error(t, err)
		msg := err.Error()
		require.False(t, strings.ContainsFunc(msg, unicode.IsControl), "control characters in the error: %.120q", msg)
		require.Less(t, len(msg), 1000, "the error carries the whole hostile name: %d bytes", len(msg))
	}
}
