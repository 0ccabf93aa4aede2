// Package sts is a client for Alibaba Cloud STS (Security Token Service, API
// 2015-04-01): AssumeRole, AssumeRoleWithSAML, AssumeRoleWithOIDC and
// GetCallerIdentity.
//
// It is a drop-in for the official github.com/alibabacloud-go/sts-20150401/v2/client:
// the same Config (darabonba-openapi's), the same models with the same names and
// shapes, and each operation as X(request), XWithOptions(request, runtime) and
// XWithContext(ctx, request, runtime). What it adds: requests are validated before
// anything is sent (*ValidationError names the field), service errors are typed
// (*ServiceError keeps code, message, HTTP status and request ID), retries with
// back-off and jitter are bounded by the context, and no secret ever appears in an
// error, a log line or String output.
//
//	client, err := sts.NewClient(&sts.Config{
//		AccessKeyId:     dara.String(os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_ID")),
//		AccessKeySecret: dara.String(os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET")),
//		RegionId:        dara.String("cn-hangzhou"),
//	})
//	...
//	resp, err := client.AssumeRoleWithContext(ctx, new(sts.AssumeRoleRequest).
//		SetRoleArn("acs:ram::1234567890123456:role/app").
//		SetRoleSessionName("worker-1"), nil)
//
// Requests are signed with ACS3-HMAC-SHA256 by default, ACS3-HMAC-SM3 or the V1
// HMAC-SHA1 signature when Config.SignatureAlgorithm says so. The package ststest runs
// a fake STS in-process for tests.
package sts
