// Package samlidp is a SAML 2.0 identity provider for the fake STS of package ststest:
// it mints base64 SAML responses whose assertion is XML-signed (enveloped, RSA-SHA256)
// with a self-signed certificate, and verifies them for the fake as RAM would: the
// signature against the certificate, then issuer, recipient, audience and validity
// window, reading only the signed element.
//
// It is a package of its own so that only tests that exercise SAML download its XML
// signature libraries; ststest itself accepts any SAMLVerifier.
//
//	idp := samlidp.Register(srv, ststest.DefaultAccountID, "adfs", "https://idp.example.com/metadata")
//	srv.Trust(srv.Role().Arn, idp.Arn)
//	assertion := idp.Assertion("alice@example.com", srv.Role().Arn)
//
// Setup mistakes (an unknown account, a provider name taken) panic in
// ststest.Server.AddSAMLProvider, with its "ststest: " prefix.
package samlidp

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"

	"github.com/stsgo/sts/ststest"
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

// IdP is a SAML identity provider registered in RAM: its entity ID (Issuer) and the
// certificate its assertions are signed with. Assertion mints signed assertions;
// VerifySAMLAssertion checks them for the server.
type IdP struct {
	Arn         string
	Issuer      string
	Certificate *x509.Certificate

	key *rsa.PrivateKey
	now func() time.Time
}

// Register makes an identity provider with entity ID issuer, a new RSA key and a
// self-signed certificate, and registers it in srv as the SAML provider name of an
// account (ststest.Server.AddSAMLProvider). It reads the time from srv's clock. Roles
// accept its assertions once they trust its Arn (see ststest.TrustPrincipal).
func Register(srv *ststest.Server, accountID, name, issuer string) *IdP {
	key, cert := newSigningCertificate(srv.Now())
	p := &IdP{Issuer: issuer, Certificate: cert, key: key, now: srv.Now}
	p.Arn = srv.AddSAMLProvider(accountID, name, p)
	return p
}

func mustf(ok bool, format string, args ...any) {
	if !ok {
		panic("samlidp: " + fmt.Sprintf(format, args...))
	}
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

// Option changes an assertion that Assertion mints, for tests of rejected
// assertions.
type Option func(*assertionSpec)

type assertionSpec struct {
	issuer, recipient, audience, sessionName string
	notBefore, notOnOrAfter                  time.Time
	key                                      *rsa.PrivateKey
	cert                                     *x509.Certificate
}

// Issuer sets the assertion's issuer (default: the provider's).
func Issuer(issuer string) Option {
	return func(a *assertionSpec) { a.issuer = issuer }
}

// Recipient sets the recipient (default: Alibaba Cloud's role SSO URL).
func Recipient(url string) Option {
	return func(a *assertionSpec) { a.recipient = url }
}

// Audience sets the audience (default: urn:alibaba:cloudcomputing).
func Audience(audience string) Option {
	return func(a *assertionSpec) { a.audience = audience }
}

// Validity sets the window in which the assertion may be used (default: from
// a minute ago to five minutes ahead).
func Validity(notBefore, notOnOrAfter time.Time) Option {
	return func(a *assertionSpec) { a.notBefore, a.notOnOrAfter = notBefore, notOnOrAfter }
}

// SessionName sets the RoleSessionName attribute (default: the subject).
func SessionName(name string) Option {
	return func(a *assertionSpec) { a.sessionName = name }
}

// SignedByAnotherKey signs the assertion with a certificate the provider does
// not have.
func SignedByAnotherKey() Option {
	return func(a *assertionSpec) { a.key, a.cert = newSigningCertificate(time.Now()) }
}

// Assertion mints a base64-encoded SAML response whose signed assertion says subject
// may assume roleArn through this provider: the SAMLAssertion of AssumeRoleWithSAML.
func (p *IdP) Assertion(subject, roleArn string, opts ...Option) string {
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
	resp.CreateAttr("ID", "_"+rand.Text())
	resp.CreateAttr("Version", "2.0")
	resp.CreateAttr("IssueInstant", now.Format(samlTimeLayout))
	resp.CreateAttr("Destination", spec.recipient)
	resp.CreateElement("saml:Issuer").SetText(spec.issuer)
	resp.CreateElement("samlp:Status").CreateElement("samlp:StatusCode").CreateAttr("Value", "urn:oasis:names:tc:SAML:2.0:status:Success")

	a := etree.NewElement("saml:Assertion")
	a.CreateAttr("xmlns:saml", samlAssertionNS)
	a.CreateAttr("ID", "_"+rand.Text())
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

func refuse(code, message string) error {
	return &ststest.SAMLError{Code: code, Message: message}
}

// VerifySAMLAssertion checks an assertion's signature against the provider's
// certificate, then its issuer, recipient (Alibaba Cloud's role SSO URL, China or
// international site), audience (urn:alibaba:cloudcomputing or its international
// twin) and validity window at now, reading only the signed element. It refuses with
// a *ststest.SAMLError: Invalid, InvalidSignature, IssuerNotMatch, RecipientNotMatch,
// AudienceNotMatch, NotYetValid or Expired.
func (p *IdP) VerifySAMLAssertion(assertion string, now time.Time) (*ststest.SAMLAssertionInfo, error) {
	invalid := refuse("Invalid", "The SAML assertion is not a well-formed SAML 2.0 response.")
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
		return nil, refuse("InvalidSignature", "The SAML assertion's signature does not verify against the provider's certificate.")
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
	c := &ststest.SAMLAssertionInfo{
		Issuer:    text("./Issuer"),
		Subject:   text("./Subject/NameID"),
		Recipient: attr("./Subject/SubjectConfirmation/SubjectConfirmationData", "Recipient"),
	}
	format := attr("./Subject/NameID", "Format")
	c.SubjectType = format[strings.LastIndex(format, ":")+1:]
	for _, e := range a.FindElements("./AttributeStatement/Attribute") {
		for _, v := range e.FindElements("./AttributeValue") {
			switch e.SelectAttrValue("Name", "") {
			case samlRoleAttribute:
				c.Roles = append(c.Roles, strings.TrimSpace(v.Text()))
			case samlSessionNameAttribute:
				c.SessionName = strings.TrimSpace(v.Text())
			}
		}
	}
	notBefore, err1 := time.Parse(samlTimeLayout, attr("./Conditions", "NotBefore"))
	notOnOrAfter, err2 := time.Parse(samlTimeLayout, attr("./Conditions", "NotOnOrAfter"))
	confirmBy, err3 := time.Parse(samlTimeLayout, attr("./Subject/SubjectConfirmation/SubjectConfirmationData", "NotOnOrAfter"))
	switch {
	case err1 != nil || err2 != nil || err3 != nil || c.Subject == "":
		return nil, invalid
	case c.Issuer != p.Issuer:
		return nil, refuse("IssuerNotMatch", "The SAML assertion's issuer is not the provider's entity ID.")
	case !oneOf(c.Recipient, samlRecipients):
		return nil, refuse("RecipientNotMatch", "The SAML assertion's recipient is not Alibaba Cloud's role SSO URL.")
	case !oneOf(text("./Conditions/AudienceRestriction/Audience"), samlAudiences):
		return nil, refuse("AudienceNotMatch", "The SAML assertion's audience is not Alibaba Cloud.")
	case now.Before(notBefore):
		return nil, refuse("NotYetValid", "The SAML assertion is not valid yet.")
	case !now.Before(notOnOrAfter) || !now.Before(confirmBy):
		return nil, refuse("Expired", "The SAML assertion is expired.")
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
