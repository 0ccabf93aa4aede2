package policy

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Error is a policy that breaks RAM's grammar, found before anything is sent.
type Error struct {
	// Field is the element at fault, as a path into the document:
	// "Statement[1].Action[0]", "Statement[0].Condition.StringLike[\"oss:Prefix\"]",
	// "Version". Empty for the document as a whole.
	Field string
	// Reason says which rule the element breaks.
	Reason string
	// Err is ErrTooLarge for a policy over MaxLength; nil otherwise.
	Err error
}

// Error returns "policy: <Field>: <Reason>".
func (e *Error) Error() string {
	if e.Field == "" {
		return "policy: " + e.Reason
	}
	return "policy: " + e.Field + ": " + e.Reason
}

// Unwrap returns Err, so that errors.Is(err, ErrTooLarge) tells a policy too long
// from one of bad grammar.
func (e *Error) Unwrap() error { return e.Err }

// ErrTooLarge is wrapped by the *Error of a policy longer than MaxLength characters
// in canonical form (STS's InvalidParameter.PolicySize).
var ErrTooLarge = errors.New("policy too large")

// Validate reports the first element of p that breaks RAM's grammar, as an *Error
// naming it, or nil:
//
//   - Version is "1" (or empty, meaning "1"), and there is at least one statement;
//   - each statement's Effect is Allow or Deny;
//   - it has Action or NotAction, not both, and each entry is "*" or
//     "<service>:<operation>" with a service of letters, digits, '-' and '_' and an
//     operation of letters, digits, '-', '_', '.' and the wildcards * and ?;
//   - it has Resource or NotResource, not both, and each entry is "*" or an ARN,
//     "acs:<service>:<region>:<account>:<resource>" with a service and a resource;
//   - each condition operator is one RAM knows (see Operator), with at least one key,
//     each key "<prefix>:<name>", each with at least one value;
//   - no string is invalid UTF-8 or holds a control character;
//   - the canonical encoding (String) is at most MaxLength characters.
//
// Whether a service, operation or condition key exists is not checked: RAM does not
// refuse unknown ones either.
func (p Policy) Validate() error {
	if p.Version != "" && p.Version != Version1 {
		return &Error{Field: "Version", Reason: fmt.Sprintf("%s is not \"1\", the only version", quote(p.Version))}
	}
	if len(p.Statement) == 0 {
		return &Error{Field: "Statement", Reason: "no statements; a policy needs at least one"}
	}
	for i, s := range p.Statement {
		if err := s.validate("Statement[" + strconv.Itoa(i) + "]"); err != nil {
			return err
		}
	}
	if n := utf8.RuneCountInString(p.String()); n > MaxLength {
		return &Error{Reason: fmt.Sprintf("%d characters in canonical form, more than %d", n, MaxLength), Err: ErrTooLarge}
	}
	return nil
}

func (s Statement) validate(path string) error {
	switch s.Effect {
	case Allow, Deny:
	case "":
		return &Error{Field: path + ".Effect", Reason: "missing; must be Allow or Deny"}
	default:
		return &Error{Field: path + ".Effect", Reason: fmt.Sprintf("%s is neither Allow nor Deny", quote(string(s.Effect)))}
	}
	if err := oneOf(path, "Action", s.Action, "NotAction", s.NotAction, checkAction); err != nil {
		return err
	}
	if err := oneOf(path, "Resource", s.Resource, "NotResource", s.NotResource, checkResource); err != nil {
		return err
	}
	return s.Condition.validate(path + ".Condition")
}

// oneOf checks that exactly one of two exclusive lists is set, and each entry of it.
func oneOf(path, name string, list []string, notName string, notList []string, check func(string) string) error {
	switch {
	case len(list) > 0 && len(notList) > 0:
		return &Error{Field: path, Reason: "has both " + name + " and " + notName + "; give one"}
	case len(list) == 0 && len(notList) == 0:
		return &Error{Field: path, Reason: "has neither " + name + " nor " + notName}
	case len(notList) > 0:
		name, list = notName, notList
	}
	for i, v := range list {
		if reason := check(v); reason != "" {
			return &Error{Field: path + "." + name + "[" + strconv.Itoa(i) + "]", Reason: reason}
		}
	}
	return nil
}

