package sts

import "time"

// An answer is a successful response body that can say what it lacks. A 2xx answer
// that lacks what the operation exists to return is an error, not a success: a caller
// that used it would hand on empty credentials.
type answer interface {
	// missing names the first field the answer lacks or cannot use, or "".
	missing() string
	GetRequestId() *string
}

// missing names the first field of c that a caller cannot sign with: "Credentials"
// when there are none, else the empty or unparseable field.
func (c *Credentials) missing() string {
	switch {
	case c == nil:
		return "Credentials"
	case deref(c.AccessKeyId) == "":
		return "Credentials.AccessKeyId"
	case deref(c.AccessKeySecret) == "":
		return "Credentials.AccessKeySecret"
	case deref(c.SecurityToken) == "":
		return "Credentials.SecurityToken"
	}
	if _, err := time.Parse(ExpirationLayout, deref(c.Expiration)); err != nil {
		return "Credentials.Expiration"
	}
	return ""
}

func (s *AssumeRoleResponseBody) missing() string         { return s.Credentials.missing() }
func (s *AssumeRoleWithSAMLResponseBody) missing() string { return s.Credentials.missing() }
func (s *AssumeRoleWithOIDCResponseBody) missing() string { return s.Credentials.missing() }

// missing names Arn or IdentityType when the answer lacks it: without them it says
// nothing about who signed.
func (s *GetCallerIdentityResponseBody) missing() string {
	switch {
	case deref(s.Arn) == "":
		return "Arn"
	case deref(s.IdentityType) == "":
		return "IdentityType"
	}
	return ""
}
