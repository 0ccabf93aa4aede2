// Package protocol holds the facts of the STS 2015-04-01 wire protocol that both the
// client and the fake (ststest) rely on, so that each has one owner. Their sources are
// in shared/PROTOCOL.md. The parameter rules are not here: the client and the fake
// each have their own, and a test holds them to each other.
package protocol

import "strconv"

const (
	// APIVersion is the version every request names.
	APIVersion = "2015-04-01"
	// TimestampLayout is the layout of signed timestamps, Expiration and the other
	// times STS sends: UTC, to the second.
	TimestampLayout = "2006-01-02T15:04:05Z"
	// MaxBodyBytes caps the bodies either side reads.
	MaxBodyBytes = 1 << 20
	// MaxPolicyLength is the longest session policy, in characters.
	MaxPolicyLength = 2048
	// MinDurationSeconds and MaxDurationSeconds bound DurationSeconds; a role's own
	// maximum session duration may be lower.
	MinDurationSeconds = 900
	MaxDurationSeconds = 43200
)

// RequiredSignedHeaders are the headers every V3 signature must cover.
var RequiredSignedHeaders = []string{"host", "x-acs-action", "x-acs-content-sha256", "x-acs-date", "x-acs-signature-nonce", "x-acs-version"}

// The codes and messages STS answers a bad parameter with. The messages of
// InvalidParameter.PolicyGrammar and InvalidParameter.RoleSessionName are those
// Alibaba Cloud documents ("Common errors when you access OSS by using STS",
// doc-detail/42775); the other parameters' follow RoleSessionName's; MissingParameter's
// is the API gateway's; PolicySize's is the one the fake's policy rules have used
// (ststest/policy.go), unconfirmed against the service.
const (
	CodeMissingParameter = "MissingParameter"
	CodePolicySize       = "InvalidParameter.PolicySize"
	CodePolicyGrammar    = "InvalidParameter.PolicyGrammar"
)

// InvalidParameterCode is the code of a parameter that breaks its rule, other than a
// Policy's size or grammar.
func InvalidParameterCode(name string) string { return "InvalidParameter." + name }

// ParameterMessage is the message that goes with code for the parameter name.
func ParameterMessage(code, name string) string {
	switch code {
	case CodeMissingParameter:
		return `The input parameter "` + name + `" that is mandatory for processing this request is not supplied.`
	case CodePolicySize:
		return "The size of Policy must be smaller than " + strconv.Itoa(MaxPolicyLength) + " bytes."
	case CodePolicyGrammar:
		return "The parameter Policy has not passed grammar check."
	}
	return "The parameter " + name + " is wrongly formed."
}
