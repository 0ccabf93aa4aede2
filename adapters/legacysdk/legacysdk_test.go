package legacysdk_test

import (
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	legacysts "github.com/aliyun/alibaba-cloud-sdk-go/services/sts"
	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts/adapters/internal/stsfixture"
	"github.com/stsgo/sts/adapters/legacysdk"
)

// TestLegacyClientSignsWithSTSCredentials runs the legacy SDK's own STS client,
// signing with the role's credentials through the adapter, against the fake STS. Its
// V1 signer is independent of this module's, so the fake's verification is checked
// too. After the fake rotates the credentials the client follows.
func TestLegacyClientSignsWithSTSCredentials(t *testing.T) {
	f := stsfixture.New(t)
	client, err := legacysts.NewClientWithOptions("cn-hangzhou", sdk.NewConfig(), legacysdk.NewCredentialsProvider(f.Provider))
	require.NoError(t, err)
	who := func() *legacysts.GetCallerIdentityResponse {
		req := legacysts.CreateGetCallerIdentityRequest()
		req.Scheme = "http"
		req.Domain = f.STS.Endpoint()
		resp, err := client.GetCallerIdentity(req)
		require.NoError(t, err)
		return resp
	}
	first := who()
	require.Equal(t, "AssumedRoleUser", first.IdentityType)
	require.Equal(t, f.STS.Role().RoleId, first.RoleId)
	f.Rotate()
	require.Equal(t, "AssumedRoleUser", who().IdentityType)
	require.Equal(t, 2, f.STS.RequestCount("AssumeRole"))
	require.Equal(t, 2, f.STS.RequestCount("GetCallerIdentity"))
}
