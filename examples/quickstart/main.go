// Command quickstart assumes a role and asks STS who the new credentials belong to.
//
// With ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET and
// ALIBABA_CLOUD_ROLE_ARN set it calls the real service (ALIBABA_CLOUD_STS_REGION picks a
// regional endpoint). With none of them set it starts an embedded fake STS (ststest)
// and runs against that, so it works on any machine with no cloud account.
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/alibabacloud-go/tea/dara"

	"github.com/stsgo/sts"
	"github.com/stsgo/sts/ststest"
)

func main() {
	if err := run(context.Background()); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()

	config, roleArn, cleanup, err := setup()
	if err != nil {
		return err
	}
	defer cleanup()

	client, err := sts.NewClient(config)
	if err != nil {
		return err
	}
	fmt.Println("endpoint:", client.Endpoint())

	assumed, err := client.AssumeRoleWithContext(ctx, new(sts.AssumeRoleRequest).
		SetRoleArn(roleArn).
		SetRoleSessionName("quickstart").
		SetDurationSeconds(900), nil)
	if err != nil {
		return fmt.Errorf("assume role: %w", err)
	}
	creds := assumed.Body.Credentials
	expires, err := creds.ExpirationTime()
	if err != nil {
		return err
	}
	fmt.Println("assumed:", *assumed.Body.AssumedRoleUser.Arn)
	fmt.Printf("credentials (valid for %s):\n%s\n", time.Until(expires).Round(time.Second), creds)

	// Call STS again, signed with the temporary credentials.
	session := *config
	session.AccessKeyId, session.AccessKeySecret, session.SecurityToken = creds.AccessKeyId, creds.AccessKeySecret, creds.SecurityToken
	sessionClient, err := sts.NewClient(&session)
	if err != nil {
		return err
	}
	who, err := sessionClient.GetCallerIdentityWithContext(ctx, nil)
	if err != nil {
		return fmt.Errorf("get caller identity: %w", err)
	}
	fmt.Printf("caller identity: %s %s (account %s)\n", *who.Body.IdentityType, *who.Body.Arn, *who.Body.AccountId)
	return nil
}

// setup returns the config and role to use: the real service's from the environment,
// or an embedded fake's when no credentials are set.
func setup() (config *sts.Config, roleArn string, cleanup func(), err error) {
	id, secret, role := os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_ID"), os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET"), os.Getenv("ALIBABA_CLOUD_ROLE_ARN")
	switch {
	case id != "" && secret != "" && role != "":
		config = &sts.Config{AccessKeyId: dara.String(id), AccessKeySecret: dara.String(secret)}
		if token := os.Getenv("ALIBABA_CLOUD_SECURITY_TOKEN"); token != "" {
			config.SecurityToken = dara.String(token)
		}
		return config, role, func() {}, nil
	case id != "" || secret != "" || role != "":
		return nil, "", nil, fmt.Errorf("set all of ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET and ALIBABA_CLOUD_ROLE_ARN to call the real service, or none to use the embedded fake")
	}
	srv := ststest.NewServer()
	fmt.Println("No ALIBABA_CLOUD_* credentials set: using an embedded fake STS at", srv.URL)
	return srv.Config(), srv.Role().Arn, srv.Close, nil
}
