package interop

import (
	"testing"

	official "github.com/alibabacloud-go/sts-20150401/v2/client"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts"
)

// TestEndpointsAsTheOfficialClient builds both clients for every region the official
// client maps, every region with an endpoint of its own, and regions that neither
// list knows (new ones, mistyped ones), on the public and the VPC network, and
// requires the same host. The one difference is deliberate: a VPC endpoint in a region
// the official client maps to the central endpoint, which it silently replaces with
// the public central host, is an error here.
func TestEndpointsAsTheOfficialClient(t *testing.T) {
	t.Setenv(sts.EnvSTSEndpoint, "")
	t.Setenv(sts.EnvSTSRegion, "")
	t.Setenv(sts.EnvVPCEndpointEnabled, "")
	regions := []string{
		// With an endpoint of their own (STS 2015-04-01 API metadata).
		"cn-qingdao", "cn-beijing", "cn-zhangjiakou", "cn-huhehaote", "cn-wulanchabu", "cn-hangzhou",
		"cn-shanghai", "cn-nanjing", "cn-fuzhou", "cn-shenzhen", "cn-heyuan", "cn-guangzhou", "cn-wuhan-lr",
		"cn-chengdu", "cn-hongkong", "ap-northeast-1", "ap-northeast-2", "ap-southeast-1", "ap-southeast-3",
		"ap-southeast-5", "ap-southeast-7", "us-east-1", "us-west-1", "eu-west-1", "eu-central-1", "me-east-1",
		"me-central-1", "na-south-1", "cn-shanghai-finance-1", "cn-beijing-finance-1",
		// Mapped to the central endpoint by the official client.
		"ap-northeast-2-pop", "ap-south-1", "ap-southeast-2", "cn-beijing-gov-1", "cn-edge-1", "cn-fujian",
		"cn-wuhan", "cn-zhangbei", "eu-west-1-oxs", "rus-west-1-pop", "cn-hongkong-finance-pop",
		// In no list: regions opened later, and ones that were once said to be VPC-only.
		"ap-southeast-6", "ap-southeast-9", "me-south-7", "eu-north-1", "sa-east-1", "cn-north-2-gov-1",
		"cn-shenzhen-finance-1", "xx-future-1", "CN-HANGZHOU", "Ap-Southeast-9",
	}
	compared, differ := 0, 0
	for _, region := range regions {
		for _, network := range []string{"", "public", "vpc"} {
			cfg := &sts.Config{AccessKeyId: dara.String("id"), AccessKeySecret: dara.String("secret"), RegionId: dara.String(region)}
			if network != "" {
				cfg.Network = dara.String(network)
			}
			theirs, err := official.NewClient(cfg)
			require.NoError(t, err)
			ours, err := sts.ResolveEndpoint(cfg)
			if network == "vpc" && dara.StringValue(theirs.Endpoint) == sts.CentralEndpoint {
				var ve *sts.ValidationError
				require.ErrorAs(t, err, &ve, "%s %s: no VPC endpoint exists there", region, network)
				require.Equal(t, "Config.RegionId", ve.Field)
				differ++
				continue
			}
			require.NoError(t, err, "%s %s", region, network)
			require.Equal(t, dara.StringValue(theirs.Endpoint), ours, "%s %q", region, network)
			compared++
		}
	}
	t.Logf("%d region/network pairs resolve alike; %d VPC requests refused where the official client falls back to the public central host", compared, differ)
	require.Equal(t, len(regions)*3, compared+differ)
}
