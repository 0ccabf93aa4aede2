// Package legacysdk lets the legacy Alibaba Cloud Go SDK
// (github.com/aliyun/alibaba-cloud-sdk-go) sign with credentials from stscreds. Its
// CredentialsProvider has a GetCredentials method of another shape than the one
// stscreds caches have for credentials-go, so no one type can be both: this adapter
// is the bridge.
//
//	creds, err := stscreds.NewAssumeRoleProvider(stsClient, roleArn)
//	ecsClient, err := ecs.NewClientWithOptions("cn-hangzhou", sdk.NewConfig(), legacysdk.NewCredentialsProvider(creds))
package legacysdk

import (
	"context"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"

	"github.com/stsgo/sts/stscreds"
)

// Provider is the legacy SDK's credentials.CredentialsProvider over a
// stscreds.Provider.
type Provider struct {
	p stscreds.Provider
}

var _ credentials.CredentialsProvider = (*Provider)(nil)

// NewCredentialsProvider returns the legacy SDK's credentials provider of p. The SDK
// gives no context: each retrieval is bounded by p's own refresh timeout (a minute
// for stscreds caches).
func NewCredentialsProvider(p stscreds.Provider) *Provider { return &Provider{p: p} }

// GetCredentials retrieves once from the provider, so the three fields belong
// together.
func (a *Provider) GetCredentials() (*credentials.Credentials, error) {
	c, err := a.p.Retrieve(context.Background())
	if err != nil {
		return nil, err
	}
	return &credentials.Credentials{AccessKeyId: c.AccessKeyId, AccessKeySecret: c.AccessKeySecret,
		SecurityToken: c.SecurityToken, ProviderName: a.GetProviderName()}, nil
}

// GetProviderName names the adapter in the SDK's messages.
func (a *Provider) GetProviderName() string { return "stscreds" }
