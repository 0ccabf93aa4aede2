package ststest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"math/big"
	"strings"
	"time"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"

	"github.com/stsgo/sts"
)

// The values Alibaba Cloud's role-based SSO expects in a SAML assertion: its service
// provider's entity IDs (the audience) and assertion consumer URLs (the recipient), for
// the China and international sites, and the names of its role attributes.
var (
	samlAudiences  = []string{"urn:alibaba:cloudcomputing", "urn:alibaba:cloudcomputing:international"}
	samlRecipients = []string{"https://signin.aliyun.com/saml-role/sso", "https://signin.alibabacloud.com/saml-role/sso"}
)

const (
	samlRoleAttribute        = "https://www.aliyun.com/SAML-Role/Attributes/Role"
	samlSessionNameAttribute = "https://www.aliyun.com/SAML-Role/Attributes/RoleSessionName"
	samlProtocolNS           = "urn:oasis:names:tc:SAML:2.0:protocol"
	samlAssertionNS          = "urn:oasis:names:tc:SAML:2.0:assertion"
	samlTimeLayout           = "2006-01-02T15:04:05Z"
)

// SAMLProvider is a SAML identity provider registered in RAM: its entity ID (Issuer)
// and the certificate its assertions are signed with. Assertion mints signed
// assertions.
type SAMLProvider struct {
	Arn         string
	Issuer      string
	Certificate *x509.Certificate

	key *rsa.PrivateKey
	now func() time.Time
}

// AddSAMLProvider registers a SAML identity provider in an account, with a new RSA key
// and a self-signed certificate. Roles accept its assertions once they trust its Arn
// (see TrustPrincipal).
func (s *Server) AddSAMLProvider(accountID, name, issuer string) *SAMLProvider {
	key, cert := newSigningCertificate(s.now())
	s.mu.Lock()
	defer s.mu.Unlock()
	mustf(s.accounts[accountID], "no account %s", accountID)
	p := &SAMLProvider{Arn: "acs:ram::" + accountID + ":saml-provider/" + name, Issuer: issuer, Certificate: cert, key: key, now: s.now}
	mustf(s.samlProviders[p.Arn] == nil, "SAML provider %s exists", p.Arn)
	s.samlProviders[p.Arn] = p
	return p
}

