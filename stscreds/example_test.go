package stscreds_test

import (
	"context"
	"fmt"
	"time"

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

	creds, err := stscreds.NewAssumeRoleProvider(base, srv.Role().Arn, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = "worker-1"
	})
	if err != nil {
		fmt.Println(err)
		return
	}

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

// A token vending service keeps one session per user and policy: asking twice costs
// one AssumeRole call. With Store set (see stscreds/redisstore), a fleet of replicas
// shares the sessions too.
func ExampleNewSessionCache() {
	srv := ststest.NewServer() // stands in for STS
	defer srv.Close()
	client, _ := sts.NewClient(srv.Config())

	sessions, err := stscreds.NewSessionCache(client, func(o *stscreds.SessionCacheOptions) {
		o.MaxEntries = 100_000
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer sessions.Close()

	for _, user := range []string{"alice", "bob", "alice", "alice"} {
		creds, err := sessions.Retrieve(context.Background(), stscreds.Session{
			RoleArn:         srv.Role().Arn,
			RoleSessionName: "vend-" + user,
			Policy:          `{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:PutObject","Resource":"acs:oss:*:*:uploads/` + user + `/*"}]}`,
			Duration:        15 * time.Minute,
		})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(user, creds.AccessKeyId != "")
	}
	fmt.Println("AssumeRole calls:", srv.RequestCount("AssumeRole"))
	// Output:
	// alice true
	// bob true
	// alice true
	// alice true
	// AssumeRole calls: 2
}

// The AssumeRole request a session stands for: what a SessionCache sends for it, and
// what a caller of sts.Client can send itself. Parameters left empty are not sent.
func ExampleSession_Request() {
	s := stscreds.Session{
		RoleArn:         "acs:ram::1234567890123456:role/reader",
		RoleSessionName: "report-job",
		Duration:        30 * time.Minute,
	}
	fmt.Println(s.Request())
	// Output:
	// {
	//    "DurationSeconds": 1800,
	//    "RoleArn": "acs:ram::1234567890123456:role/reader",
	//    "RoleSessionName": "report-job"
	// }
}
