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
// documented limits (see validate.go) instead of nothing.

// ExpirationLayout is the layout of Expiration and the other times STS returns,
// "2006-01-02T15:04:05Z": always UTC, to the second.
const ExpirationLayout = protocol.TimestampLayout

// AssumeRoleRequest is the input of AssumeRole: which role to assume, for how long and
// with what narrower policy.
type AssumeRoleRequest struct {
	// DurationSeconds is the lifetime of the credentials, 900 up to the role's
	// MaxSessionDuration (at most 43200). Unset means the service default, 3600.
	DurationSeconds *int64 `json:"DurationSeconds,omitempty" xml:"DurationSeconds,omitempty"`
	// ExternalId is the value the role's trust policy may require (sts:ExternalId),
	// 2 to 1224 characters of letters, digits and _+=,.@:/-.
	ExternalId *string `json:"ExternalId,omitempty" xml:"ExternalId,omitempty"`
	// Policy is a JSON policy, 1 to 2048 characters, that narrows what the credentials may
	// do below the role's own permissions.
	Policy *string `json:"Policy,omitempty" xml:"Policy,omitempty"`
	// RoleArn names the role, acs:ram::<account>:role/<name>. Required.
	RoleArn *string `json:"RoleArn,omitempty" xml:"RoleArn,omitempty"`
	// RoleSessionName tells sessions apart in audit logs, 2 to 64 characters of letters,
	// digits and . @ - _. Required.
	RoleSessionName *string `json:"RoleSessionName,omitempty" xml:"RoleSessionName,omitempty"`
	// SourceIdentity is carried into the session for auditing, 2 to 64 characters of
	// letters, digits and _+=,.@-, not starting with acs:, aliyun: or alibabacloud:.
	SourceIdentity *string `json:"SourceIdentity,omitempty" xml:"SourceIdentity,omitempty"`
}

// String renders the value as indented JSON with secrets redacted.
func (s AssumeRoleRequest) String() string { return prettify(s) }

// GoString is String, so that %#v redacts too.
func (s AssumeRoleRequest) GoString() string { return s.String() }

// GetDurationSeconds returns DurationSeconds.
func (s *AssumeRoleRequest) GetDurationSeconds() *int64 { return s.DurationSeconds }

// GetExternalId returns ExternalId.
func (s *AssumeRoleRequest) GetExternalId() *string { return s.ExternalId }

// GetPolicy returns Policy.
func (s *AssumeRoleRequest) GetPolicy() *string { return s.Policy }

// GetRoleArn returns RoleArn.
func (s *AssumeRoleRequest) GetRoleArn() *string { return s.RoleArn }

// GetRoleSessionName returns RoleSessionName.
func (s *AssumeRoleRequest) GetRoleSessionName() *string {
	return s.RoleSessionName
}

// GetSourceIdentity returns SourceIdentity.
func (s *AssumeRoleRequest) GetSourceIdentity() *string { return s.SourceIdentity }

// SetDurationSeconds sets DurationSeconds and returns the receiver, for chaining.
func (s *AssumeRoleRequest) SetDurationSeconds(v int64) *AssumeRoleRequest {
	s.DurationSeconds = &v
	return s
}

// SetExternalId sets ExternalId and returns the receiver, for chaining.
func (s *AssumeRoleRequest) SetExternalId(v string) *AssumeRoleRequest {
	s.ExternalId = &v
	return s
}

// SetPolicy sets Policy and returns the receiver, for chaining.
func (s *AssumeRoleRequest) SetPolicy(v string) *AssumeRoleRequest {
	s.Policy = &v
	return s
}

// SetRoleArn sets RoleArn and returns the receiver, for chaining.
func (s *AssumeRoleRequest) SetRoleArn(v string) *AssumeRoleRequest {
	s.RoleArn = &v
	return s
}

// SetRoleSessionName sets RoleSessionName and returns the receiver, for chaining.
func (s *AssumeRoleRequest) SetRoleSessionName(v string) *AssumeRoleRequest {
	s.RoleSessionName = &v
	return s
}

// SetSourceIdentity sets SourceIdentity and returns the receiver, for chaining.
func (s *AssumeRoleRequest) SetSourceIdentity(v string) *AssumeRoleRequest {
	s.SourceIdentity = &v
	return s
}

