package stscreds_test

import (
	"context"
	"fmt"

	"github.com/alibabacloud-go/tea/dara"

	"github.com/stsgo/sts"
	"github.com/stsgo/sts/stscreds"
	"github.com/stsgo/sts/ststest"
)

// A provider of a role's credentials that refresh themselves; pass it as
// Config.Credential to any Alibaba Cloud client.
func ExampleNewAssumeRoleProvider() {
	srv := ststest.NewServer() // stands in for STS
	defer srv.Close()
	base, _ := sts.NewClient(srv.Config()) // signed as a RAM user trusted by the role

	creds := stscreds.NewAssumeRoleProvider(base, srv.Role().Arn, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = "worker-1"
	})

	// Any client that takes a credentials-go Credential now acts as the role.
	client, _ := sts.NewClient(&sts.Config{Credential: creds, Endpoint: dara.String(srv.Endpoint()), Protocol: dara.String("HTTP")})
	who, err := client.GetCallerIdentity()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(*who.Body.Arn)
	// Output: acs:ram::1234567890123456:assumed-role/test-role/worker-1
}

// Any Provider gets the cache's guarantees.
func ExampleNewCache() {
	calls := 0
	cache := stscreds.NewCache(stscreds.ProviderFunc(func(context.Context) (stscreds.Credentials, error) {
		calls++
		return stscreds.Credentials{AccessKeyId: "LTAI-example", AccessKeySecret: "secret"}, nil
	}))
	for range 3 {
		creds, _ := cache.Retrieve(context.Background())
		fmt.Println(creds.AccessKeyId)
	}
	fmt.Println("calls:", calls)
	// Output:
	// LTAI-example
	// LTAI-example
	// LTAI-example
	// calls: 1
}
