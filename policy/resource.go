package policy

import (
	"fmt"
	"strings"
)

// SegmentError is an untrusted name that cannot go into a resource or prefix
// unchanged without the risk of naming more than it should: it holds a wildcard, a
// path separator, "..", a policy variable, or a character outside the set a segment
// may use.
type SegmentError struct {
	// Segment says which argument is at fault: "bucket", "service", "region",
	// "account", or "segment 2" (counting from 1) of a path.
	Segment string
	// Value is the argument as given.
	Value string
	// Rule is the rule it breaks.
	Rule string
}

// Error returns "policy: <Segment> <quoted value, cut to 64 bytes>: <Rule>".
func (e *SegmentError) Error() string {
	return "policy: " + e.Segment + " " + quote(e.Value) + ": " + e.Rule
}

// MaxSegmentLength is the longest path segment OSSObjects, OSSPrefix and ARN accept,
// in bytes.
const MaxSegmentLength = 255

// OSSBucket returns the ARN of an OSS bucket, acs:oss:*:*:<bucket>, for the
// operations on the bucket itself (such as oss:ListObjects). bucket must follow
// OSS's naming rules: 3 to 63 lower-case letters, digits and '-', starting and ending
// with a letter or digit; anything else is a *SegmentError.
func OSSBucket(bucket string) (string, error) {
	if err := checkBucket(bucket); err != nil {
		return "", err
	}
	return "acs:oss:*:*:" + bucket, nil
}

// OSSObjects returns the ARN of every object under a prefix of an OSS bucket,
// acs:oss:*:*:<bucket>/<segment>/.../<segment>/*, such as the objects of one user:
// OSSObjects("example-uploads", "uploads", user). With no segments it covers every
// object of the bucket. bucket follows OSS's naming rules (see OSSBucket); each
// segment is one path component (see OSSPrefix). The trailing "/*" is the only
// wildcard in the result.
func OSSObjects(bucket string, segments ...string) (string, error) {
	if err := checkBucket(bucket); err != nil {
		return "", err
	}
	prefix, err := OSSPrefix(segments...)
	if err != nil {
		return "", err
	}
	return "acs:oss:*:*:" + bucket + "/" + prefix + "*", nil
}

// OSSPrefix returns the object-name prefix <segment>/.../<segment>/, or "" with no
// segments: a value for the oss:Prefix condition key (KeyOSSPrefix), e.g. with
// StringLike and a "*" appended, so that a user may list only the objects under it.
//
// Each segment is one path component of 1 to MaxSegmentLength bytes of ASCII letters,
// digits and "-_.@+=,~", and not "." or "..", nor holding "..": anything else,
// wildcards (* ?), separators (/ \), policy variables (${...}), percent-encoding,
// spaces, control characters and all non-ASCII characters (lookalikes such as ＊ and
// ∕ among them), is a *SegmentError. Map names outside that set to IDs or hashes
// first.
func OSSPrefix(segments ...string) (string, error) {
	var b strings.Builder
	for i, s := range segments {
		if err := checkSegment(fmt.Sprintf("segment %d", i+1), s); err != nil {
			return "", err
		}
		b.WriteString(s)
		b.WriteByte('/')
	}
	return b.String(), nil
}

// ARN returns acs:<service>:<region>:<account>:<path>, with path the segments joined
// by "/", each checked as OSSPrefix checks them (at least one segment). service is
// lower-case letters, digits and '-' (a RAM code such as "ecs"); region is empty
// (for global services such as RAM), "*", or lower-case letters, digits and '-';
// account is empty, "*", or digits. Give "*" for region or account only from your
// own code: it means every region or account. Appending "/*" to the result, to cover
// everything under it, is safe: no segment can change its meaning.
func ARN(service, region, account string, path ...string) (string, error) {
	switch {
	case service == "" || !onlyOf(service, isLowerName):
		return "", &SegmentError{Segment: "service", Value: service, Rule: "must be lower-case letters, digits and '-'"}
	case region != "" && region != "*" && !onlyOf(region, isLowerName):
		return "", &SegmentError{Segment: "region", Value: region, Rule: "must be empty, \"*\", or lower-case letters, digits and '-'"}
	case account != "" && account != "*" && !onlyOf(account, isDigit):
		return "", &SegmentError{Segment: "account", Value: account, Rule: "must be empty, \"*\", or digits"}
	case len(path) == 0:
		return "", &SegmentError{Segment: "path", Rule: "needs at least one segment"}
	}
	for i, s := range path {
		if err := checkSegment(fmt.Sprintf("segment %d", i+1), s); err != nil {
			return "", err
		}
	}
	return "acs:" + service + ":" + region + ":" + account + ":" + strings.Join(path, "/"), nil
}

func checkBucket(b string) error {
	rule := ""
	switch {
	case len(b) < 3 || len(b) > 63:
		rule = "an OSS bucket name is 3 to 63 characters"
	case !onlyOf(b, isLowerName):
		rule = "an OSS bucket name is lower-case letters, digits and '-'"
	case b[0] == '-' || b[len(b)-1] == '-':
		rule = "an OSS bucket name starts and ends with a letter or digit"
	default:
		return nil
	}
	return &SegmentError{Segment: "bucket", Value: b, Rule: rule}
}

func checkSegment(name, s string) error {
	rule := ""
	switch {
	case s == "":
		rule = "empty"
	case len(s) > MaxSegmentLength:
		rule = fmt.Sprintf("longer than %d bytes", MaxSegmentLength)
	case s == "." || strings.Contains(s, ".."):
		rule = `"." and ".." are not names`
	case strings.ContainsAny(s, "*?"):
		rule = "holds a wildcard (* or ?)"
	case strings.ContainsAny(s, `/\`):
		rule = "holds a path separator; give each component as a segment of its own"
	case strings.Contains(s, "$"):
		rule = "holds '$', which starts a policy variable (${...})"
	case strings.Contains(s, "%"):
		rule = "holds '%'; give names decoded, not percent-encoded"
	case !onlyOf(s, isSegmentChar):
		rule = `holds a character other than ASCII letters, digits and "-_.@+=,~"`
	default:
		return nil
	}
	return &SegmentError{Segment: name, Value: s, Rule: rule}
}

func isSegmentChar(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || isDigit(r) || strings.ContainsRune("-_.@+=,~", r)
}

func isLowerName(r rune) bool { return r >= 'a' && r <= 'z' || isDigit(r) || r == '-' }

func isDigit(r rune) bool { return r >= '0' && r <= '9' }