// AssumeRoleWithSAMLRequest is the input of AssumeRoleWithSAML: a SAML assertion from
// an identity provider that RAM trusts, traded for the role's credentials.
type AssumeRoleWithSAMLRequest struct {
	// DurationSeconds is the lifetime of the credentials, 900 up to the role's
	// MaxSessionDuration (at most 43200). Unset means 3600.
	DurationSeconds *int64 `json:"DurationSeconds,omitempty" xml:"DurationSeconds,omitempty"`
	// Policy narrows the role's permissions, 1 to 2048 characters of JSON.
	Policy *string `json:"Policy,omitempty" xml:"Policy,omitempty"`
	// RoleArn names the role, acs:ram::<account>:role/<name>. Required.
	RoleArn *string `json:"RoleArn,omitempty" xml:"RoleArn,omitempty"`
	// SAMLAssertion is the base64-encoded SAML response, 4 to 100000 characters.
	// Required. It is a bearer credential: String never prints it.
	SAMLAssertion *string `json:"SAMLAssertion,omitempty" xml:"SAMLAssertion,omitempty"`
	// SAMLProviderArn names the identity provider in RAM,
	// acs:ram::<account>:saml-provider/<name>. Required.
	SAMLProviderArn *string `json:"SAMLProviderArn,omitempty" xml:"SAMLProviderArn,omitempty"`
}

// String renders the value as indented JSON with secrets redacted.
func (s AssumeRoleWithSAMLRequest) String() string { return prettify(s) }

// GoString is String, so that %#v redacts too.
func (s AssumeRoleWithSAMLRequest) GoString() string { return s.String() }

// GetDurationSeconds returns DurationSeconds.
func (s *AssumeRoleWithSAMLRequest) GetDurationSeconds() *int64 { return s.DurationSeconds }

// GetPolicy returns Policy.
func (s *AssumeRoleWithSAMLRequest) GetPolicy() *string { return s.Policy }

// GetRoleArn returns RoleArn.
func (s *AssumeRoleWithSAMLRequest) GetRoleArn() *string { return s.RoleArn }

// GetSAMLAssertion returns SAMLAssertion.
func (s *AssumeRoleWithSAMLRequest) GetSAMLAssertion() *string { return s.SAMLAssertion }

// GetSAMLProviderArn returns SAMLProviderArn.
func (s *AssumeRoleWithSAMLRequest) GetSAMLProviderArn() *string {
	return s.SAMLProviderArn
}

// SetDurationSeconds sets DurationSeconds and returns the receiver, for chaining.
func (s *AssumeRoleWithSAMLRequest) SetDurationSeconds(v int64) *AssumeRoleWithSAMLRequest {
	s.DurationSeconds = &v
	return s
}

// SetPolicy sets Policy and returns the receiver, for chaining.
func (s *AssumeRoleWithSAMLRequest) SetPolicy(v string) *AssumeRoleWithSAMLRequest {
	s.Policy = &v
	return s
}

// SetRoleArn sets RoleArn and returns the receiver, for chaining.
func (s *AssumeRoleWithSAMLRequest) SetRoleArn(v string) *AssumeRoleWithSAMLRequest {
	s.RoleArn = &v
	return s
}

// SetSAMLAssertion sets SAMLAssertion and returns the receiver, for chaining.
func (s *AssumeRoleWithSAMLRequest) SetSAMLAssertion(v string) *AssumeRoleWithSAMLRequest {
	s.SAMLAssertion = &v
	return s
}

// SetSAMLProviderArn sets SAMLProviderArn and returns the receiver, for chaining.
func (s *AssumeRoleWithSAMLRequest) SetSAMLProviderArn(v string) *AssumeRoleWithSAMLRequest {
	s.SAMLProviderArn = &v
	return s
}

// AssumeRoleWithOIDCRequest is the input of AssumeRoleWithOIDC: an OIDC token (for
// example a Kubernetes service account token under ACK RRSA) traded for the role's
// credentials.
type AssumeRoleWithOIDCRequest struct {
	// DurationSeconds is the lifetime of the credentials, 900 up to the role's
	// MaxSessionDuration (at most 43200). Unset means 3600.
	DurationSeconds *int64 `json:"DurationSeconds,omitempty" xml:"DurationSeconds,omitempty"`
	// OIDCProviderArn names the identity provider in RAM,
	// acs:ram::<account>:oidc-provider/<name>. Required.
	OIDCProviderArn *string `json:"OIDCProviderArn,omitempty" xml:"OIDCProviderArn,omitempty"`
	// OIDCToken is the raw JWT, 4 to 20000 characters. Required. It is a bearer
	// credential: String never prints it.
	OIDCToken *string `json:"OIDCToken,omitempty" xml:"OIDCToken,omitempty"`
	// Policy narrows the role's permissions, 1 to 2048 characters of JSON.
	Policy *string `json:"Policy,omitempty" xml:"Policy,omitempty"`
	// RoleArn names the role, acs:ram::<account>:role/<name>. Required.
	RoleArn *string `json:"RoleArn,omitempty" xml:"RoleArn,omitempty"`
	// RoleSessionName tells sessions apart in audit logs, 2 to 64 characters of letters,
	// digits and . @ - _.
	RoleSessionName *string `json:"RoleSessionName,omitempty" xml:"RoleSessionName,omitempty"`
}

