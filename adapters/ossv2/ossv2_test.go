package ossv2_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts/adapters/internal/fakeoss"
	"github.com/stsgo/sts/adapters/internal/stsfixture"
	"github.com/stsgo/sts/adapters/ossv2"
)

func config(f *stsfixture.Fixture) *oss.Config {
	return oss.LoadDefaultConfig().WithRegion("cn-hangzhou").
		WithCredentialsProvider(ossv2.NewCredentialsProvider(f.Provider))
}

// TestPresignCarriesSTSCredentials presigns a PUT with the SDK's own signer: the URL
// names the STS AccessKeyId and carries its token, and expires no later than they do.
func TestPresignCarriesSTSCredentials(t *testing.T) {
	f := stsfixture.New(t)
	client := oss.NewClient(config(f))
	res, err := client.Presign(context.Background(), &oss.PutObjectRequest{Bucket: oss.Ptr("uploads"), Key: oss.Ptr("alice/photo.jpg")})
	require.NoError(t, err)
	creds, err := f.Provider.Retrieve(context.Background())
	require.NoError(t, err)
	u, err := url.Parse(res.URL)
	require.NoError(t, err)
	q := u.Query()
	require.Equal(t, "PUT", res.Method)
	require.True(t, strings.HasPrefix(q.Get("x-oss-credential"), creds.AccessKeyId+"/"), res.URL)
	require.Equal(t, creds.SecurityToken, q.Get("x-oss-security-token"))
	require.False(t, res.Expiration.After(creds.Expires), "a URL outliving its credentials would fail")

	got, err := ossv2.NewCredentialsProvider(f.Provider).GetCredentials(context.Background())
	require.NoError(t, err)
	require.NotNil(t, got.Expires)
	require.True(t, creds.Expires.Equal(*got.Expires), "the expiry is mapped")
}

// TestRequestsFollowRotation sends PutObject through the SDK to a stand-in for OSS,
// before and after the fake STS rotates the credentials.
func TestRequestsFollowRotation(t *testing.T) {
	f := stsfixture.New(t)
	fake := fakeoss.New()
	defer fake.Close()
	client := oss.NewClient(config(f).WithEndpoint(fake.URL).WithUsePathStyle(true).WithDisableUploadCRC64Check(true))
	put := func() fakeoss.Seen {
		_, err := client.PutObject(context.Background(), &oss.PutObjectRequest{Bucket: oss.Ptr("uploads"), Key: oss.Ptr("alice/a.txt"),
			Body: strings.NewReader("hello")})
		require.NoError(t, err)
		creds, err := f.Provider.Retrieve(context.Background())
		require.NoError(t, err)
		seen := fake.Last()
		require.Equal(t, creds.AccessKeyId, seen.AccessKeyId)
		require.Equal(t, creds.SecurityToken, seen.SecurityToken)
		require.Equal(t, "/uploads/alice/a.txt", seen.Path)
		return seen
	}
	first := put()
	f.Rotate()
	second := put()
	require.NotEqual(t, first.AccessKeyId, second.AccessKeyId, "rotated")
	require.Equal(t, 2, f.STS.RequestCount("AssumeRole"))
}
