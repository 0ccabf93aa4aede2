package sts_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/alibabacloud-go/tea/dara"

	"github.com/stsgo/sts"
	"github.com/stsgo/sts/ststest"
)

// A client is built from the official SDK's Config; code written for
// github.com/alibabacloud-go/sts-20150401/v2/client needs only its import path changed.
func ExampleNewClient() {
	client, err := sts.NewClient(&sts.Config{
		AccessKeyId:     dara.String("LTAI5tExampleKeyId"),
		AccessKeySecret: dara.String("example-secret"),
		RegionId:        dara.String("cn-hangzhou"),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(client.Endpoint())
	// Output: sts.cn-hangzhou.aliyuncs.com
}

func ExampleClient_AssumeRole() {
	srv := ststest.NewServer() // stands in for STS; use your own Config in production
	defer srv.Close()
	client, err := sts.NewClient(srv.Config())
	if err != nil {
		fmt.Println(err)
		return
	}

	resp, err := client.AssumeRole(new(sts.AssumeRoleRequest).
		SetRoleArn(srv.Role().Arn).
		SetRoleSessionName("example").
		SetDurationSeconds(900))
	if err != nil {
		fmt.Println(err)
		return
	}
	creds := resp.Body.Credentials
	fmt.Println(*resp.Body.AssumedRoleUser.Arn)
	fmt.Println(strings.HasPrefix(*creds.AccessKeyId, "STS."))
	fmt.Println(strings.Contains(creds.String(), *creds.AccessKeySecret)) // String never prints secrets
	// Output:
	// acs:ram::1234567890123456:assumed-role/test-role/example
	// true
	// false
}

// Service errors keep the code, message, HTTP status and request ID.
func ExampleServiceError() {
	srv := ststest.NewServer()
	defer srv.Close()
	client, _ := sts.NewClient(srv.Config())

	_, err := client.AssumeRoleWithContext(context.Background(), new(sts.AssumeRoleRequest).
		SetRoleArn("acs:ram::1234567890123456:role/missing").
		SetRoleSessionName("example"), nil)
	var se *sts.ServiceError
	if errors.As(err, &se) {
		fmt.Println(se.StatusCode, se.Code, se.Retryable(), se.RequestId != "")
	}
	// Output: 404 EntityNotExist.Role false true
}

// Requests are checked before anything is sent; the error names the field.
func ExampleValidationError() {
	client, _ := sts.NewClient(&sts.Config{AccessKeyId: dara.String("id"), AccessKeySecret: dara.String("secret")})
	_, err := client.AssumeRole(new(sts.AssumeRoleRequest).
		SetRoleArn("acs:ram::1234567890123456:role/app").
		SetRoleSessionName("no spaces allowed"))
	fmt.Println(err)
	// Output: sts: invalid AssumeRoleRequest.RoleSessionName: must be 2 to 64 characters of A-Z a-z 0-9 . @ - _
}

// AssumeRoleWithOIDC needs no credentials of the client's: the OIDC token is the
// credential (this is how ACK RRSA works).
func ExampleClient_AssumeRoleWithOIDC() {
	srv := ststest.NewServer()
	defer srv.Close()
	provider := srv.AddOIDCProvider(ststest.DefaultAccountID, "ack", "https://oidc.example.com", "sts.aliyuncs.com")
	srv.Trust(srv.Role().Arn, provider.Arn)

	client, _ := sts.NewClient(&sts.Config{Endpoint: dara.String(srv.Endpoint()), Protocol: dara.String("HTTP")})
	resp, err := client.AssumeRoleWithOIDC(new(sts.AssumeRoleWithOIDCRequest).
		SetRoleArn(srv.Role().Arn).
		SetOIDCProviderArn(provider.Arn).
		SetOIDCToken(provider.Token("system:serviceaccount:default:app")).
		SetRoleSessionName("pod"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(*resp.Body.OIDCTokenInfo.Subject)
	// Output: system:serviceaccount:default:app
}