// String renders the value as indented JSON with secrets redacted.
func (s AssumeRoleWithOIDCRequest) String() string { return prettify(s) }

// GoString is String, so that %#v redacts too.
func (s AssumeRoleWithOIDCRequest) GoString() string { return s.String() }

// GetDurationSeconds returns DurationSeconds.
func (s *AssumeRoleWithOIDCRequest) GetDurationSeconds() *int64 { return s.DurationSeconds }

// GetOIDCProviderArn returns OIDCProviderArn.
func (s *AssumeRoleWithOIDCRequest) GetOIDCProviderArn() *string {
	return s.OIDCProviderArn
}

// GetOIDCToken returns OIDCToken.
func (s *AssumeRoleWithOIDCRequest) GetOIDCToken() *string { return s.OIDCToken }

// GetPolicy returns Policy.
func (s *AssumeRoleWithOIDCRequest) GetPolicy() *string { return s.Policy }

// GetRoleArn returns RoleArn.
func (s *AssumeRoleWithOIDCRequest) GetRoleArn() *string { return s.RoleArn }

// GetRoleSessionName returns RoleSessionName.
func (s *AssumeRoleWithOIDCRequest) GetRoleSessionName() *string {
	return s.RoleSessionName
}

// SetDurationSeconds sets DurationSeconds and returns the receiver, for chaining.
func (s *AssumeRoleWithOIDCRequest) SetDurationSeconds(v int64) *AssumeRoleWithOIDCRequest {
	s.DurationSeconds = &v
	return s
}

// SetOIDCProviderArn sets OIDCProviderArn and returns the receiver, for chaining.
func (s *AssumeRoleWithOIDCRequest) SetOIDCProviderArn(v string) *AssumeRoleWithOIDCRequest {
	s.OIDCProviderArn = &v
	return s
}

// SetOIDCToken sets OIDCToken and returns the receiver, for chaining.
func (s *AssumeRoleWithOIDCRequest) SetOIDCToken(v string) *AssumeRoleWithOIDCRequest {
	s.OIDCToken = &v
	return s
}

// SetPolicy sets Policy and returns the receiver, for chaining.
func (s *AssumeRoleWithOIDCRequest) SetPolicy(v string) *AssumeRoleWithOIDCRequest {
	s.Policy = &v
	return s
}

// SetRoleArn sets RoleArn and returns the receiver, for chaining.
func (s *AssumeRoleWithOIDCRequest) SetRoleArn(v string) *AssumeRoleWithOIDCRequest {
	s.RoleArn = &v
	return s
}

// SetRoleSessionName sets RoleSessionName and returns the receiver, for chaining.
func (s *AssumeRoleWithOIDCRequest) SetRoleSessionName(v string) *AssumeRoleWithOIDCRequest {
	s.RoleSessionName = &v
	return s
}

// Credentials are the temporary credentials an assume-role call returns. The official
// SDK has one such type per operation; here they are one type under those names.
type Credentials struct {
	// AccessKeyId of the temporary credentials; it starts with "STS.".
	AccessKeyId *string `json:"AccessKeyId,omitempty" xml:"AccessKeyId,omitempty"`
	// AccessKeySecret of the temporary credentials. String never prints it.
	AccessKeySecret *string `json:"AccessKeySecret,omitempty" xml:"AccessKeySecret,omitempty"`
	// Expiration is when the credentials stop working, UTC in ExpirationLayout.
	Expiration *string `json:"Expiration,omitempty" xml:"Expiration,omitempty"`
	// SecurityToken goes with every request made with these credentials. String never
	// prints it.
	SecurityToken *string `json:"SecurityToken,omitempty" xml:"SecurityToken,omitempty"`
}

// The official SDK's names for Credentials.
type (
	AssumeRoleResponseBodyCredentials         = Credentials
	AssumeRoleWithSAMLResponseBodyCredentials = Credentials
	AssumeRoleWithOIDCResponseBodyCredentials = Credentials
)

// String renders the value as indented JSON with secrets redacted.
func (s Credentials) String() string { return prettify(s) }

// GoString is String, so that %#v redacts too.
func (s Credentials) GoString() string { return s.String() }

// GetAccessKeyId returns AccessKeyId.
func (s *Credentials) GetAccessKeyId() *string { return s.AccessKeyId }

// GetAccessKeySecret returns AccessKeySecret.
func (s *Credentials) GetAccessKeySecret() *string { return s.AccessKeySecret }

// GetExpiration returns Expiration.
func (s *Credentials) GetExpiration() *string { return s.Expiration }

// GetSecurityToken returns SecurityToken.
func (s *Credentials) GetSecurityToken() *string { return s.SecurityToken }

