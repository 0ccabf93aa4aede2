package stscreds

import (
	"context"
	"errors"
	"time"

	"github.com/aliyun/credentials-go/credentials"
	"github.com/aliyun/credentials-go/credentials/providers"

	"github.com/stsgo/sts"
)

// SAMLAPI is the one method of *sts.Client that SAMLProvider calls; tests may stub it.
type SAMLAPI interface {
	AssumeRoleWithSAMLWithContext(ctx context.Context, request *sts.AssumeRoleWithSAMLRequest, runtime *sts.RuntimeOptions) (*sts.AssumeRoleWithSAMLResponse, error)
}

// SAMLOptions tune a SAMLProvider.
type SAMLOptions struct {
	// Duration is how long each set of credentials lasts, in whole seconds from 15
	// minutes up to the role's maximum. Zero means one hour.
	Duration time.Duration
	// Policy narrows the role's permissions (JSON, at most 2048 characters); empty
	// means none.
	Policy string
	// Cache tunes the cache in front of AssumeRoleWithSAML.
	Cache CacheOptions
}

// SAMLProvider yields a role's temporary credentials for SAML assertions of an
// identity provider registered in RAM, refreshed ahead of expiry by
// AssumeRoleWithSAML calls, which need no credentials of the client's. The session's
// name comes from the assertion.
type SAMLProvider struct {
	*Cache // Retrieve, Invalidate and the credentials-go interfaces
}

// A SAMLProvider is accepted wherever Alibaba Cloud Go SDKs take credentials.
var (
	_ credentials.Credential        = (*SAMLProvider)(nil)
	_ providers.CredentialsProvider = (*SAMLProvider)(nil)
	_ sts.ContextCredential         = (*SAMLProvider)(nil)
)

// NewSAMLProvider returns a cached provider of roleArn's credentials for the
// assertions that assertion returns (a base64-encoded SAML response, as an identity
// provider posts it), issued by the SAML provider samlProviderArn. assertion is called
// at every refresh, with the refresh's context, since assertions are short-lived; its
// error fails that refresh. It refuses ARNs or options the service would refuse, with
// the client's *sts.ValidationError naming the field.
func NewSAMLProvider(client SAMLAPI, roleArn, samlProviderArn string, assertion func(ctx context.Context) (string, error), optFns ...func(*SAMLOptions)) (*SAMLProvider, error) {
	var o SAMLOptions
	for _, f := range optFns {
		f(&o)
	}
	if o.Duration == 0 {
		o.Duration = time.Hour
	}
	if assertion == nil {
		return nil, errors.New("stscreds: NewSAMLProvider needs a function that returns the assertion")
	}
	// Every field but the assertion, which comes at each refresh, is checked now.
	if err := checkProvider(client == nil, o.Request(roleArn, samlProviderArn, "assertion").Validate(), o.Cache, o.Duration); err != nil {
		return nil, err
	}
	const name = "stscreds.SAML"
	p := tokenTrade(name, client, assertion, func(ctx context.Context, a string) (*sts.Credentials, error) {
		resp, err := client.AssumeRoleWithSAMLWithContext(ctx, o.Request(roleArn, samlProviderArn, a), nil)
		if err != nil {
			return nil, err
		}
		return resp.Body.Credentials, nil
	})
	c := newCache(p, name, o.Cache)
	c.session = sessionLabel(roleArn, "")
	return &SAMLProvider{c}, nil
}
