package ossv1_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts/adapters/internal/fakeoss"
	"github.com/stsgo/sts/adapters/internal/stsfixture"
	"github.com/stsgo/sts/adapters/ossv1"
	"github.com/stsgo/sts/stscreds"
)

// TestRequestsFollowRotation sends PutObject through the SDK, with its default (V1)
// and its V4 signature, to a stand-in for OSS, before and after the fake STS rotates
// the credentials.
func TestRequestsFollowRotation(t *testing.T) {
	for _, version := range []oss.AuthVersionType{oss.AuthV1, oss.AuthV4} {
		t.Run(string(version), func(t *testing.T) {
			f := stsfixture.New(t)
			fake := fakeoss.New()
			defer fake.Close()
			client, err := oss.New(fake.URL, "", "", oss.SetCredentialsProvider(ossv1.NewCredentialsProvider(f.Provider)),
				oss.ForcePathStyle(true), oss.AuthVersion(version), oss.Region("cn-hangzhou"))
			require.NoError(t, err)
			bucket, err := client.Bucket("uploads")
			require.NoError(t, err)
			put := func() fakeoss.Seen {
				require.NoError(t, bucket.PutObject("alice/a.txt", strings.NewReader("hello")))
				creds, err := f.Provider.Retrieve(context.Background())
				require.NoError(t, err)
				seen := fake.Last()
				require.Equal(t, creds.AccessKeyId, seen.AccessKeyId)
				require.Equal(t, creds.SecurityToken, seen.SecurityToken)
				return seen
			}
			first := put()
			f.Rotate()
			second := put()
			require.NotEqual(t, first.AccessKeyId, second.AccessKeyId, "rotated")
		})
	}
}

// TestErrorsReachTheSDK checks both interfaces: GetCredentialsE returns the
// provider's error; GetCredentials, which cannot, returns empty credentials.
func TestErrorsReachTheSDK(t *testing.T) {
	down := errors.New("sts is down")
	a := ossv1.NewCredentialsProvider(stscreds.ProviderFunc(func(context.Context) (stscreds.Credentials, error) {
		return stscreds.Credentials{}, down
	}))
	_, err := a.GetCredentialsE()
	require.ErrorIs(t, err, down)
	c := a.GetCredentials()
	require.Empty(t, c.GetAccessKeyID())
	require.Empty(t, c.GetAccessKeySecret())
	require.Empty(t, c.GetSecurityToken())
}
