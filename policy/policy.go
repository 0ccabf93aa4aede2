package policy

// Version1 is the only version of RAM's policy language, and the Version that New
// sets.
const Version1 = "1"

// MaxLength is the longest session policy STS accepts, in characters (Unicode code
// points) of the policy as sent. Validate measures the canonical encoding, which is
// what String returns and what stscreds sends.
const MaxLength = 2048

// Policy is a RAM policy document.
type Policy struct {
	// Version is the policy language version: "1" (Version1), the only one. Empty
	// means "1".
	Version string
	// Statement lists what the policy allows and denies; at least one. RAM's outcome
	// does not depend on their order: any matching Deny wins over every Allow.
	Statement []Statement
}

// New returns a policy of version 1 with the statements given.
func New(statements ...Statement) Policy {
	return Policy{Version: Version1, Statement: statements}
}

// Effect is whether a statement allows or denies what it matches.
type Effect string

// The two effects. RAM spells them with a capital letter and compares them exactly.
const (
	Allow Effect = "Allow"
	Deny  Effect = "Deny"
)

// Statement is one rule of a policy: Effect applies to the operations in Action (or
// every operation but those in NotAction) on the resources in Resource (or every
// resource but those in NotResource), when Condition holds.
type Statement struct {
	// Effect is Allow or Deny; required.
	Effect Effect
	// Action lists operations as "<service>:<operation>", e.g. "oss:PutObject"; the
	// operation part may hold the wildcards * and ?, e.g. "ecs:Describe*". "*" alone
	// means every operation of every service. Exactly one of Action and NotAction is
	// set.
	Action []string
	// NotAction lists the operations the statement does not cover, in Action's form.
	NotAction []string
	// Resource lists ARNs, "acs:<service>:<region>:<account>:<resource>" (wildcards
	// allowed anywhere), or "*" for every resource. Exactly one of Resource and
	// NotResource is set. Build ARNs from untrusted names with OSSObjects, OSSBucket
	// or ARN.
	Resource []string
	// NotResource lists the resources the statement does not cover, in Resource's
	// form.
	NotResource []string
	// Condition restricts when the statement applies; nil or empty means always.
	Condition Condition
}

// Condition maps an operator to condition keys and the values each key is compared
// with: the statement applies when, for every operator and key, the request's value
// matches at least one of the values listed (operators and keys are ANDed, values
// ORed). For example
//
//	policy.Condition{policy.IpAddress: {policy.KeySourceIp: {"192.0.2.0/24"}}}
type Condition map[Operator]map[string][]string

// Operator is a condition operator: how a condition key's value in the request is
// compared with the values in the policy.
type Operator string

// The condition operators RAM documents (alibabacloud.com/help/en/ram/conditional-operator).
// RAM refuses the IfExists variants and Null ("The condition operator 'IfExists/Null'
// is not supported"), so they are not here and Validate refuses them.
const (
	StringEquals              Operator = "StringEquals"
	StringNotEquals           Operator = "StringNotEquals"
	StringEqualsIgnoreCase    Operator = "StringEqualsIgnoreCase"
	StringNotEqualsIgnoreCase Operator = "StringNotEqualsIgnoreCase"
	// StringLike matches with the wildcards * (any run of characters) and ? (one).
	StringLike    Operator = "StringLike"
	StringNotLike Operator = "StringNotLike"

	NumericEquals            Operator = "NumericEquals"
	NumericNotEquals         Operator = "NumericNotEquals"
	NumericLessThan          Operator = "NumericLessThan"
	NumericLessThanEquals    Operator = "NumericLessThanEquals"
	NumericGreaterThan       Operator = "NumericGreaterThan"
	NumericGreaterThanEquals Operator = "NumericGreaterThanEquals"

	// The Date operators compare ISO 8601 times, e.g. "2026-01-01T00:00:00Z".
	DateEquals            Operator = "DateEquals"
	DateNotEquals         Operator = "DateNotEquals"
	DateLessThan          Operator = "DateLessThan"
	DateLessThanEquals    Operator = "DateLessThanEquals"
	DateGreaterThan       Operator = "DateGreaterThan"
	DateGreaterThanEquals Operator = "DateGreaterThanEquals"

	// Bool compares with "true" or "false" (strings, as RAM wants every value).
	Bool Operator = "Bool"

	// IpAddress and NotIpAddress compare with IP addresses or CIDR blocks.
	IpAddress    Operator = "IpAddress"
	NotIpAddress Operator = "NotIpAddress"
)

// operators is every Operator Validate accepts.
var operators = map[Operator]bool{
	StringEquals: true, StringNotEquals: true, StringEqualsIgnoreCase: true, StringNotEqualsIgnoreCase: true,
	StringLike: true, StringNotLike: true,
	NumericEquals: true, NumericNotEquals: true, NumericLessThan: true, NumericLessThanEquals: true,
	NumericGreaterThan: true, NumericGreaterThanEquals: true,
	DateEquals: true, DateNotEquals: true, DateLessThan: true, DateLessThanEquals: true,
	DateGreaterThan: true, DateGreaterThanEquals: true,
	Bool: true, IpAddress: true, NotIpAddress: true,
}

// Common condition keys: those every service gives (acs:) and OSS's own (oss:).
const (
	// KeySourceIp is the client's IP address; use with IpAddress or NotIpAddress.
	KeySourceIp = "acs:SourceIp"
	// KeySourceVpc is the ID of the VPC the request came from.
	KeySourceVpc = "acs:SourceVpc"
	// KeySecureTransport is "true" when the request came over HTTPS; use with Bool.
	KeySecureTransport = "acs:SecureTransport"
	// KeyCurrentTime is when the request arrived, ISO 8601; use with the Date
	// operators.
	KeyCurrentTime = "acs:CurrentTime"
	// KeyMFAPresent is "true" when the caller signed in with multi-factor
	// authentication; use with Bool.
	KeyMFAPresent = "acs:MFAPresent"
	// KeyUserAgent is the request's User-Agent header.
	KeyUserAgent = "acs:UserAgent"
	// KeyAccessId is the AccessKey ID that signed the request.
	KeyAccessId = "acs:AccessId"
	// KeyOSSPrefix is the prefix of an OSS ListObjects request; build its values with
	// OSSPrefix.
	KeyOSSPrefix = "oss:Prefix"
	// KeyOSSDelimiter is the delimiter of an OSS ListObjects request.
	KeyOSSDelimiter = "oss:Delimiter"
)
