package policy

import (
	"bytes"
	"maps"
	"slices"
)

// The canonical encoding. Two policies that RAM cannot tell apart encode to the same
// bytes whenever the difference is one of these, all of which RAM's evaluation
// ignores:
//
//   - whitespace, and the order of an object's members: members are written in a fixed
//     order (Version, Statement; Effect, Action or NotAction, Resource or
//     NotResource, Condition), operators and condition keys sorted;
//   - the order of statements and duplicate statements: a request is denied when any
//     statement denies it, else allowed when any allows it, so statements are a set;
//     they are sorted by their own encoding;
//   - the order of, and duplicates in, Action, NotAction, Resource, NotResource and a
//     key's values: each is matched as "any of", so each is a set, sorted;
//   - a list of one item or the item alone ("Action": ["a"] and "Action": "a", which
//     the grammar calls equivalent): one item is written alone, the shorter;
//   - a missing Version or Condition and an empty one.
//
// Case is kept everywhere: RAM compares most names without regard to case but not
// all, and folding would merge policies that may differ. Strings are written as they
// are but for '"', '\' and control characters, which are escaped; nothing is
// HTML-escaped, so "<" stays one character of the 2048.

// String returns the canonical, compact JSON encoding of p: what to give
// AssumeRoleRequest.SetPolicy. It does not validate p (call Validate first): an
// invalid p is encoded as it stands, never as an empty string, so that the service
// refuses it rather than the call going out without a policy.
func (p Policy) String() string {
	return string(p.appendJSON(nil))
}

// MarshalJSON returns p's canonical encoding (see String), or the *Error of
// Validate: an invalid policy is not encoded. json.Marshal escapes & < > (and
// U+2028, U+2029) in what it returns, as in every value, so json.Marshal(p) is the
// same policy but not the same bytes as String: send String, on which the size
// limit is measured.
func (p Policy) MarshalJSON() ([]byte, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return p.appendJSON(nil), nil
}

// Normalize returns the canonical encoding of the policy in s when s is a valid
// policy (see Parse), so that equal policies written differently become one string;
// otherwise it returns s unchanged, for the service to judge. stscreds.SessionCache
// keys and sends its sessions' policies through it.
func Normalize(s string) string {
	p, err := Parse(s)
	if err != nil {
		return s
	}
	return p.String()
}

func (p Policy) appendJSON(b []byte) []byte {
	version := p.Version
	if version == "" {
		version = Version1
	}
	b = append(b, `{"Version":`...)
	b = appendString(b, version)
	b = append(b, `,"Statement":[`...)
	encoded := make([][]byte, len(p.Statement))
	for i, s := range p.Statement {
		encoded[i] = s.appendJSON(nil)
	}
	slices.SortFunc(encoded, bytes.Compare)
	encoded = slices.CompactFunc(encoded, bytes.Equal)
	b = append(b, bytes.Join(encoded, []byte{','})...)
	return append(b, "]}"...)
}

func (s Statement) appendJSON(b []byte) []byte {
	b = append(b, `{"Effect":`...)
	b = appendString(b, string(s.Effect))
	b = appendMember(b, "Action", s.Action)
	b = appendMember(b, "NotAction", s.NotAction)
	b = appendMember(b, "Resource", s.Resource)
	b = appendMember(b, "NotResource", s.NotResource)
	if len(s.Condition) > 0 {
		b = append(b, `,"Condition":{`...)
		for i, op := range sortedKeys(s.Condition) {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, string(op))
			b = append(b, ":{"...)
			for j, key := range sortedKeys(s.Condition[op]) {
				if j > 0 {
					b = append(b, ',')
				}
				b = appendString(b, key)
				b = append(b, ':')
				b = appendSet(b, s.Condition[op][key])
			}
			b = append(b, '}')
		}
		b = append(b, '}')
	}
	return append(b, '}')
}

// appendMember writes ,"name":<set> for a non-empty list.
func appendMember(b []byte, name string, list []string) []byte {
	if len(list) == 0 {
		return b
	}
	b = append(b, ',')
	b = appendString(b, name)
	b = append(b, ':')
	return appendSet(b, list)
}

// appendSet writes a list sorted and without duplicates, one item without brackets.
func appendSet(b []byte, list []string) []byte {
	set := slices.Compact(slices.Sorted(slices.Values(list)))
	if len(set) == 1 {
		return appendString(b, set[0])
	}
	b = append(b, '[')
	for i, v := range set {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, v)
	}
	return append(b, ']')
}

// appendString writes s as a JSON string, escaping only what JSON requires.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		case c == 0x7f:
			b = append(b, `\u007f`...)
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

// sortedKeys returns m's keys in order, for output and errors that do not depend on
// map iteration.
func sortedKeys[K ~string, V any](m map[K]V) []K {
	return slices.Sorted(maps.Keys(m))
}