// SetAccessKeyId sets AccessKeyId and returns the receiver, for chaining.
func (s *Credentials) SetAccessKeyId(v string) *Credentials {
	s.AccessKeyId = &v
	return s
}

// SetAccessKeySecret sets AccessKeySecret and returns the receiver, for chaining.
func (s *Credentials) SetAccessKeySecret(v string) *Credentials {
	s.AccessKeySecret = &v
	return s
}

// SetExpiration sets Expiration and returns the receiver, for chaining.
func (s *Credentials) SetExpiration(v string) *Credentials {
	s.Expiration = &v
	return s
}

// SetSecurityToken sets SecurityToken and returns the receiver, for chaining.
func (s *Credentials) SetSecurityToken(v string) *Credentials {
	s.SecurityToken = &v
	return s
}

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

// AssumedRoleUser identifies the role session the credentials act as.
type AssumedRoleUser struct {
	// Arn of the session, acs:ram::<account>:assumed-role/<role>/<session>.
	Arn *string `json:"Arn,omitempty" xml:"Arn,omitempty"`
	// AssumedRoleId is <role id>:<session name>.
	AssumedRoleId *string `json:"AssumedRoleId,omitempty" xml:"AssumedRoleId,omitempty"`
}

// The official SDK's names for AssumedRoleUser.
type (
	AssumeRoleResponseBodyAssumedRoleUser         = AssumedRoleUser
	AssumeRoleWithSAMLResponseBodyAssumedRoleUser = AssumedRoleUser
	AssumeRoleWithOIDCResponseBodyAssumedRoleUser = AssumedRoleUser
)

// String renders the value as indented JSON with secrets redacted.
func (s AssumedRoleUser) String() string { return prettify(s) }

// GoString is String, so that %#v redacts too.
func (s AssumedRoleUser) GoString() string { return s.String() }

// GetArn returns Arn.
func (s *AssumedRoleUser) GetArn() *string { return s.Arn }

// GetAssumedRoleId returns AssumedRoleId.
func (s *AssumedRoleUser) GetAssumedRoleId() *string { return s.AssumedRoleId }

// SetArn sets Arn and returns the receiver, for chaining.
func (s *AssumedRoleUser) SetArn(v string) *AssumedRoleUser {
	s.Arn = &v
	return s
}

// SetAssumedRoleId sets AssumedRoleId and returns the receiver, for chaining.
func (s *AssumedRoleUser) SetAssumedRoleId(v string) *AssumedRoleUser {
	s.AssumedRoleId = &v
	return s
}

// AssumeRoleResponseBody is what AssumeRole returns.
type AssumeRoleResponseBody struct {
	AssumedRoleUser *AssumedRoleUser `json:"AssumedRoleUser,omitempty" xml:"AssumedRoleUser,omitempty" type:"Struct"`
	Credentials     *Credentials     `json:"Credentials,omitempty" xml:"Credentials,omitempty" type:"Struct"`
	RequestId       *string          `json:"RequestId,omitempty" xml:"RequestId,omitempty"`
	SourceIdentity  *string          `json:"SourceIdentity,omitempty" xml:"SourceIdentity,omitempty"`
}

// String renders the value as indented JSON with secrets redacted.
func (s AssumeRoleResponseBody) String() string { return prettify(s) }

// GoString is String, so that %#v redacts too.
func (s AssumeRoleResponseBody) GoString() string { return s.String() }

// GetAssumedRoleUser returns AssumedRoleUser.
func (s *AssumeRoleResponseBody) GetAssumedRoleUser() *AssumedRoleUser { return s.AssumedRoleUser }

// GetCredentials returns Credentials.
func (s *AssumeRoleResponseBody) GetCredentials() *Credentials { return s.Credentials }

// GetRequestId returns RequestId.
func (s *AssumeRoleResponseBody) GetRequestId() *string { return s.RequestId }

// GetSourceIdentity returns SourceIdentity.
func (s *AssumeRoleResponseBody) GetSourceIdentity() *string { return s.SourceIdentity }

// SetAssumedRoleUser sets AssumedRoleUser and returns the receiver, for chaining.
func (s *AssumeRoleResponseBody) SetAssumedRoleUser(v *AssumedRoleUser) *AssumeRoleResponseBody {
	s.AssumedRoleUser = v
	return s
}

// SetCredentials sets Credentials and returns the receiver, for chaining.
func (s *AssumeRoleResponseBody) SetCredentials(v *Credentials) *AssumeRoleResponseBody {
	s.Credentials = v
	return s
}

// SetRequestId sets RequestId and returns the receiver, for chaining.
func (s *AssumeRoleResponseBody) SetRequestId(v string) *AssumeRoleResponseBody {
	s.RequestId = &v
	return s
}

