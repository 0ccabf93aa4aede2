package main

import "slices"

// The description of the STS 2015-04-01 API that the sts package's models, parameter
// lists, Validate methods and entry points are generated from. Names and shapes are
// those of the official github.com/alibabacloud-go/sts-20150401/v2 client.
//
// Adding a request parameter is one line in an operation's Request list: its name (the
// Go field, the wire parameter and the official model's field), its type, whether it
// is required, the rule it must meet (a rule value of validate.go; empty for none),
// whether it is a secret that String must never print, and its doc comment. Then run
// go generate in the module's root.

// operations are the API's operations, in the order their entry points are written.
var operations = []operation{
	{
		Name:       "AssumeRole",
		Doc:        "AssumeRole returns temporary credentials for a role the caller is trusted to assume.",
		RequestDoc: "AssumeRoleRequest is the input of AssumeRole: which role to assume, for how long and with what narrower policy.",
		// In the order the service checks them.
		Request: []field{
			policy,
			durationSeconds,
			roleArn,
			{Name: "RoleSessionName", Type: "string", Required: true, Rule: "sessionNameRule", Doc: "RoleSessionName tells sessions apart in audit logs, 2 to 64 characters of letters, digits and . @ - _. Required."},
			{Name: "ExternalId", Type: "string", Rule: "externalIDRule", Doc: "ExternalId is the value the role's trust policy may require (sts:ExternalId), 2 to 1224 characters of letters, digits and _+=,.@:/-."},
			{Name: "SourceIdentity", Type: "string", Rule: "sourceIdentityRule", Doc: "SourceIdentity is carried into the session for auditing, 2 to 64 characters of letters, digits and _+=,.@-, not starting with acs:, aliyun: or alibabacloud:."},
		},
		BodyDoc: "AssumeRoleResponseBody is what AssumeRole returns.",
		Body:    assumed,
	},
	{
		Name:       "AssumeRoleWithSAML",
		Anonymous:  true,
		Doc:        "AssumeRoleWithSAML trades a SAML assertion for a role's temporary credentials. The request is not signed and needs no credentials of the client's: the assertion is the credential.",
		RequestDoc: "AssumeRoleWithSAMLRequest is the input of AssumeRoleWithSAML: a SAML assertion from an identity provider that RAM trusts, traded for the role's credentials.",
		Request: []field{
			policy,
			durationSeconds,
			{Name: "SAMLProviderArn", Type: "string", Required: true, Rule: "samlProviderArnRule", Doc: "SAMLProviderArn names the identity provider in RAM, acs:ram::<account>:saml-provider/<name>. Required."},
			roleArn,
			{Name: "SAMLAssertion", Type: "string", Required: true, Rule: "samlAssertionRule", Secret: true, Doc: "SAMLAssertion is the base64-encoded SAML response, 4 to 100000 characters. Required. It is a bearer credential: String never prints it."},
		},
		BodyDoc: "AssumeRoleWithSAMLResponseBody is what AssumeRoleWithSAML returns.",
		Body:    append(slices.Clip(assumed), field{Name: "SAMLAssertionInfo", Type: "AssumeRoleWithSAMLResponseBodySAMLAssertionInfo"}),
		Nested: []model{{
			Name: "AssumeRoleWithSAMLResponseBodySAMLAssertionInfo",
			Doc:  "AssumeRoleWithSAMLResponseBodySAMLAssertionInfo is what STS read from the assertion.",
			Fields: []field{
				{Name: "Issuer", Type: "string"},
				{Name: "Recipient", Type: "string"},
				{Name: "Subject", Type: "string"},
				{Name: "SubjectType", Type: "string"},
			},
		}},
	},
	{
		Name:       "AssumeRoleWithOIDC",
		Anonymous:  true,
		Doc:        "AssumeRoleWithOIDC trades an OIDC token (such as a Kubernetes service account token under ACK RRSA) for a role's temporary credentials. The request is not signed and needs no credentials of the client's.",
		RequestDoc: "AssumeRoleWithOIDCRequest is the input of AssumeRoleWithOIDC: an OIDC token (for example a Kubernetes service account token under ACK RRSA) traded for the role's credentials.",
		Request: []field{
			policy,
			durationSeconds,
			{Name: "OIDCProviderArn", Type: "string", Required: true, Rule: "oidcProviderArnRule", Doc: "OIDCProviderArn names the identity provider in RAM, acs:ram::<account>:oidc-provider/<name>. Required."},
			roleArn,
			{Name: "OIDCToken", Type: "string", Required: true, Rule: "oidcTokenRule", Secret: true, Doc: "OIDCToken is the raw JWT, 4 to 20000 characters. Required. It is a bearer credential: String never prints it."},
			{Name: "RoleSessionName", Type: "string", Rule: "sessionNameRule", Doc: "RoleSessionName tells sessions apart in audit logs, 2 to 64 characters of letters, digits and . @ - _."},
		},
		BodyDoc: "AssumeRoleWithOIDCResponseBody is what AssumeRoleWithOIDC returns.",
		Body:    append(slices.Clip(assumed), field{Name: "OIDCTokenInfo", Type: "AssumeRoleWithOIDCResponseBodyOIDCTokenInfo"}),
		Nested: []model{{
			Name: "AssumeRoleWithOIDCResponseBodyOIDCTokenInfo",
			Doc:  "AssumeRoleWithOIDCResponseBodyOIDCTokenInfo is what STS read from the OIDC token.",
			Fields: []field{
				{Name: "ClientIds", Type: "string", Doc: "ClientIds are the token's audiences, joined by commas."},
				{Name: "ExpirationTime", Type: "string"},
				{Name: "IssuanceTime", Type: "string"},
				{Name: "Issuer", Type: "string"},
				{Name: "Subject", Type: "string"},
				{Name: "VerificationInfo", Type: "string", Doc: "VerificationInfo says how the token's signature was verified."},
			},
		}},
	},
	{
		Name:    "GetCallerIdentity",
		Doc:     "GetCallerIdentity says whose credentials signed the request: an account, a RAM user or an assumed-role session.",
		BodyDoc: "GetCallerIdentityResponseBody says who signed the request.",
		Body: []field{
			{Name: "AccountId", Type: "string"},
			{Name: "Arn", Type: "string"},
			{Name: "IdentityType", Type: "string", Doc: "IdentityType is Account, RAMUser or AssumedRoleUser."},
			{Name: "PrincipalId", Type: "string"},
			{Name: "RequestId", Type: "string"},
			{Name: "RoleId", Type: "string", Doc: "RoleId is set for an AssumedRoleUser."},
			{Name: "UserId", Type: "string", Doc: "UserId is set for a RAMUser."},
		},
	},
}

