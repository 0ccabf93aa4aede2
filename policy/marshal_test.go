package policy_test

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts/policy"
)

// TestMarshalJSONIsTheSamePolicy: json.Marshal re-escapes what MarshalJSON returns
// (& < > become six characters each), so its bytes are not String's, as the doc now
// says; they are the same policy, and String, what is sent, is within the limit that
// Validate measured. (An adversarial review found the doc promising the same bytes.)
func TestMarshalJSONIsTheSamePolicy(t *testing.T) {
	head := policy.New(policy.Statement{Effect: policy.Allow, Action: []string{"oss:GetObject"}, Resource: []string{"acs:oss:*:*:b/"}}).String()
	fill := strings.Repeat("&", policy.MaxLength-utf8.RuneCountInString(head))
	p := policy.New(
		policy.Statement{Effect: policy.Allow, Action: []string{"oss:GetObject"}, Resource: []string{"acs:oss:*:*:b/" + fill}},
	)
	require.NoError(t, p.Validate(), "exactly MaxLength characters in canonical form")
	require.Equal(t, policy.MaxLength, utf8.RuneCountInString(p.String()))

	b, err := json.Marshal(p)
	require.NoError(t, err)
	again, err := policy.Parse(string(b))
	require.NoError(t, err)
	require.Equal(t, p.String(), again.String(), "json.Marshal(p) is the same policy")
}
