package ststest

import (
	"errors"
	"fmt"
	"time"

	"github.com/stsgo/sts"
)

// SAMLVerifier checks the SAMLAssertion of AssumeRoleWithSAML for a SAML provider
// registered with AddSAMLProvider, as RAM checks it against the provider's metadata.
// Package samlidp has one that mints and verifies XML-signed assertions; a test that
// needs no XML signature can register a verifier of its own. The server calls it from
// the goroutines serving requests, so several calls may run at once.
type SAMLVerifier interface {
	// VerifySAMLAssertion checks assertion (base64, as sent) at now, the server's
	// clock, and returns what it says. To refuse it, return a *SAMLError; any other
	// error (a nil *SAMLError too), a nil info, a panic or a runtime.Goexit refuses it
	// as AuthenticationFail.SAMLAssertion.Invalid (a panic's value is the message, so
	// that a test sees it, and the client, which does not retry a refusal, calls once).
	VerifySAMLAssertion(assertion string, now time.Time) (*SAMLAssertionInfo, error)
}

// SAMLAssertionInfo is what a verified assertion says.
type SAMLAssertionInfo struct {
	Issuer      string // the identity provider's entity ID
	Subject     string // the NameID
	SubjectType string // the NameID format's last part, e.g. "persistent"
	Recipient   string // where the assertion was addressed

	// SessionName is the RoleSessionName attribute; empty means Subject is the
	// session name. Either must be a valid RoleSessionName (2 to 64 characters of
	// A-Z a-z 0-9 . @ - _), or the assertion is refused as Invalid.
	SessionName string
	// Roles are the Role attribute's values, "role ARN,provider ARN" pairs; the
	// server grants a role only if one pair names it and the provider asked through.
	Roles []string
}

// SAMLError is a verifier's refusal of an assertion. The server answers HTTP 401 with
// the code "AuthenticationFail.SAMLAssertion." + Code and Message.
type SAMLError struct {
	// Code is the last part of the service's code: Invalid, InvalidSignature,
	// IssuerNotMatch, RecipientNotMatch, AudienceNotMatch, NotYetValid or Expired.
	// A Code that is not one word of letters and digits is answered as Invalid.
	Code    string
	Message string
}

// Error returns the service's code and the message.
func (e *SAMLError) Error() string {
	return "AuthenticationFail.SAMLAssertion." + e.Code + ": " + e.Message
}

// AddSAMLProvider registers a SAML identity provider named name in an account, whose
// assertions v checks, and returns its ARN. Roles accept its assertions once they
// trust that ARN (see TrustPrincipal and Trust).
func (s *Server) AddSAMLProvider(accountID, name string, v SAMLVerifier) string {
	mustf(v != nil, "a SAML provider needs a verifier")
	s.mu.Lock()
	defer s.mu.Unlock()
	mustf(s.accounts[accountID], "no account %s", accountID)
	arn := "acs:ram::" + accountID + ":saml-provider/" + name
	mustf(s.samlProviders[arn] == nil, "SAML provider %s exists", arn)
	s.samlProviders[arn] = v
	return arn
}

// Now returns the time on the server's clock (see WithClock), for helpers that mint
// tokens and assertions the server checks.
func (s *Server) Now() time.Time { return s.now() }

func samlFail(code, message string) *apiError {
	return authFail("AuthenticationFail.SAMLAssertion."+code, message)
}

func (s *Server) assumeRoleWithSAML(p params, now time.Time, requestID string) (any, *apiError) {
	duration, e := p.checkedDuration("AssumeRoleWithSAML")
	if e != nil {
		return nil, e
	}
	req := &sts.AssumeRoleWithSAMLRequest{
		DurationSeconds: &duration, Policy: p.optional("Policy"), RoleArn: p.optional("RoleArn"),
		SAMLAssertion: p.optional("SAMLAssertion"), SAMLProviderArn: p.optional("SAMLProviderArn"),
	}
	providerArn := *req.SAMLProviderArn
	s.mu.Lock()
	verifier := s.samlProviders[providerArn]
	s.mu.Unlock()
	r, e := s.federatedRole("SAML", providerArn, verifier != nil, *req.RoleArn, duration)
	if e != nil {
		return nil, e
	}
	claims, err := verify(verifier, *req.SAMLAssertion, now)
	var refused *SAMLError
	switch {
	case errors.As(err, &refused) && refused != nil && isWord(refused.Code):
		return nil, samlFail(refused.Code, refused.Message)
	case errors.As(err, &refused) && refused != nil:
		return nil, samlFail("Invalid", refused.Message)
	case err != nil || claims == nil:
		return nil, samlFail("Invalid", "The SAML assertion is not a well-formed SAML 2.0 response.")
	case !oneOf(r.Arn+","+providerArn, claims.Roles):
		return nil, samlFail("RoleNotMatch", "The SAML assertion does not grant the role through this provider.")
	}
	name := claims.SessionName
	if name == "" {
		name = claims.Subject
	}
	if !sessionName.ok(name) {
		return nil, samlFail("Invalid", "The SAML assertion's RoleSessionName (or, without one, its NameID) must be 2 to 64 characters of A-Z a-z 0-9 . @ - _.")
	}
	k := s.issueFederatedSession(r, name, now, duration)
	info := new(sts.AssumeRoleWithSAMLResponseBodySAMLAssertionInfo).SetIssuer(claims.Issuer).SetSubject(claims.Subject).
		SetSubjectType(claims.SubjectType).SetRecipient(claims.Recipient)
	return new(sts.AssumeRoleWithSAMLResponseBody).SetRequestId(requestID).SetCredentials(k.credentials()).
		SetAssumedRoleUser(k.assumedRoleUser()).SetSAMLAssertionInfo(info), nil
}

// verify calls v in a goroutine of its own, answering a panic, or an end of that
// goroutine without an answer (runtime.Goexit, which t.FailNow calls), as a refusal
// whose message says so: either would otherwise drop the connection, which the client
// retries into the verifier again.
func verify(v SAMLVerifier, assertion string, now time.Time) (*SAMLAssertionInfo, error) {
	type result struct {
		info *SAMLAssertionInfo
		err  error
	}
	done := make(chan result, 1)
	go func() {
		r := result{err: &SAMLError{Code: "Invalid", Message: "ststest: the SAMLVerifier ended its goroutine without an answer (runtime.Goexit, as t.FailNow calls)"}}
		defer func() {
			if p := recover(); p != nil {
				r = result{err: &SAMLError{Code: "Invalid", Message: fmt.Sprintf("ststest: the SAMLVerifier panicked: %v", p)}}
			}
			done <- r
		}()
		info, err := v.VerifySAMLAssertion(assertion, now)
		r = result{info, err}
	}()
	r := <-done
	return r.info, r.err
}

// isWord reports whether code is one word of letters and digits, as the last part of
// a service's error code is.
func isWord(code string) bool {
	for _, c := range code {
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return code != ""
}

func oneOf(v string, set []string) bool {
	for _, s := range set {
		if v == s {
			return true
		}
	}
	return false
}