// checkAction returns why a is not an action of the grammar, or "".
func checkAction(a string) string {
	if a == "*" {
		return ""
	}
	if r := badText(a); r != "" {
		return r
	}
	service, op, ok := strings.Cut(a, ":")
	switch {
	case !ok:
		return quote(a) + " has no service prefix (<service>:<operation>, e.g. oss:GetObject)"
	case service == "":
		return quote(a) + " has an empty service prefix"
	case !onlyOf(service, isNameChar):
		return quote(a) + " has a service prefix of other than letters, digits, '-' and '_' (wildcards go in the operation)"
	case op == "":
		return quote(a) + " has no operation after the service prefix"
	case !onlyOf(op, func(r rune) bool { return isNameChar(r) || r == '.' || r == '*' || r == '?' }):
		return quote(a) + " has an operation of other than letters, digits, '-', '_', '.', '*' and '?'"
	}
	return ""
}

// checkResource returns why r is not a resource of the grammar, or "".
func checkResource(r string) string {
	if r == "*" {
		return ""
	}
	if reason := badText(r); reason != "" {
		return reason
	}
	parts := strings.SplitN(r, ":", 5)
	switch {
	case parts[0] != "acs":
		return quote(r) + " is neither \"*\" nor an ARN (acs:<service>:<region>:<account>:<resource>)"
	case len(parts) < 5:
		return quote(r) + " has fewer than the five parts of an ARN (acs:<service>:<region>:<account>:<resource>)"
	case parts[1] == "":
		return quote(r) + " has an empty service"
	case parts[4] == "":
		return quote(r) + " has an empty resource part; use * for every resource"
	}
	return ""
}

func (c Condition) validate(path string) error {
	for _, op := range sortedKeys(c) {
		keys := c[op]
		opPath := path + "." + pathName(string(op))
		if !operators[op] {
			return &Error{Field: path, Reason: fmt.Sprintf("unknown operator %s (RAM has the String*, Numeric*, Date*, Bool, IpAddress and NotIpAddress operators, no IfExists or Null)", quote(string(op)))}
		}
		if len(keys) == 0 {
			return &Error{Field: opPath, Reason: "no condition keys"}
		}
		for _, key := range sortedKeys(keys) {
			keyPath := opPath + "[" + quote(key) + "]"
			if r := checkKey(key); r != "" {
				return &Error{Field: keyPath, Reason: r}
			}
			values := keys[key]
			if len(values) == 0 {
				return &Error{Field: keyPath, Reason: "no values"}
			}
			for i, v := range values {
				if r := badText(v); r != "" {
					return &Error{Field: keyPath + "[" + strconv.Itoa(i) + "]", Reason: r}
				}
			}
		}
	}
	return nil
}

// checkKey returns why k is not a condition key, or "".
func checkKey(k string) string {
	if r := badText(k); r != "" {
		return r
	}
	prefix, name, ok := strings.Cut(k, ":")
	if !ok || prefix == "" || name == "" || !onlyOf(prefix, isNameChar) || strings.ContainsFunc(name, unicode.IsSpace) {
		return quote(k) + " is not a condition key (<prefix>:<name>, e.g. acs:SourceIp)"
	}
	return ""
}

// badText returns why s cannot be a string of a policy, or "".
func badText(s string) string {
	if !utf8.ValidString(s) {
		return quote(s) + " is not valid UTF-8"
	}
	if strings.ContainsFunc(s, unicode.IsControl) {
		return quote(s) + " holds a control character"
	}
	if strings.ContainsRune(s, utf8.RuneError) {
		// JSON decoders turn every unpaired surrogate escape (\ud800) into U+FFFD,
		// where RAM keeps what was written: policies that differ would be one.
		return quote(s) + " holds U+FFFD, which stands for an unpaired surrogate escape JSON decoding cannot keep"
	}
	return ""
}

func isNameChar(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_'
}

func onlyOf(s string, ok func(rune) bool) bool {
	for _, r := range s {
		if !ok(r) {
			return false
		}
	}
	return true
}

// quote quotes s for an error message, cut to 64 bytes: a value can be long and
// comes from anyone.
// pathName is a member's name as it stands in an Error's Field: as written when it is
// short printable ASCII, else quoted and cut as quote does, so that a hostile name
// cannot put control characters, a fake log line or kilobytes into an error.
func pathName(s string) string {
	if len(s) > 0 && len(s) <= 64 && strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789:_-.") == "" {
		return s
	}
	return quote(s)
}

func quote(s string) string {
	const limit = 64
	if len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		return strconv.Quote(s[:cut]) + "..."
	}
	return strconv.Quote(s)
}