// SetSourceIdentity sets SourceIdentity and returns the receiver, for chaining.
func (s *AssumeRoleResponseBody) SetSourceIdentity(v string) *AssumeRoleResponseBody {
	s.SourceIdentity = &v
	return s
}

// AssumeRoleWithSAMLResponseBody is what AssumeRoleWithSAML returns.
type AssumeRoleWithSAMLResponseBody struct {
	AssumedRoleUser   *AssumedRoleUser                                 `json:"AssumedRoleUser,omitempty" xml:"AssumedRoleUser,omitempty" type:"Struct"`
	Credentials       *Credentials                                     `json:"Credentials,omitempty" xml:"Credentials,omitempty" type:"Struct"`
	RequestId         *string                                          `json:"RequestId,omitempty" xml:"RequestId,omitempty"`
	SAMLAssertionInfo *AssumeRoleWithSAMLResponseBodySAMLAssertionInfo `json:"SAMLAssertionInfo,omitempty" xml:"SAMLAssertionInfo,omitempty" type:"Struct"`
	SourceIdentity    *string                                          `json:"SourceIdentity,omitempty" xml:"SourceIdentity,omitempty"`
}

// String renders the value as indented JSON with secrets redacted.
func (s AssumeRoleWithSAMLResponseBody) String() string { return prettify(s) }

// GoString is String, so that %#v redacts too.
func (s AssumeRoleWithSAMLResponseBody) GoString() string { return s.String() }

// GetAssumedRoleUser returns AssumedRoleUser.
func (s *AssumeRoleWithSAMLResponseBody) GetAssumedRoleUser() *AssumedRoleUser {
	return s.AssumedRoleUser
}

// GetCredentials returns Credentials.
func (s *AssumeRoleWithSAMLResponseBody) GetCredentials() *Credentials { return s.Credentials }

// GetRequestId returns RequestId.
func (s *AssumeRoleWithSAMLResponseBody) GetRequestId() *string { return s.RequestId }

// GetSAMLAssertionInfo returns SAMLAssertionInfo.
func (s *AssumeRoleWithSAMLResponseBody) GetSAMLAssertionInfo() *AssumeRoleWithSAMLResponseBodySAMLAssertionInfo {
	return s.SAMLAssertionInfo
}

// GetSourceIdentity returns SourceIdentity.
func (s *AssumeRoleWithSAMLResponseBody) GetSourceIdentity() *string { return s.SourceIdentity }

// SetAssumedRoleUser sets AssumedRoleUser and returns the receiver, for chaining.
func (s *AssumeRoleWithSAMLResponseBody) SetAssumedRoleUser(v *AssumedRoleUser) *AssumeRoleWithSAMLResponseBody {
	s.AssumedRoleUser = v
	return s
}

// SetCredentials sets Credentials and returns the receiver, for chaining.
func (s *AssumeRoleWithSAMLResponseBody) SetCredentials(v *Credentials) *AssumeRoleWithSAMLResponseBody {
	s.Credentials = v
	return s
}

// SetRequestId sets RequestId and returns the receiver, for chaining.
func (s *AssumeRoleWithSAMLResponseBody) SetRequestId(v string) *AssumeRoleWithSAMLResponseBody {
	s.RequestId = &v
	return s
}

// SetSAMLAssertionInfo sets SAMLAssertionInfo and returns the receiver, for chaining.
func (s *AssumeRoleWithSAMLResponseBody) SetSAMLAssertionInfo(v *AssumeRoleWithSAMLResponseBodySAMLAssertionInfo) *AssumeRoleWithSAMLResponseBody {
	s.SAMLAssertionInfo = v
	return s
}

// SetSourceIdentity sets SourceIdentity and returns the receiver, for chaining.
func (s *AssumeRoleWithSAMLResponseBody) SetSourceIdentity(v string) *AssumeRoleWithSAMLResponseBody {
	s.SourceIdentity = &v
	return s
}

// AssumeRoleWithSAMLResponseBodySAMLAssertionInfo is what STS read from the assertion.
type AssumeRoleWithSAMLResponseBodySAMLAssertionInfo struct {
	Issuer      *string `json:"Issuer,omitempty" xml:"Issuer,omitempty"`
	Recipient   *string `json:"Recipient,omitempty" xml:"Recipient,omitempty"`
	Subject     *string `json:"Subject,omitempty" xml:"Subject,omitempty"`
	SubjectType *string `json:"SubjectType,omitempty" xml:"SubjectType,omitempty"`
}

// String renders the value as indented JSON with secrets redacted.
func (s AssumeRoleWithSAMLResponseBodySAMLAssertionInfo) String() string { return prettify(s) }

// GoString is String, so that %#v redacts too.
func (s AssumeRoleWithSAMLResponseBodySAMLAssertionInfo) GoString() string { return s.String() }

