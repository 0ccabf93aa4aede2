package sts

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/stsgo/sts/internal/protocol"
)

// The limits STS documents for its parameters (shared/PROTOCOL.md, "Operations").
// Requests are checked against them before anything is sent, so a mistake costs no
// round trip and no rate-limit budget.
const (
	MinDurationSeconds = protocol.MinDurationSeconds
	MaxDurationSeconds = protocol.MaxDurationSeconds
)

// rule is one constraint on a string parameter; desc completes "must ...". The
// description of the API (internal/apigen) names the rule of each parameter.
type rule struct {
	desc string
	ok   func(string) bool
	// code is the service's error code for a value that breaks the rule; nil means
	// InvalidParameter.<name>.
	code func(string) string
}

func lengthIn(s string, lo, hi int) bool {
	n := utf8.RuneCountInString(s)
	return lo <= n && n <= hi
}

// allOf reports whether every byte of s is a letter, a digit or one of extra.
func allOf(s, extra string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || strings.IndexByte(extra, c) >= 0 {
			continue
		}
		return false
	}
	return true
}

// arnRule accepts acs:ram::<account digits>:<kind>/<name>.
func arnRule(kind string) rule {
	return rule{
		desc: "must be an ARN of the form acs:ram::<account>:" + kind + "/<name>",
		ok: func(s string) bool {
			rest, ok := strings.CutPrefix(s, "acs:ram::")
			if !ok {
				return false
			}
			account, name, ok := strings.Cut(rest, ":"+kind+"/")
			return ok && account != "" && strings.Trim(account, "0123456789") == "" && name != "" &&
				!strings.ContainsAny(name, " \t\r\n")
		},
	}
}

// numRule is one constraint on a numeric parameter; desc completes "must ...".
type numRule struct {
	desc string
	ok   func(int64) bool
}

var (
	durationRule = numRule{
		desc: fmt.Sprintf("must be %d to %d seconds", MinDurationSeconds, MaxDurationSeconds),
		ok:   func(v int64) bool { return MinDurationSeconds <= v && v <= MaxDurationSeconds },
	}
	roleArnRule         = arnRule("role")
	samlProviderArnRule = arnRule("saml-provider")
	oidcProviderArnRule = arnRule("oidc-provider")
	sessionNameRule     = rule{
		desc: "must be 2 to 64 characters of A-Z a-z 0-9 . @ - _",
		ok:   func(s string) bool { return lengthIn(s, 2, 64) && allOf(s, ".@-_") },
	}
	policyRule = rule{
		desc: "must be 1 to " + strconv.Itoa(protocol.MaxPolicyLength) + " characters",
		ok:   func(s string) bool { return lengthIn(s, 1, protocol.MaxPolicyLength) },
		code: func(s string) string { // the service checks a policy's size, then its JSON
			if s != "" {
				return protocol.CodePolicySize
			}
			return protocol.CodePolicyGrammar
		},
	}
	externalIDRule = rule{
		desc: "must be 2 to 1224 characters of A-Z a-z 0-9 _ + = , . @ : / -",
		ok:   func(s string) bool { return lengthIn(s, 2, 1224) && allOf(s, "_+=,.@:/-") },
	}
	sourceIdentityRule = rule{
		desc: "must be 2 to 64 characters of A-Z a-z 0-9 _ + = , . @ - and not start with acs:, aliyun: or alibabacloud:",
		ok: func(s string) bool {
			l := strings.ToLower(s)
			return lengthIn(s, 2, 64) && allOf(s, "_+=,.@-") && !strings.HasPrefix(l, "acs:") &&
				!strings.HasPrefix(l, "aliyun:") && !strings.HasPrefix(l, "alibabacloud:")
		},
	}
	samlAssertionRule = rule{
		desc: "must be 4 to 100000 characters",
		ok:   func(s string) bool { return lengthIn(s, 4, 100000) },
	}
	oidcTokenRule = rule{
		desc: "must be 4 to 20000 characters",
		ok:   func(s string) bool { return lengthIn(s, 4, 20000) },
	}
)

// checker collects every broken rule of one request, so that a caller sees them all
// at once. The Validate methods (validate_gen.go) check the fields in the order the
// service does, so that err knows which one the service would have answered.
type checker struct {
	model string
	errs  []error
}

// str checks a string parameter: set, if required, and meeting r, if set.
func (c *checker) str(field string, v *string, required bool, r rule) {
	switch {
	case v == nil && required:
		c.missing(field)
	case v != nil && !r.ok(*v):
		code := protocol.InvalidParameterCode(field)
		if r.code != nil {
			code = r.code(*v)
		}
		c.broken(field, r.desc, code)
	}
}

// num checks a numeric parameter, as str does a string one.
func (c *checker) num(field string, v *int64, required bool, r numRule) {
	switch {
	case v == nil && required:
		c.missing(field)
	case v != nil && !r.ok(*v):
		c.broken(field, r.desc, protocol.InvalidParameterCode(field))
	}
}

func (c *checker) missing(field string) {
	c.broken(field, "is required", protocol.CodeMissingParameter)
}

func (c *checker) broken(field, desc, code string) {
	c.errs = append(c.errs, &ValidationError{Field: c.model + "." + field, Rule: desc, code: code})
}

// err returns every broken rule, in the order of their fields' names, as
// errors.Join does; errors.As into a *tea.SDKError finds the one the service reports
// first, which the Validate methods check first.
func (c *checker) err() error {
	if len(c.errs) == 0 {
		return nil
	}
	first := c.errs[0].(*ValidationError)
	sorted := slices.Clone(c.errs)
	slices.SortStableFunc(sorted, func(a, b error) int {
		return strings.Compare(a.(*ValidationError).Field, b.(*ValidationError).Field)
	})
	return &validationErrors{joined: errors.Join(sorted...), first: first}
}

// validationErrors are the broken rules of one request.
type validationErrors struct {
	joined error // errors.Join of them all, by field name
	first  *ValidationError
}

func (e *validationErrors) Error() string { return e.joined.Error() }

// Unwrap returns every broken rule, by field name.
func (e *validationErrors) Unwrap() []error {
	return e.joined.(interface{ Unwrap() []error }).Unwrap()
}

// As fills a *tea.SDKError from the rule the service reports first.
func (e *validationErrors) As(target any) bool { return e.first.As(target) }

func nilRequest(model string) error {
	return &ValidationError{Field: model, Rule: "must not be nil"}
}
