package sts

import (
	"fmt"
	"time"

	"github.com/stsgo/sts/internal/protocol"
)

// The request and response models keep the names and shapes of the official
// github.com/alibabacloud-go/sts-20150401/v2/client package (pointer fields, SetX
// chain setters, GetX getters, Validate), so code written against it compiles
// unchanged. Two deliberate differences: String and GoString never print
// AccessKeySecret, SecurityToken, OIDCToken or SAMLAssertion, and Validate checks the
// documented limits (see validate.go) instead of nothing. The models themselves are
// in models_gen.go, generated from the description of the API in internal/apigen.

//go:generate go run ./internal/apigen

// ExpirationLayout is the layout of Expiration and the other times STS returns,
// "2006-01-02T15:04:05Z": always UTC, to the second.
const ExpirationLayout = protocol.TimestampLayout

// ExpirationTime parses Expiration. It fails when Expiration is missing or not in
// ExpirationLayout.
func (s *Credentials) ExpirationTime() (time.Time, error) {
	if s == nil || s.Expiration == nil {
		return time.Time{}, fmt.Errorf("sts: credentials have no Expiration")
	}
	t, ok := parseExpiration(*s.Expiration)
	if !ok {
		return time.Time{}, fmt.Errorf("sts: Expiration %q is not in the layout %s", *s.Expiration, ExpirationLayout)
	}
	return t, nil
}

// Response is an operation's result: the HTTP headers (lower-case names), status code
// and the decoded body. The official SDK declares one such type per operation; their
// names (AssumeRoleResponse and the others) are aliases of this one.
type Response[B any] struct {
	Headers    map[string]*string `json:"headers,omitempty" xml:"headers,omitempty"`
	StatusCode *int32             `json:"statusCode,omitempty" xml:"statusCode,omitempty"`
	Body       *B                 `json:"body,omitempty" xml:"body,omitempty"`
}

// String renders the value as indented JSON with secrets redacted.
func (s Response[B]) String() string { return prettify(s) }

// GoString is String, so that %#v redacts too.
func (s Response[B]) GoString() string { return s.String() }

// GetHeaders returns Headers.
func (s *Response[B]) GetHeaders() map[string]*string { return s.Headers }

// GetStatusCode returns StatusCode.
func (s *Response[B]) GetStatusCode() *int32 { return s.StatusCode }

// GetBody returns Body.
func (s *Response[B]) GetBody() *B { return s.Body }

// SetHeaders sets Headers and returns the receiver, for chaining.
func (s *Response[B]) SetHeaders(v map[string]*string) *Response[B] {
	s.Headers = v
	return s
}

// SetStatusCode sets StatusCode and returns the receiver, for chaining.
func (s *Response[B]) SetStatusCode(v int32) *Response[B] {
	s.StatusCode = &v
	return s
}

// SetBody sets Body and returns the receiver, for chaining.
func (s *Response[B]) SetBody(v *B) *Response[B] {
	s.Body = v
	return s
}
