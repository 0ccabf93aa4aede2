package sts

import (
	"net"
	"os"
	"strconv"
	"strings"
)

// CentralEndpoint is STS's global endpoint: it serves every account, from anywhere.
const CentralEndpoint = "sts.aliyuncs.com"

// The environment variables that steer endpoint resolution, as credentials-go and the
// Alibaba Cloud CLI read them.
const (
	EnvSTSEndpoint        = "ALIBABA_CLOUD_STS_ENDPOINT"
	EnvSTSRegion          = "ALIBABA_CLOUD_STS_REGION"
	EnvVPCEndpointEnabled = "ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED"
)

// centralRegions are the region IDs that the official client (sts-20150401 v2.1.0,
// its EndpointMap) sends to the central endpoint rather than to a host of their own.
var centralRegions = map[string]bool{
	"ap-northeast-2-pop": true, "ap-south-1": true, "ap-southeast-2": true, "cn-beijing-finance-pop": true,
	"cn-beijing-gov-1": true, "cn-beijing-nu16-b01": true, "cn-edge-1": true, "cn-fujian": true,
	"cn-haidian-cm12-c01": true, "cn-hangzhou-bj-b01": true, "cn-hangzhou-internal-prod-1": true,
	"cn-hangzhou-internal-test-1": true, "cn-hangzhou-internal-test-2": true, "cn-hangzhou-internal-test-3": true,
	"cn-hangzhou-test-306": true, "cn-hongkong-finance-pop": true, "cn-huhehaote-nebula-1": true,
	"cn-shanghai-et15-b01": true, "cn-shanghai-et2-b01": true, "cn-shanghai-inner": true,
	"cn-shanghai-internal-test-1": true, "cn-shenzhen-inner": true, "cn-shenzhen-st4-d01": true,
	"cn-shenzhen-su18-b01": true, "cn-wuhan": true, "cn-yushanfang": true, "cn-zhangbei": true,
	"cn-zhangbei-na61-b01": true, "cn-zhangjiakou-na62-a01": true, "cn-zhengzhou-nebula-1": true,
	"eu-west-1-oxs": true, "rus-west-1-pop": true,
}

// ResolveEndpoint returns the host (with a port, if one was given) that a client built
// from config sends its requests to, so that callers can log or check it. It resolves
// as the official client does, with the environment that credentials-go and the
// Alibaba Cloud CLI read:
//
//  1. config.Endpoint, if set;
//  2. $ALIBABA_CLOUD_STS_ENDPOINT, if set;
//  3. for a region (config.RegionId, else $ALIBABA_CLOUD_STS_REGION): the central
//     endpoint for the region IDs the official client maps to it, else
//     sts.<region>.aliyuncs.com, or sts-vpc.<region>.aliyuncs.com when config.Network
//     is "vpc" or $ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED is "true";
//  4. with no region, the central endpoint, sts.aliyuncs.com, which serves every
//     region (the official client refuses an empty region).
//
// Deliberate differences: config.Network "vpc" for a region that the official client
// maps to the central endpoint is an error here, since no VPC endpoint exists there
// (the official client silently sends such calls to the public central host);
// Network is "vpc" or "public" in any case, where the official client builds
// sts-<network>.<region>.aliyuncs.com from any word ("Public" included); a RegionId or
// Endpoint that cannot stand in a host name is an error, not a request to a host no
// one meant.
// A VPC endpoint asked for by the environment alone is used where one exists, as
// credentials-go does.
func ResolveEndpoint(config *Config) (string, error) {
	return resolveEndpoint(config, os.Getenv)
}

func resolveEndpoint(config *Config, getenv func(string) string) (string, error) {
	var endpoint, region, network string
	if config != nil {
		endpoint, region, network = deref(config.Endpoint), deref(config.RegionId), deref(config.Network)
	}
	field := "Config.Endpoint"
	if endpoint == "" {
		endpoint, field = getenv(EnvSTSEndpoint), "$"+EnvSTSEndpoint
	}
	if endpoint != "" {
		if !validHostPort(endpoint) {
			return "", &ValidationError{Field: field, Rule: `must be a host name or IP address with an optional port, such as "sts.cn-hangzhou.aliyuncs.com" or "[::1]:8080" (set the scheme with Config.Protocol)`}
		}
		return endpoint, nil
	}
	vpc, explicit := false, false
	switch strings.ToLower(network) {
	case "", "public":
		vpc = strings.EqualFold(getenv(EnvVPCEndpointEnabled), "true")
	case "vpc":
		vpc, explicit = true, true
	default:
		return "", &ValidationError{Field: "Config.Network", Rule: `must be "vpc" or "public"`}
	}
	regionField := "Config.RegionId"
	if region == "" {
		region, regionField = getenv(EnvSTSRegion), "$"+EnvSTSRegion
	}
	switch {
	case region == "" && explicit:
		return "", &ValidationError{Field: "Config.RegionId", Rule: "must name a region when Network is vpc"}
	case region == "":
		return CentralEndpoint, nil
	case !validRegion(region):
		return "", &ValidationError{Field: regionField, Rule: "must be a region ID of letters, digits and hyphens, such as cn-hangzhou"}
	case centralRegions[region] && explicit:
		return "", &ValidationError{Field: "Config.RegionId", Rule: "names a region without a VPC endpoint of STS (the official client would send to the public central endpoint; set Network to public, or Endpoint)"}
	case centralRegions[region]:
		return CentralEndpoint, nil
	case vpc:
		return "sts-vpc." + region + ".aliyuncs.com", nil
	default:
		return "sts." + region + ".aliyuncs.com", nil
	}
}

// validRegion reports whether region can stand in a host name as a region ID does:
// one DNS label of letters, digits and inner hyphens. Letters keep their case, as in
// the official client's host (DNS ignores it).
func validRegion(region string) bool {
	return len(region) <= 63 && region[0] != '-' && region[len(region)-1] != '-' &&
		strings.Trim(region, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == ""
}

// validHostPort reports whether s is a host name (dot-separated labels of letters,
// digits, '-' and '_') or an IP address, IPv6 in brackets, with an optional port from
// 1 to 65535.
func validHostPort(s string) bool {
	host, port := s, ""
	if i := strings.LastIndexByte(s, ':'); i >= 0 && !strings.HasSuffix(s, "]") {
		host, port = s[:i], s[i+1:]
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 || port[0] == '+' {
			return false
		}
	}
	if strings.HasPrefix(host, "[") && strings.HasSuffix(host, "]") {
		ip := net.ParseIP(host[1 : len(host)-1])
		return ip != nil && ip.To4() == nil
	}
	if host == "" || len(host) > 253 || strings.ContainsAny(host, ":[]") {
		return false
	}
	for label := range strings.SplitSeq(strings.TrimSuffix(host, "."), ".") {
		if label == "" || strings.Trim(label, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != "" {
			return false
		}
	}
	return true
}