// GetIssuer returns Issuer.
func (s *AssumeRoleWithSAMLResponseBodySAMLAssertionInfo) GetIssuer() *string { return s.Issuer }

// GetRecipient returns Recipient.
func (s *AssumeRoleWithSAMLResponseBodySAMLAssertionInfo) GetRecipient() *string { return s.Recipient }

// GetSubject returns Subject.
func (s *AssumeRoleWithSAMLResponseBodySAMLAssertionInfo) GetSubject() *string { return s.Subject }

// GetSubjectType returns SubjectType.
func (s *AssumeRoleWithSAMLResponseBodySAMLAssertionInfo) GetSubjectType() *string {
	return s.SubjectType
}

// SetIssuer sets Issuer and returns the receiver, for chaining.
func (s *AssumeRoleWithSAMLResponseBodySAMLAssertionInfo) SetIssuer(v string) *AssumeRoleWithSAMLResponseBodySAMLAssertionInfo {
	s.Issuer = &v
	return s
}

// SetRecipient sets Recipient and returns the receiver, for chaining.
func (s *AssumeRoleWithSAMLResponseBodySAMLAssertionInfo) SetRecipient(v string) *AssumeRoleWithSAMLResponseBodySAMLAssertionInfo {
	s.Recipient = &v
	return s
}

// SetSubject sets Subject and returns the receiver, for chaining.
func (s *AssumeRoleWithSAMLResponseBodySAMLAssertionInfo) SetSubject(v string) *AssumeRoleWithSAMLResponseBodySAMLAssertionInfo {
	s.Subject = &v
	return s
}

// SetSubjectType sets SubjectType and returns the receiver, for chaining.
func (s *AssumeRoleWithSAMLResponseBodySAMLAssertionInfo) SetSubjectType(v string) *AssumeRoleWithSAMLResponseBodySAMLAssertionInfo {
	s.SubjectType = &v
	return s
}

// AssumeRoleWithOIDCResponseBody is what AssumeRoleWithOIDC returns.
type AssumeRoleWithOIDCResponseBody struct {
	AssumedRoleUser *AssumedRoleUser                             `json:"AssumedRoleUser,omitempty" xml:"AssumedRoleUser,omitempty" type:"Struct"`
	Credentials     *Credentials                                 `json:"Credentials,omitempty" xml:"Credentials,omitempty" type:"Struct"`
	OIDCTokenInfo   *AssumeRoleWithOIDCResponseBodyOIDCTokenInfo `json:"OIDCTokenInfo,omitempty" xml:"OIDCTokenInfo,omitempty" type:"Struct"`
	RequestId       *string                                      `json:"RequestId,omitempty" xml:"RequestId,omitempty"`
	SourceIdentity  *string                                      `json:"SourceIdentity,omitempty" xml:"SourceIdentity,omitempty"`
}

// String renders the value as indented JSON with secrets redacted.
func (s AssumeRoleWithOIDCResponseBody) String() string { return prettify(s) }

// GoString is String, so that %#v redacts too.
func (s AssumeRoleWithOIDCResponseBody) GoString() string { return s.String() }

// GetAssumedRoleUser returns AssumedRoleUser.
func (s *AssumeRoleWithOIDCResponseBody) GetAssumedRoleUser() *AssumedRoleUser {
	return s.AssumedRoleUser
}

// GetCredentials returns Credentials.
func (s *AssumeRoleWithOIDCResponseBody) GetCredentials() *Credentials { return s.Credentials }

// GetOIDCTokenInfo returns OIDCTokenInfo.
func (s *AssumeRoleWithOIDCResponseBody) GetOIDCTokenInfo() *AssumeRoleWithOIDCResponseBodyOIDCTokenInfo {
	return s.OIDCTokenInfo
}

// GetRequestId returns RequestId.
func (s *AssumeRoleWithOIDCResponseBody) GetRequestId() *string { return s.RequestId }

// GetSourceIdentity returns SourceIdentity.
func (s *AssumeRoleWithOIDCResponseBody) GetSourceIdentity() *string { return s.SourceIdentity }

// SetAssumedRoleUser sets AssumedRoleUser and returns the receiver, for chaining.
func (s *AssumeRoleWithOIDCResponseBody) SetAssumedRoleUser(v *AssumedRoleUser) *AssumeRoleWithOIDCResponseBody {
	s.AssumedRoleUser = v
	return s
}

// SetCredentials sets Credentials and returns the receiver, for chaining.
func (s *AssumeRoleWithOIDCResponseBody) SetCredentials(v *Credentials) *AssumeRoleWithOIDCResponseBody {
	s.Credentials = v
	return s
}

// SetOIDCTokenInfo sets OIDCTokenInfo and returns the receiver, for chaining.
func (s *AssumeRoleWithOIDCResponseBody) SetOIDCTokenInfo(v *AssumeRoleWithOIDCResponseBodyOIDCTokenInfo) *AssumeRoleWithOIDCResponseBody {
	s.OIDCTokenInfo = v
	return s
}

