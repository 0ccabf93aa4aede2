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
	if _, ok := parseExpiration(deref(c.Expiration)); !ok {
		return "Credentials.Expiration"
	}
	return ""
}

// parseExpiration is time.Parse(ExpirationLayout, s), "2006-01-02T15:04:05Z": the
// form STS sends is read in a tenth of time.Parse's time (every answer's Expiration
// is checked on the request path), anything else by time.Parse itself.
// FuzzParseExpiration holds the two to the same result for any input.
func parseExpiration(s string) (time.Time, bool) {
	if len(s) != len(ExpirationLayout) || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z' {
		t, err := time.Parse(ExpirationLayout, s)
		return t, err == nil
	}
	num := func(i, n int) int {
		v := 0
		for _, c := range []byte(s[i : i+n]) {
			if c < '0' || c > '9' {
				return -1
			}
			v = v*10 + int(c-'0')
		}
		return v
	}
	year, month, day, hour, minute, second := num(0, 4), num(5, 2), num(8, 2), num(11, 2), num(14, 2), num(17, 2)
	if year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, second, 0, time.UTC)
	if t.Day() != day { // past the month's last day
		return time.Time{}, false
	}
	return t, true
}

func (s *AssumeRoleResponseBody) missing() string { return s.Credentials.missing() }

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

// Validate reports the first field a usable set of credentials lacks, as a
// *ValidationError; nil when all are there. The official models have the method and
// check nothing (they carry no constraints); this one checks what decoding an answer
// checks, so a value the client returned always passes.
func (c *Credentials) Validate() error { return invalid(c.missing()) }

// Validate reports what the answer lacks, as for Credentials.Validate.
func (s *AssumeRoleResponseBody) Validate() error { return invalid(s.missing()) }

// Validate reports what the answer lacks, as for Credentials.Validate.
func (s *AssumeRoleWithSAMLResponseBody) Validate() error { return invalid(s.missing()) }

// Validate reports what the answer lacks, as for Credentials.Validate.
func (s *AssumeRoleWithOIDCResponseBody) Validate() error { return invalid(s.missing()) }

// Validate reports Arn or IdentityType when the answer lacks it.
func (s *GetCallerIdentityResponseBody) Validate() error { return invalid(s.missing()) }

// Validate returns nil: the official model's has no constraints to check either.
func (s *AssumedRoleUser) Validate() error { return nil }

// Validate returns nil: the official model's has no constraints to check either.
func (s *AssumeRoleWithOIDCResponseBodyOIDCTokenInfo) Validate() error { return nil }

// Validate returns nil: the official model's has no constraints to check either.
func (s *AssumeRoleWithSAMLResponseBodySAMLAssertionInfo) Validate() error { return nil }

// Validate validates the body, when there is one, as the official responses do.
func (s *Response[B]) Validate() error {
	if v, ok := any(s.Body).(interface{ Validate() error }); ok && s.Body != nil {
		return v.Validate()
	}
	return nil
}

// invalid turns the name of a missing field into a *ValidationError.
func invalid(field string) error {
	if field == "" {
		return nil
	}
	return &ValidationError{Field: field, Rule: "is required in an answer"}
}
