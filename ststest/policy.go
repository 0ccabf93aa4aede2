package ststest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/stsgo/sts/internal/protocol"
)

// The fake's own policy grammar, written from RAM's "Policy structure and syntax"
// and "Policy elements" as summarised in shared/PROTOCOL.md, not borrowed from the
// policy package: TestPolicyRulesAgreeWithThePackage holds the two to the same
// verdicts, so a drift in either fails there instead of becoming the "service's"
// rule too.

var (
	policyActionRe   = regexp.MustCompile(`^(\*|[A-Za-z0-9_-]+:[A-Za-z0-9_.*?-]+)$`)
	policyResourceRe = regexp.MustCompile(`^(\*|acs:[^:]+:[^:]*:[^:]*:.+)$`)
	conditionKeyRe   = regexp.MustCompile(`^[A-Za-z0-9_-]+:.+$`)

	// policyOperators are RAM's condition operators; it refuses the IfExists forms
	// and Null.
	policyOperators = strings.Fields(`StringEquals StringNotEquals StringEqualsIgnoreCase StringNotEqualsIgnoreCase
		StringLike StringNotLike NumericEquals NumericNotEquals NumericLessThan NumericLessThanEquals
		NumericGreaterThan NumericGreaterThanEquals DateEquals DateNotEquals DateLessThan DateLessThanEquals
		DateGreaterThan DateGreaterThanEquals Bool IpAddress NotIpAddress`)

	statementMembers = []string{"Effect", "Action", "NotAction", "Resource", "NotResource", "Condition"}
)

// checkPolicy holds a Policy parameter to STS's rules: at most MaxPolicyLength
// characters (InvalidParameter.PolicySize), and RAM's grammar
// (InvalidParameter.PolicyGrammar), answered with the service's messages.
func checkPolicy(p params) *apiError {
	policy, ok := p["Policy"]
	if !ok {
		return nil
	}
	if utf8.RuneCountInString(policy) > protocol.MaxPolicyLength {
		return badRequest(protocol.CodePolicySize, protocol.ParameterMessage(protocol.CodePolicySize, "Policy"))
	}
	if policyGrammarError(policy) != nil {
		return badRequest(protocol.CodePolicyGrammar, protocol.ParameterMessage(protocol.CodePolicyGrammar, "Policy"))
	}
	return nil
}

// policyGrammarError returns why policy breaks the grammar, or nil.
func policyGrammarError(policy string) error {
	if !utf8.ValidString(policy) {
		return errors.New("not UTF-8")
	}
	dec := json.NewDecoder(strings.NewReader(policy))
	dec.UseNumber()
	doc, err := decodeStrict(dec)
	if err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("data after the document")
	}
	top, ok := doc.(map[string]any)
	if !ok || !hasOnly(top, "Version", "Statement") || top["Version"] != "1" {
		return errors.New("not an object of Version \"1\" and Statement")
	}
	statements, ok := top["Statement"].([]any)
	if !ok || len(statements) == 0 {
		return errors.New("the Statement is not a non-empty list")
	}
	for _, s := range statements {
		if err := statementError(s); err != nil {
			return err
		}
	}
	return nil
}

func statementError(v any) error {
	s, ok := v.(map[string]any)
	if !ok || !hasOnly(s, statementMembers...) {
		return errors.New("a statement is not an object of the statement elements")
	}
	if s["Effect"] != "Allow" && s["Effect"] != "Deny" {
		return errors.New("the Effect is neither Allow nor Deny")
	}
	if err := exclusiveList(s, "Action", "NotAction", policyActionRe); err != nil {
		return err
	}
	if err := exclusiveList(s, "Resource", "NotResource", policyResourceRe); err != nil {
		return err
	}
	c, present := s["Condition"]
	if !present {
		return nil
	}
	operators, ok := c.(map[string]any)
	if !ok {
		return errors.New("the Condition is not an object")
	}
	for op, keys := range operators {
		keyMap, ok := keys.(map[string]any)
		if !slices.Contains(policyOperators, op) || !ok || len(keyMap) == 0 {
			return fmt.Errorf("condition operator %q unknown or without keys", op)
		}
		for key, values := range keyMap {
			if !conditionKeyRe.MatchString(key) || strings.ContainsFunc(key, unicode.IsSpace) || strings.ContainsFunc(key, unicode.IsControl) {
				return fmt.Errorf("condition key %q", key)
			}
			if _, ok := stringList(values, nil); !ok {
				return fmt.Errorf("values of %q", key)
			}
		}
	}
	return nil
}

// exclusiveList checks that exactly one of two members is present and is a string or
// a non-empty list of strings, each matching re.
func exclusiveList(s map[string]any, name, notName string, re *regexp.Regexp) error {
	v, has := s[name]
	notV, hasNot := s[notName]
	if has == hasNot {
		return fmt.Errorf("needs exactly one of %s and %s", name, notName)
	}
	if hasNot {
		v = notV
	}
	if _, ok := stringList(v, re); !ok {
		return fmt.Errorf("%s or %s has an entry the grammar refuses", name, notName)
	}
	return nil
}

// stringList reads a string or a non-empty list of strings without control
// characters, each matching re when re is not nil.
func stringList(v any, re *regexp.Regexp) ([]string, bool) {
	var list []string
	switch v := v.(type) {
	case string:
		list = []string{v}
	case []any:
		for _, item := range v {
			s, ok := item.(string)
			if !ok {
				return nil, false
			}
			list = append(list, s)
		}
	}
	if len(list) == 0 {
		return nil, false
	}
	for _, s := range list {
		if strings.ContainsFunc(s, unicode.IsControl) || (re != nil && !re.MatchString(s)) {
			return nil, false
		}
	}
	return list, true
}

func hasOnly(m map[string]any, names ...string) bool {
	for k := range m {
		if !slices.Contains(names, k) {
			return false
		}
	}
	return true
}

// decodeStrict decodes one JSON value, refusing an object with a member twice (JSON
// decoders disagree on which one counts; RAM's choice is not documented).
func decodeStrict(dec *json.Decoder) (any, error) {
	t, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t {
	case json.Delim('{'):
		m := map[string]any{}
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return nil, err
			}
			name := k.(string)
			if _, dup := m[name]; dup {
				return nil, fmt.Errorf("member %q twice", name)
			}
			if m[name], err = decodeStrict(dec); err != nil {
				return nil, err
			}
		}
		_, err = dec.Token()
		return m, err
	case json.Delim('['):
		list := []any{}
		for dec.More() {
			v, err := decodeStrict(dec)
			if err != nil {
				return nil, err
			}
			list = append(list, v)
		}
		_, err = dec.Token()
		return list, err
	}
	return t, nil
}
