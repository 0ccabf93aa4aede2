package stscreds

import (
	"time"

	"github.com/stsgo/sts"
)

// The requests of the providers, the SessionCache and the sts command, each built in
// one place. The role (and identity provider) ARN, the session name of an AssumeRole
// and the token or assertion are always set, so that an empty one is refused as
// malformed by Validate, as the service would; every other parameter is set only when
// given: an empty string or a zero Duration leaves it to the service's default.

// Request returns the AssumeRole request that s stands for. It applies no defaults: a
// zero Duration leaves DurationSeconds unset, which the service takes as one hour,
// where a SessionCache and an AssumeRoleProvider, which send this request for s, first
// make a zero Duration one hour (and a SessionCache puts Policy in canonical form).
func (s Session) Request() *sts.AssumeRoleRequest {
	return &sts.AssumeRoleRequest{
		RoleArn:         &s.RoleArn,
		RoleSessionName: &s.RoleSessionName,
		Policy:          optional(s.Policy),
		DurationSeconds: seconds(s.Duration),
		ExternalId:      optional(s.ExternalId),
		SourceIdentity:  optional(s.SourceIdentity),
	}
}

// Request returns the AssumeRoleWithOIDC request for roleArn and token, issued by the
// OIDC provider oidcProviderArn, with o's RoleSessionName, Duration and Policy, as an
// OIDCProvider sends it at each refresh. It applies none of NewOIDCProvider's
// defaults: an empty RoleSessionName or a zero Duration leaves the parameter to the
// service. o.Cache plays no part.
func (o OIDCOptions) Request(roleArn, oidcProviderArn, token string) *sts.AssumeRoleWithOIDCRequest {
	return &sts.AssumeRoleWithOIDCRequest{
		RoleArn:         &roleArn,
		OIDCProviderArn: &oidcProviderArn,
		OIDCToken:       &token,
		RoleSessionName: optional(o.RoleSessionName),
		Policy:          optional(o.Policy),
		DurationSeconds: seconds(o.Duration),
	}
}

// Request returns the AssumeRoleWithSAML request for roleArn and assertion, issued by
// the SAML provider samlProviderArn, with o's Duration and Policy, as a SAMLProvider
// sends it at each refresh. It applies none of NewSAMLProvider's defaults: a zero
// Duration leaves DurationSeconds to the service. o.Cache plays no part.
func (o SAMLOptions) Request(roleArn, samlProviderArn, assertion string) *sts.AssumeRoleWithSAMLRequest {
	return &sts.AssumeRoleWithSAMLRequest{
		RoleArn:         &roleArn,
		SAMLProviderArn: &samlProviderArn,
		SAMLAssertion:   &assertion,
		Policy:          optional(o.Policy),
		DurationSeconds: seconds(o.Duration),
	}
}

// optional is s as an optional parameter: unset when empty.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// seconds is d as DurationSeconds, in whole seconds: unset when zero. A duration
// under a second is sent as 0, which Validate refuses.
func seconds(d time.Duration) *int64 {
	if d == 0 {
		return nil
	}
	n := int64(d / time.Second)
	return &n
}
