package ststest

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/stsgo/sts/internal/protocol"
)

// The fake's own parameter rules, written from shared/PROTOCOL.md ("Operations"), not
// borrowed from the client: a client rule that drifts from them fails
// TestRulesAgreeWithTheClient instead of silently becoming the "service's" rule too.

// paramRule is one documented parameter of an action.
type paramRule struct {
	name           string
	required       bool
	minLen, maxLen int            // in characters
	pattern        *regexp.Regexp // nil: any characters
	// check is an extra condition; nil: none.
	check func(string) bool
}

var (
	arnRe = func(kind string) *regexp.Regexp {
		return regexp.MustCompile(`^acs:ram::[0-9]+:` + regexp.QuoteMeta(kind) + `/[^\s]+$`)
	}
	sessionNameRe    = regexp.MustCompile(`^[A-Za-z0-9.@_-]+$`)
	externalIDRe     = regexp.MustCompile(`^[\w+=,.@:/-]+$`)
	sourceIdentityRe = regexp.MustCompile(`^[\w+=,.@-]+$`)

	roleArn        = paramRule{name: "RoleArn", required: true, pattern: arnRe("role")}
	policy         = paramRule{name: "Policy", minLen: 1, maxLen: protocol.MaxPolicyLength}
	sessionName    = paramRule{name: "RoleSessionName", required: true, minLen: 2, maxLen: 64, pattern: sessionNameRe}
	externalID     = paramRule{name: "ExternalId", minLen: 2, maxLen: 1224, pattern: externalIDRe}
	sourceIdentity = paramRule{name: "SourceIdentity", minLen: 2, maxLen: 64, pattern: sourceIdentityRe, check: func(s string) bool {
		l := strings.ToLower(s)
		return !strings.HasPrefix(l, "acs:") && !strings.HasPrefix(l, "aliyun:") && !strings.HasPrefix(l, "alibabacloud:")
	}}
)

// actionRules are the documented string parameters of each action, in the order the
// service reports the first broken one. DurationSeconds, shared by all, is durationOK.
var actionRules = map[string][]paramRule{
	"AssumeRole": {roleArn, sessionName, policy, externalID, sourceIdentity},
	"AssumeRoleWithOIDC": {
		{name: "OIDCProviderArn", required: true, pattern: arnRe("oidc-provider")},
		roleArn,
		{name: "OIDCToken", required: true, minLen: 4, maxLen: 20000},
		{name: "RoleSessionName", minLen: 2, maxLen: 64, pattern: sessionNameRe},
		policy,
	},
	"AssumeRoleWithSAML": {
		{name: "SAMLProviderArn", required: true, pattern: arnRe("saml-provider")},
		roleArn,
		{name: "SAMLAssertion", required: true, minLen: 4, maxLen: 100000},
		policy,
	},
}

// ok reports whether a present value keeps the rule.
func (r paramRule) ok(v string) bool {
	n := utf8.RuneCountInString(v)
	return (r.minLen == 0 || n >= r.minLen) && (r.maxLen == 0 || n <= r.maxLen) &&
		(r.pattern == nil || r.pattern.MatchString(v)) && (r.check == nil || r.check(v))
}

// durationOK reports whether a DurationSeconds parameter is a whole number of seconds
// within the documented bounds.
func durationOK(v string) bool {
	n, err := strconv.ParseInt(v, 10, 64)
	return err == nil && n >= protocol.MinDurationSeconds && n <= protocol.MaxDurationSeconds
}

// brokenParams lists the parameters of action that break its rules, missing ones
// included, in the order checkActionParams reports them.
func brokenParams(action string, p params) []string {
	var broken []string
	if v, ok := p["DurationSeconds"]; ok && !durationOK(v) {
		broken = append(broken, "DurationSeconds")
	}
	for _, r := range actionRules[action] {
		v, present := p[r.name]
		if (!present && r.required) || (present && !r.ok(v)) {
			broken = append(broken, r.name)
		}
	}
	return broken
}

// checkActionParams answers the first broken parameter as STS does: MissingParameter
// for a required one that is absent, InvalidParameter.<Name> otherwise (a Policy's
// size and grammar have codes of their own, see checkPolicy). Parameters the action
// does not define are ignored.
func checkActionParams(action string, p params) *apiError {
	if e := checkPolicy(p); e != nil {
		return e
	}
	broken := brokenParams(action, p)
	if len(broken) == 0 {
		return nil
	}
	name := broken[0]
	if _, present := p[name]; !present {
		return badRequest(protocol.CodeMissingParameter, protocol.ParameterMessage(protocol.CodeMissingParameter, name))
	}
	code := protocol.InvalidParameterCode(name)
	return badRequest(code, protocol.ParameterMessage(code, name))
}