func newSigningCertificate(now time.Time) (*rsa.PrivateKey, *x509.Certificate) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	mustf(err == nil, "generating a key: %v", err)
	template := &x509.Certificate{
		SerialNumber: big.NewInt(now.UnixNano()),
		Subject:      pkix.Name{CommonName: "ststest SAML IdP"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(10 * 365 * 24 * time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	mustf(err == nil, "making a certificate: %v", err)
	cert, err := x509.ParseCertificate(der)
	mustf(err == nil, "parsing a certificate: %v", err)
	return key, cert
}

// AssertionOption changes an assertion that Assertion mints, for tests of rejected
// assertions.
type AssertionOption func(*assertionSpec)

type assertionSpec struct {
	issuer, recipient, audience, sessionName string
	notBefore, notOnOrAfter                  time.Time
	key                                      *rsa.PrivateKey
	cert                                     *x509.Certificate
}

// AssertionIssuer sets the assertion's issuer (default: the provider's).
func AssertionIssuer(issuer string) AssertionOption {
	return func(a *assertionSpec) { a.issuer = issuer }
}

// AssertionRecipient sets the recipient (default: Alibaba Cloud's role SSO URL).
func AssertionRecipient(url string) AssertionOption {
	return func(a *assertionSpec) { a.recipient = url }
}

// AssertionAudience sets the audience (default: urn:alibaba:cloudcomputing).
func AssertionAudience(audience string) AssertionOption {
	return func(a *assertionSpec) { a.audience = audience }
}

// AssertionValidity sets the window in which the assertion may be used (default: from
// a minute ago to five minutes ahead).
func AssertionValidity(notBefore, notOnOrAfter time.Time) AssertionOption {
	return func(a *assertionSpec) { a.notBefore, a.notOnOrAfter = notBefore, notOnOrAfter }
}

// AssertionSessionName sets the RoleSessionName attribute (default: the subject).
func AssertionSessionName(name string) AssertionOption {
	return func(a *assertionSpec) { a.sessionName = name }
}

// AssertionSignedByAnotherKey signs the assertion with a certificate the provider does
// not have.
func AssertionSignedByAnotherKey() AssertionOption {
	return func(a *assertionSpec) { a.key, a.cert = newSigningCertificate(time.Now()) }
}

// Assertion mints a base64-encoded SAML response whose signed assertion says subject
// may assume roleArn through this provider: the SAMLAssertion of AssumeRoleWithSAML.
func (p *SAMLProvider) Assertion(subject, roleArn string, opts ...AssertionOption) string {
	now := p.now().UTC()
	spec := assertionSpec{issuer: p.Issuer, recipient: samlRecipients[0], audience: samlAudiences[0], sessionName: subject,
		notBefore: now.Add(-time.Minute), notOnOrAfter: now.Add(5 * time.Minute), key: p.key, cert: p.Certificate}
	for _, o := range opts {
		o(&spec)
	}
	doc := etree.NewDocument()
	resp := doc.CreateElement("samlp:Response")
	resp.CreateAttr("xmlns:samlp", samlProtocolNS)
	resp.CreateAttr("xmlns:saml", samlAssertionNS)
	resp.CreateAttr("ID", "_"+randomString(24))
	resp.CreateAttr("Version", "2.0")
	resp.CreateAttr("IssueInstant", now.Format(samlTimeLayout))
	resp.CreateAttr("Destination", spec.recipient)
	resp.CreateElement("saml:Issuer").SetText(spec.issuer)
	resp.CreateElement("samlp:Status").CreateElement("samlp:StatusCode").CreateAttr("Value", "urn:oasis:names:tc:SAML:2.0:status:Success")

	a := etree.NewElement("saml:Assertion")
	a.CreateAttr("xmlns:saml", samlAssertionNS)
	a.CreateAttr("ID", "_"+randomString(24))
	a.CreateAttr("Version", "2.0")
	a.CreateAttr("IssueInstant", now.Format(samlTimeLayout))
	a.CreateElement("saml:Issuer").SetText(spec.issuer)
	subj := a.CreateElement("saml:Subject")
	nameID := subj.CreateElement("saml:NameID")
	nameID.CreateAttr("Format", "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent")
	nameID.SetText(subject)
	conf := subj.CreateElement("saml:SubjectConfirmation")
	conf.CreateAttr("Method", "urn:oasis:names:tc:SAML:2.0:cm:bearer")
	data := conf.CreateElement("saml:SubjectConfirmationData")
	data.CreateAttr("NotOnOrAfter", spec.notOnOrAfter.UTC().Format(samlTimeLayout))
	data.CreateAttr("Recipient", spec.recipient)
	cond := a.CreateElement("saml:Conditions")
	cond.CreateAttr("NotBefore", spec.notBefore.UTC().Format(samlTimeLayout))
	cond.CreateAttr("NotOnOrAfter", spec.notOnOrAfter.UTC().Format(samlTimeLayout))
	cond.CreateElement("saml:AudienceRestriction").CreateElement("saml:Audience").SetText(spec.audience)
	attrs := a.CreateElement("saml:AttributeStatement")
	for name, value := range map[string]string{samlRoleAttribute: roleArn + "," + p.Arn, samlSessionNameAttribute: spec.sessionName} {
		attr := attrs.CreateElement("saml:Attribute")
		attr.CreateAttr("Name", name)
		attr.CreateElement("saml:AttributeValue").SetText(value)
	}

	signer, err := dsig.NewSigningContext(spec.key, [][]byte{spec.cert.Raw})
	mustf(err == nil, "making a signer: %v", err)
	signed, err := signer.SignEnveloped(a)
	mustf(err == nil, "signing an assertion: %v", err)
	resp.AddChild(signed)
	out, err := doc.WriteToBytes()
	mustf(err == nil, "writing an assertion: %v", err)
	return base64.StdEncoding.EncodeToString(out)
}

// samlClaims is what a verified assertion says.
type samlClaims struct {
	issuer, subject, subjectType, recipient, sessionName string
	roles                                                []string // "role ARN,provider ARN" pairs
}

func samlFail(code, message string) *apiError {
	return authFail("AuthenticationFail.SAMLAssertion."+code, message)
}

// verify checks an assertion's signature against the provider's certificate, then its
// issuer, recipient, audience and validity window, reading only the signed element.
func (p *SAMLProvider) verify(assertion string, now time.Time) (*samlClaims, *apiError) {
	invalid := samlFail("Invalid", "The SAML assertion is not a well-formed SAML 2.0 response.")
	raw, err := base64.StdEncoding.DecodeString(assertion)
	if err != nil {
		return nil, invalid
	}
	doc := etree.NewDocument()
	if doc.ReadFromBytes(raw) != nil || doc.Root() == nil {
		return nil, invalid
	}
	signed := doc.Root().FindElement("./Assertion")
	if signed == nil {
		return nil, invalid
	}
	vc := dsig.NewDefaultValidationContext(&dsig.MemoryX509CertificateStore{Roots: []*x509.Certificate{p.Certificate}})
	vc.Clock = dsig.NewFakeClockAt(now)
	a, err := vc.Validate(signed)
	if err != nil {
		return nil, samlFail("InvalidSignature", "The SAML assertion's signature does not verify against the provider's certificate.")
	}
	text := func(path string) string {
		if e := a.FindElement(path); e != nil {
			return strings.TrimSpace(e.Text())
		}
		return ""
	}
	attr := func(path, name string) string {
		if e := a.FindElement(path); e != nil {
			return e.SelectAttrValue(name, "")
		}
		return ""
	}
	c := &samlClaims{
		issuer:    text("./Issuer"),
		subject:   text("./Subject/NameID"),
		recipient: attr("./Subject/SubjectConfirmation/SubjectConfirmationData", "Recipient"),
	}
	format := attr("./Subject/NameID", "Format")
	c.subjectType = format[strings.LastIndex(format, ":")+1:]
	for _, e := range a.FindElements("./AttributeStatement/Attribute") {
		for _, v := range e.FindElements("./AttributeValue") {
			switch e.SelectAttrValue("Name", "") {
			case samlRoleAttribute:
				c.roles = append(c.roles, strings.TrimSpace(v.Text()))
			case samlSessionNameAttribute:
				c.sessionName = strings.TrimSpace(v.Text())
			}
		}
	}
	notBefore, err1 := time.Parse(samlTimeLayout, attr("./Conditions", "NotBefore"))
	notOnOrAfter, err2 := time.Parse(samlTimeLayout, attr("./Conditions", "NotOnOrAfter"))
	confirmBy, err3 := time.Parse(samlTimeLayout, attr("./Subject/SubjectConfirmation/SubjectConfirmationData", "NotOnOrAfter"))
	switch {
	case err1 != nil || err2 != nil || err3 != nil || c.subject == "":
		return nil, invalid
	case c.issuer != p.Issuer:
		return nil, samlFail("IssuerNotMatch", "The SAML assertion's issuer is not the provider's entity ID.")
	case !oneOf(c.recipient, samlRecipients):
		return nil, samlFail("RecipientNotMatch", "The SAML assertion's recipient is not Alibaba Cloud's role SSO URL.")
	case !oneOf(text("./Conditions/AudienceRestriction/Audience"), samlAudiences):
		return nil, samlFail("AudienceNotMatch", "The SAML assertion's audience is not Alibaba Cloud.")
	case now.Before(notBefore):
		return nil, samlFail("NotYetValid", "The SAML assertion is not valid yet.")
	case !now.Before(notOnOrAfter) || !now.Before(confirmBy):
		return nil, samlFail("Expired", "The SAML assertion is expired.")
	}
	return c, nil
}

func oneOf(v string, set []string) bool {
	for _, s := range set {
		if v == s {
			return true
		}
	}
	return false
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
	s.mu.Lock()
	provider := s.samlProviders[*req.SAMLProviderArn]
	s.mu.Unlock()
	r, e := s.federatedRole("SAML", *req.SAMLProviderArn, provider != nil, *req.RoleArn, duration)
	if e != nil {
		return nil, e
	}
	claims, e := provider.verify(*req.SAMLAssertion, now)
	if e != nil {
		return nil, e
	}
	if !oneOf(r.Arn+","+provider.Arn, claims.roles) {
		return nil, samlFail("RoleNotMatch", "The SAML assertion does not grant the role through this provider.")
	}
	sessionName := claims.sessionName
	if sessionName == "" {
		sessionName = claims.subject
	}
	k := s.issueFederatedSession(r, sessionName, now, duration)
	info := new(sts.AssumeRoleWithSAMLResponseBodySAMLAssertionInfo).SetIssuer(claims.issuer).SetSubject(claims.subject).
		SetSubjectType(claims.subjectType).SetRecipient(claims.recipient)
	return new(sts.AssumeRoleWithSAMLResponseBody).SetRequestId(requestID).SetCredentials(k.credentials()).
		SetAssumedRoleUser(k.assumedRoleUser()).SetSAMLAssertionInfo(info), nil
}
