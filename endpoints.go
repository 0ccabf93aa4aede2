package sts

import (
	"os"
	"strings"
)

// CentralEndpoint is STS's global endpoint: it serves every account, from anywhere.
const CentralEndpoint = "sts.aliyuncs.com"

// The environment variables that steer endpoint resolution, as credentials-go and the
// Alibaba Cloud CLI read them.
const (
	EnvSTSRegion          = "ALIBABA_CLOUD_STS_REGION"
	EnvVPCEndpointEnabled = "ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED"
)

// regionalRegions are the regions with an endpoint of their own, sts.<region>.aliyuncs.com
// (and sts-vpc.<region>.aliyuncs.com inside a VPC), from STS 2015-04-01's API metadata.
var regionalRegions = map[string]bool{
	"cn-qingdao": true, "cn-beijing": true, "cn-zhangjiakou": true, "cn-huhehaote": true,
	"cn-wulanchabu": true, "cn-hangzhou": true, "cn-shanghai": true, "cn-nanjing": true,
	"cn-fuzhou": true, "cn-shenzhen": true, "cn-heyuan": true, "cn-guangzhou": true,
	"cn-wuhan-lr": true, "cn-chengdu": true, "cn-hongkong": true, "ap-northeast-1": true,
	"ap-northeast-2": true, "ap-southeast-1": true, "ap-southeast-3": true, "ap-southeast-5": true,
	"ap-southeast-7": true, "us-east-1": true, "us-west-1": true, "eu-west-1": true,
	"eu-central-1": true, "me-east-1": true, "me-central-1": true, "na-south-1": true,
	"cn-shanghai-finance-1": true, "cn-beijing-finance-1": true,
}

// vpcOnlyRegions are reached only through their VPC endpoint, as the official SDK maps
// them.
var vpcOnlyRegions = map[string]bool{
	"cn-north-2-gov-1":      true,
	"cn-shenzhen-finance-1": true,
}

// ResolveEndpoint returns the host (with a port, if one was given) that a client built
// from config sends its requests to, so that callers can log or check it:
//
//  1. config.Endpoint, if set;
//  2. for a region (config.RegionId, else $ALIBABA_CLOUD_STS_REGION) that has an
//     endpoint of its own, sts.<region>.aliyuncs.com, or sts-vpc.<region>.aliyuncs.com
//     when config.Network is "vpc" or $ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED is "true";
//  3. else the central endpoint, sts.aliyuncs.com, which serves every region; but
//     config.Network "vpc" without a region that has a VPC endpoint is an error.
func ResolveEndpoint(config *Config) (string, error) {
	return resolveEndpoint(config, os.Getenv)
}

func resolveEndpoint(config *Config, getenv func(string) string) (string, error) {
	var endpoint, region, network string
	if config != nil {
		endpoint, region, network = deref(config.Endpoint), deref(config.RegionId), deref(config.Network)
	}
	if endpoint != "" {
		if strings.Contains(endpoint, "://") || strings.ContainsAny(endpoint, "/?# \t") {
			return "", &ValidationError{Field: "Config.Endpoint", Rule: `must be a host name with an optional port, such as "sts.cn-hangzhou.aliyuncs.com" (set the scheme with Config.Protocol)`}
		}
		return endpoint, nil
	}
	// A VPC endpoint asked for in Config must exist; one asked for by the environment
	// is used where it exists, as credentials-go does.
	vpc, explicit := false, false
	switch strings.ToLower(network) {
	case "", "public":
		vpc = strings.EqualFold(getenv(EnvVPCEndpointEnabled), "true")
	case "vpc":
		vpc, explicit = true, true
	default:
		return "", &ValidationError{Field: "Config.Network", Rule: `must be "vpc" or "public"`}
	}
	if region == "" {
		region = getenv(EnvSTSRegion)
	}
	switch {
	case vpcOnlyRegions[region]:
		return "sts-vpc." + region + ".aliyuncs.com", nil
	case regionalRegions[region] && vpc:
		return "sts-vpc." + region + ".aliyuncs.com", nil
	case regionalRegions[region]:
		return "sts." + region + ".aliyuncs.com", nil
	case explicit && region == "":
		return "", &ValidationError{Field: "Config.RegionId", Rule: "must name a region when Network is vpc"}
	case explicit:
		return "", &ValidationError{Field: "Config.RegionId", Rule: "names a region without a VPC endpoint of STS"}
	default:
		return CentralEndpoint, nil
	}
}
