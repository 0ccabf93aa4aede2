package policy

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Parse reads a policy written as JSON, by hand or by another tool, and holds it to
// the same rules as Validate, returning an *Error that names the element at fault.
// As RAM's grammar allows, Action, NotAction, Resource, NotResource and condition
// values may each be one string or a list of strings. Beyond Validate, Parse refuses
// what JSON decoders disagree on or the grammar does not have: a member that appears
// twice in one object, members other than the grammar's (such as "Statements" or
// "Principal"), numbers, booleans and null where a string belongs (RAM wants
// "true", not true), an empty list, a missing Version or Statement, and anything
// after the document.
func Parse(s string) (Policy, error) {
	if !utf8.ValidString(s) {
		return Policy{}, &Error{Reason: "not valid UTF-8"}
	}
	d := decoder{json.NewDecoder(strings.NewReader(s))}
	d.UseNumber()
	var p Policy
	var version, statement bool
	err := d.object("", func(key string) (err error) {
		switch key {
		case "Version":
			version = true
			p.Version, err = d.str("Version")
		case "Statement":
			statement = true
			p.Statement, err = d.statements("Statement")
		default:
			err = &Error{Field: pathName(key), Reason: "unknown element; a policy has Version and Statement"}
		}
		return err
	})
	switch {
	case err != nil:
		return Policy{}, err
	case !version:
		return Policy{}, &Error{Field: "Version", Reason: "missing; must be \"1\""}
	case !statement:
		return Policy{}, &Error{Field: "Statement", Reason: "missing"}
	case p.Version != Version1:
		return Policy{}, &Error{Field: "Version", Reason: fmt.Sprintf("%s is not \"1\", the only version", quote(p.Version))}
	}
	if _, err := d.Token(); err != io.EOF {
		return Policy{}, &Error{Reason: "more after the end of the policy"}
	}
	if err := p.Validate(); err != nil {
		return Policy{}, err
	}
	return p, nil
}

// decoder reads a policy token by token, so that duplicate members are seen and each
// error can name where it is.
type decoder struct{ *json.Decoder }

// next reads the next token of the element at path; a JSON syntax error names path
// and the offset in the document.
func (d decoder) next(path string) (json.Token, error) {
	t, err := d.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, &Error{Field: path, Reason: fmt.Sprintf("not valid JSON at byte %d: %s", d.InputOffset(), err)}
	}
	return t, nil
}

// object reads an object at path, calling member with each member's name (member
// reads the value), and refuses a name that appears twice.
func (d decoder) object(path string, member func(name string) error) error {
	t, err := d.next(path)
	if err != nil {
		return err
	}
	if t != json.Delim('{') {
		return &Error{Field: path, Reason: "must be an object, not " + kind(t)}
	}
	seen := map[string]bool{}
	for d.More() {
		t, err := d.next(path)
		if err != nil {
			return err
		}
		name := t.(string) // the decoder accepts only strings as member names
		if seen[name] {
			return &Error{Field: path, Reason: quote(name) + " appears twice; JSON decoders disagree on which one counts"}
		}
		seen[name] = true
		if err := member(name); err != nil {
			return err
		}
	}
	_, err = d.next(path)
	return err
}

func (d decoder) statements(path string) ([]Statement, error) {
	t, err := d.next(path)
	if err != nil {
		return nil, err
	}
	if t != json.Delim('[') {
		return nil, &Error{Field: path, Reason: "must be a list of statements, not " + kind(t)}
	}
	var list []Statement
	for d.More() {
		sPath := path + "[" + strconv.Itoa(len(list)) + "]"
		var s Statement
		err := d.object(sPath, func(name string) (err error) {
			field := sPath + "." + pathName(name)
			switch name {
			case "Effect":
				var e string
				e, err = d.str(field)
				s.Effect = Effect(e)
			case "Action":
				s.Action, err = d.strings(field)
			case "NotAction":
				s.NotAction, err = d.strings(field)
			case "Resource":
				s.Resource, err = d.strings(field)
			case "NotResource":
				s.NotResource, err = d.strings(field)
			case "Condition":
				s.Condition, err = d.condition(field)
			default:
				err = &Error{Field: field, Reason: "unknown element; a statement has Effect, Action, NotAction, Resource, NotResource and Condition"}
			}
			return err
		})
		if err != nil {
			return nil, err
		}
		list = append(list, s)
	}
	_, err = d.next(path)
	return list, err
}

func (d decoder) condition(path string) (Condition, error) {
	c := Condition{}
	err := d.object(path, func(op string) error {
		opPath := path + "." + pathName(op)
		keys := map[string][]string{}
		c[Operator(op)] = keys
		return d.object(opPath, func(key string) (err error) {
			keys[key], err = d.strings(opPath + "[" + quote(key) + "]")
			return err
		})
	})
	return c, err
}

// str reads a string.
func (d decoder) str(path string) (string, error) {
	t, err := d.next(path)
	if err != nil {
		return "", err
	}
	s, ok := t.(string)
	if !ok {
		return "", &Error{Field: path, Reason: "must be a string, not " + kind(t)}
	}
	return s, nil
}

// strings reads a string or a non-empty list of strings.
func (d decoder) strings(path string) ([]string, error) {
	t, err := d.next(path)
	if err != nil {
		return nil, err
	}
	if s, ok := t.(string); ok {
		return []string{s}, nil
	}
	if t != json.Delim('[') {
		return nil, &Error{Field: path, Reason: "must be a string or a list of strings, not " + kind(t)}
	}
	var list []string
	for d.More() {
		s, err := d.str(path + "[" + strconv.Itoa(len(list)) + "]")
		if err != nil {
			return nil, err
		}
		list = append(list, s)
	}
	if len(list) == 0 {
		return nil, &Error{Field: path, Reason: "empty list"}
	}
	_, err = d.next(path)
	return list, err
}

// kind names a token's JSON type for an error.
func kind(t json.Token) string {
	switch t := t.(type) {
	case json.Delim:
		if t == '[' {
			return "a list"
		}
		return "an object"
	case string:
		return "a string"
	case json.Number:
		return "a number (RAM wants numbers in quotes)"
	case bool:
		return "a boolean (RAM wants \"true\" or \"false\", in quotes)"
	}
	return "null"
}