// SetRequestId sets RequestId and returns the receiver, for chaining.
func (s *AssumeRoleWithOIDCResponseBody) SetRequestId(v string) *AssumeRoleWithOIDCResponseBody {
	s.RequestId = &v
	return s
}

// SetSourceIdentity sets SourceIdentity and returns the receiver, for chaining.
func (s *AssumeRoleWithOIDCResponseBody) SetSourceIdentity(v string) *AssumeRoleWithOIDCResponseBody {
	s.SourceIdentity = &v
	return s
}

// AssumeRoleWithOIDCResponseBodyOIDCTokenInfo is what STS read from the OIDC token.
type AssumeRoleWithOIDCResponseBodyOIDCTokenInfo struct {
	// ClientIds are the token's audiences, joined by commas.
	ClientIds      *string `json:"ClientIds,omitempty" xml:"ClientIds,omitempty"`
	ExpirationTime *string `json:"ExpirationTime,omitempty" xml:"ExpirationTime,omitempty"`
	IssuanceTime   *string `json:"IssuanceTime,omitempty" xml:"IssuanceTime,omitempty"`
	Issuer         *string `json:"Issuer,omitempty" xml:"Issuer,omitempty"`
	Subject        *string `json:"Subject,omitempty" xml:"Subject,omitempty"`
	// VerificationInfo says how the token's signature was verified.
	VerificationInfo *string `json:"VerificationInfo,omitempty" xml:"VerificationInfo,omitempty"`
}

// String renders the value as indented JSON with secrets redacted.
func (s AssumeRoleWithOIDCResponseBodyOIDCTokenInfo) String() string { return prettify(s) }

// GoString is String, so that %#v redacts too.
func (s AssumeRoleWithOIDCResponseBodyOIDCTokenInfo) GoString() string { return s.String() }

// GetClientIds returns ClientIds.
func (s *AssumeRoleWithOIDCResponseBodyOIDCTokenInfo) GetClientIds() *string { return s.ClientIds }

// GetExpirationTime returns ExpirationTime.
func (s *AssumeRoleWithOIDCResponseBodyOIDCTokenInfo) GetExpirationTime() *string {
	return s.ExpirationTime
}

// GetIssuanceTime returns IssuanceTime.
func (s *AssumeRoleWithOIDCResponseBodyOIDCTokenInfo) GetIssuanceTime() *string {
	return s.IssuanceTime
}

// GetIssuer returns Issuer.
func (s *AssumeRoleWithOIDCResponseBodyOIDCTokenInfo) GetIssuer() *string { return s.Issuer }

// GetSubject returns Subject.
func (s *AssumeRoleWithOIDCResponseBodyOIDCTokenInfo) GetSubject() *string { return s.Subject }

// GetVerificationInfo returns VerificationInfo.
func (s *AssumeRoleWithOIDCResponseBodyOIDCTokenInfo) GetVerificationInfo() *string {
	return s.VerificationInfo
}

// SetClientIds sets ClientIds and returns the receiver, for chaining.
func (s *AssumeRoleWithOIDCResponseBodyOIDCTokenInfo) SetClientIds(v string) *AssumeRoleWithOIDCResponseBodyOIDCTokenInfo {
	s.ClientIds = &v
	return s
}

// SetExpirationTime sets ExpirationTime and returns the receiver, for chaining.
func (s *AssumeRoleWithOIDCResponseBodyOIDCTokenInfo) SetExpirationTime(v string) *AssumeRoleWithOIDCResponseBodyOIDCTokenInfo {
	s.ExpirationTime = &v
	return s
}

// SetIssuanceTime sets IssuanceTime and returns the receiver, for chaining.
func (s *AssumeRoleWithOIDCResponseBodyOIDCTokenInfo) SetIssuanceTime(v string) *AssumeRoleWithOIDCResponseBodyOIDCTokenInfo {
	s.IssuanceTime = &v
	return s
}

// SetIssuer sets Issuer and returns the receiver, for chaining.
func (s *AssumeRoleWithOIDCResponseBodyOIDCTokenInfo) SetIssuer(v string) *AssumeRoleWithOIDCResponseBodyOIDCTokenInfo {
	s.Issuer = &v
	return s
}

// SetSubject sets Subject and returns the receiver, for chaining.
func (s *AssumeRoleWithOIDCResponseBodyOIDCTokenInfo) SetSubject(v string) *AssumeRoleWithOIDCResponseBodyOIDCTokenInfo {
	s.Subject = &v
	return s
}