// The parameters and response fields that several operations have, described once.
var (
	policy          = field{Name: "Policy", Type: "string", Rule: "policyRule", Doc: "Policy is a JSON policy, 1 to 2048 characters, that narrows what the credentials may do below the role's own permissions."}
	durationSeconds = field{Name: "DurationSeconds", Type: "int64", Rule: "durationRule", Doc: "DurationSeconds is the lifetime of the credentials, 900 up to the role's MaxSessionDuration (at most 43200). Unset means the service default, 3600."}
	roleArn         = field{Name: "RoleArn", Type: "string", Required: true, Rule: "roleArnRule", Doc: "RoleArn names the role, acs:ram::<account>:role/<name>. Required."}
	// assumed are the response fields of every assume-role operation.
	assumed = []field{
		{Name: "AssumedRoleUser", Type: "AssumedRoleUser"},
		{Name: "Credentials", Type: "Credentials"},
		{Name: "RequestId", Type: "string"},
		{Name: "SourceIdentity", Type: "string"},
	}
)

// shared are the models that the official client declares once per operation, under
// the names in Aliases, and that are one type here.
var shared = []model{
	{
		Name:    "Credentials",
		Doc:     "Credentials are the temporary credentials an assume-role call returns. The official SDK has one such type per operation; here they are one type under those names.",
		Aliases: []string{"AssumeRoleResponseBodyCredentials", "AssumeRoleWithSAMLResponseBodyCredentials", "AssumeRoleWithOIDCResponseBodyCredentials"},
		Fields: []field{
			{Name: "AccessKeyId", Type: "string", Doc: `AccessKeyId of the temporary credentials; it starts with "STS.".`},
			{Name: "AccessKeySecret", Type: "string", Secret: true, Doc: "AccessKeySecret of the temporary credentials. String never prints it."},
			{Name: "Expiration", Type: "string", Doc: "Expiration is when the credentials stop working, UTC in ExpirationLayout."},
			{Name: "SecurityToken", Type: "string", Secret: true, Doc: "SecurityToken goes with every request made with these credentials. String never prints it."},
		},
	},
	{
		Name:    "AssumedRoleUser",
		Doc:     "AssumedRoleUser identifies the role session the credentials act as.",
		Aliases: []string{"AssumeRoleResponseBodyAssumedRoleUser", "AssumeRoleWithSAMLResponseBodyAssumedRoleUser", "AssumeRoleWithOIDCResponseBodyAssumedRoleUser"},
		Fields: []field{
			{Name: "Arn", Type: "string", Doc: "Arn of the session, acs:ram::<account>:assumed-role/<role>/<session>."},
			{Name: "AssumedRoleId", Type: "string", Doc: "AssumedRoleId is <role id>:<session name>."},
		},
	},
}
