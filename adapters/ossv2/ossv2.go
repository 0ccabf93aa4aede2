// Package ossv2 lets the OSS Go SDK v2 (github.com/aliyun/alibabacloud-oss-go-sdk-v2)
// sign with credentials from stscreds.
//
//	creds, err := stscreds.NewAssumeRoleProvider(stsClient, roleArn)
//	cfg := oss.LoadDefaultConfig().WithRegion("cn-hangzhou").
//		WithCredentialsProvider(ossv2.NewCredentialsProvider(creds))
//	client := oss.NewClient(cfg)
package ossv2

import (
	"context"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"

	"github.com/stsgo/sts/stscreds"
)

// NewCredentialsProvider returns the OSS v2 credentials provider of p. Each call of
// its GetCredentials retrieves once from p, with the caller's context, so the three
// fields always belong together; Expires is set when the credentials expire.
func NewCredentialsProvider(p stscreds.Provider) credentials.CredentialsProvider {
	return credentials.CredentialsProviderFunc(func(ctx context.Context) (credentials.Credentials, error) {
		c, err := p.Retrieve(ctx)
		if err != nil {
			return credentials.Credentials{}, err
		}
		out := credentials.Credentials{AccessKeyID: c.AccessKeyId, AccessKeySecret: c.AccessKeySecret, SecurityToken: c.SecurityToken}
		if !c.Expires.IsZero() {
			expires := c.Expires
			out.Expires = &expires
		}
		return out, nil
	})
}
