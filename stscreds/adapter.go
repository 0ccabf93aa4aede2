package stscreds

import (
	"context"

	"github.com/aliyun/credentials-go/credentials"
	"github.com/aliyun/credentials-go/credentials/providers"
)

// sdkCredential gives a source of credentials (a Cache, a SessionProvider) the methods
// of the credential interfaces of Alibaba Cloud's Go SDKs; each method reads src.
type sdkCredential struct {
	src  Provider
	name string // for credentials-go's provider name
}

// GetCredentialWithContext returns one consistent AccessKey triple, bounded by ctx;
// this module's client calls it with each call's context.
func (c *sdkCredential) GetCredentialWithContext(ctx context.Context) (*credentials.CredentialModel, error) {
	creds, err := c.src.Retrieve(ctx)
	if err != nil {
		return nil, err
	}
	typ := "access_key"
	if creds.SecurityToken != "" {
		typ = "sts"
	}
	return &credentials.CredentialModel{
		AccessKeyId:     &creds.AccessKeyId,
		AccessKeySecret: &creds.AccessKeySecret,
		SecurityToken:   &creds.SecurityToken,
		Type:            &typ,
		ProviderName:    &c.name,
	}, nil
}

// GetCredential returns one consistent AccessKey triple: the credentials-go
// Credential interface. It waits at most RefreshTimeout for a refresh.
func (c *sdkCredential) GetCredential() (*credentials.CredentialModel, error) {
	return c.GetCredentialWithContext(context.Background())
}

// GetCredentials returns one consistent AccessKey triple: the credentials-go
// providers.CredentialsProvider interface.
func (c *sdkCredential) GetCredentials() (*providers.Credentials, error) {
	creds, err := c.src.Retrieve(context.Background())
	if err != nil {
		return nil, err
	}
	return &providers.Credentials{AccessKeyId: creds.AccessKeyId, AccessKeySecret: creds.AccessKeySecret,
		SecurityToken: creds.SecurityToken, ProviderName: c.name}, nil
}

// GetProviderName names the provider, such as "stscreds.AssumeRole".
func (c *sdkCredential) GetProviderName() string { return c.name }

// GetAccessKeyId returns the AccessKeyId alone.
//
// Deprecated: the three getters may straddle a refresh and mix two triples; use
// GetCredential, as credentials-go says.
func (c *sdkCredential) GetAccessKeyId() (*string, error) {
	return c.field(func(cr Credentials) string { return cr.AccessKeyId })
}

// GetAccessKeySecret returns the AccessKeySecret alone.
//
// Deprecated: use GetCredential.
func (c *sdkCredential) GetAccessKeySecret() (*string, error) {
	return c.field(func(cr Credentials) string { return cr.AccessKeySecret })
}

// GetSecurityToken returns the SecurityToken alone.
//
// Deprecated: use GetCredential.
func (c *sdkCredential) GetSecurityToken() (*string, error) {
	return c.field(func(cr Credentials) string { return cr.SecurityToken })
}

func (c *sdkCredential) field(pick func(Credentials) string) (*string, error) {
	creds, err := c.src.Retrieve(context.Background())
	if err != nil {
		return nil, err
	}
	v := pick(creds)
	return &v, nil
}

// GetBearerToken returns an empty string: these are AccessKey credentials.
func (c *sdkCredential) GetBearerToken() *string {
	empty := ""
	return &empty
}

// GetType returns "sts", the credentials-go type of temporary AccessKey credentials.
func (c *sdkCredential) GetType() *string {
	typ := "sts"
	return &typ
}
