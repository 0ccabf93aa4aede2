// Package ossv1 lets the OSS Go SDK v1 (github.com/aliyun/aliyun-oss-go-sdk) sign
// with credentials from stscreds.
//
//	creds, err := stscreds.NewAssumeRoleProvider(stsClient, roleArn)
//	client, err := oss.New(endpoint, "", "", oss.SetCredentialsProvider(ossv1.NewCredentialsProvider(creds)))
package ossv1

import (
	"context"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"

	"github.com/stsgo/sts/stscreds"
)

// Provider is an oss.CredentialsProviderE over a stscreds.Provider.
type Provider struct {
	p stscreds.Provider
}

var _ oss.CredentialsProviderE = (*Provider)(nil)

// NewCredentialsProvider returns the OSS v1 credentials provider of p. The SDK gives
// no context: each retrieval is bounded by p's own refresh timeout (a minute for
// stscreds caches).
func NewCredentialsProvider(p stscreds.Provider) *Provider { return &Provider{p: p} }

// GetCredentialsE retrieves once from the provider, so the three fields belong
// together. The OSS SDK calls it, rather than GetCredentials, when it is there.
func (a *Provider) GetCredentialsE() (oss.Credentials, error) {
	c, err := a.p.Retrieve(context.Background())
	if err != nil {
		return nil, err
	}
	return credentials{c}, nil
}

// GetCredentials is GetCredentialsE for SDK code that takes no error: a failed
// retrieval gives empty credentials, which OSS refuses.
func (a *Provider) GetCredentials() oss.Credentials {
	c, err := a.GetCredentialsE()
	if err != nil {
		return credentials{}
	}
	return c
}

// credentials is one retrieval, as oss.Credentials.
type credentials struct{ c stscreds.Credentials }

func (c credentials) GetAccessKeyID() string     { return c.c.AccessKeyId }
func (c credentials) GetAccessKeySecret() string { return c.c.AccessKeySecret }
func (c credentials) GetSecurityToken() string   { return c.c.SecurityToken }