// SetVerificationInfo sets VerificationInfo and returns the receiver, for chaining.
func (s *AssumeRoleWithOIDCResponseBodyOIDCTokenInfo) SetVerificationInfo(v string) *AssumeRoleWithOIDCResponseBodyOIDCTokenInfo {
	s.VerificationInfo = &v
	return s
}

// GetCallerIdentityResponseBody says who signed the request.
type GetCallerIdentityResponseBody struct {
	AccountId *string `json:"AccountId,omitempty" xml:"AccountId,omitempty"`
	Arn       *string `json:"Arn,omitempty" xml:"Arn,omitempty"`
	// IdentityType is Account, RAMUser or AssumedRoleUser.
	IdentityType *string `json:"IdentityType,omitempty" xml:"IdentityType,omitempty"`
	PrincipalId  *string `json:"PrincipalId,omitempty" xml:"PrincipalId,omitempty"`
	RequestId    *string `json:"RequestId,omitempty" xml:"RequestId,omitempty"`
	// RoleId is set for an AssumedRoleUser.
	RoleId *string `json:"RoleId,omitempty" xml:"RoleId,omitempty"`
	// UserId is set for a RAMUser.
	UserId *string `json:"UserId,omitempty" xml:"UserId,omitempty"`
}

// String renders the value as indented JSON with secrets redacted.
func (s GetCallerIdentityResponseBody) String() string { return prettify(s) }

// GoString is String, so that %#v redacts too.
func (s GetCallerIdentityResponseBody) GoString() string { return s.String() }

// GetAccountId returns AccountId.
func (s *GetCallerIdentityResponseBody) GetAccountId() *string { return s.AccountId }

// GetArn returns Arn.
func (s *GetCallerIdentityResponseBody) GetArn() *string { return s.Arn }

// GetIdentityType returns IdentityType.
func (s *GetCallerIdentityResponseBody) GetIdentityType() *string { return s.IdentityType }

// GetPrincipalId returns PrincipalId.
func (s *GetCallerIdentityResponseBody) GetPrincipalId() *string { return s.PrincipalId }

// GetRequestId returns RequestId.
func (s *GetCallerIdentityResponseBody) GetRequestId() *string { return s.RequestId }

// GetRoleId returns RoleId.
func (s *GetCallerIdentityResponseBody) GetRoleId() *string { return s.RoleId }

// GetUserId returns UserId.
func (s *GetCallerIdentityResponseBody) GetUserId() *string { return s.UserId }

// SetAccountId sets AccountId and returns the receiver, for chaining.
func (s *GetCallerIdentityResponseBody) SetAccountId(v string) *GetCallerIdentityResponseBody {
	s.AccountId = &v
	return s
}

// SetArn sets Arn and returns the receiver, for chaining.
func (s *GetCallerIdentityResponseBody) SetArn(v string) *GetCallerIdentityResponseBody {
	s.Arn = &v
	return s
}

// SetIdentityType sets IdentityType and returns the receiver, for chaining.
func (s *GetCallerIdentityResponseBody) SetIdentityType(v string) *GetCallerIdentityResponseBody {
	s.IdentityType = &v
	return s
}

// SetPrincipalId sets PrincipalId and returns the receiver, for chaining.
func (s *GetCallerIdentityResponseBody) SetPrincipalId(v string) *GetCallerIdentityResponseBody {
	s.PrincipalId = &v
	return s
}

// SetRequestId sets RequestId and returns the receiver, for chaining.
func (s *GetCallerIdentityResponseBody) SetRequestId(v string) *GetCallerIdentityResponseBody {
	s.RequestId = &v
	return s
}

// SetRoleId sets RoleId and returns the receiver, for chaining.
func (s *GetCallerIdentityResponseBody) SetRoleId(v string) *GetCallerIdentityResponseBody {
	s.RoleId = &v
	return s
}

// SetUserId sets UserId and returns the receiver, for chaining.
func (s *GetCallerIdentityResponseBody) SetUserId(v string) *GetCallerIdentityResponseBody {
	s.UserId = &v
	return s
}

// Response is an operation's result: the HTTP headers (lower-case names), status code
// and the decoded body. The official SDK declares one such type per operation; their
// names below are aliases of this one.
type Response[B any] struct {
	Headers    map[string]*string `json:"headers,omitempty" xml:"headers,omitempty"`
	StatusCode *int32             `json:"statusCode,omitempty" xml:"statusCode,omitempty"`
	Body       *B                 `json:"body,omitempty" xml:"body,omitempty"`
}

// The official SDK's response type names.
type (
	AssumeRoleResponse         = Response[AssumeRoleResponseBody]
	AssumeRoleWithSAMLResponse = Response[AssumeRoleWithSAMLResponseBody]
	AssumeRoleWithOIDCResponse = Response[AssumeRoleWithOIDCResponseBody]
	GetCallerIdentityResponse  = Response[GetCallerIdentityResponseBody]
)

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
