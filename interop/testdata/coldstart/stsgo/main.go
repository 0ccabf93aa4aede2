// Command stsgo is the cold-start benchmark's program for this module's client: build
// a client, make one AssumeRole call to $COLDSTART_ENDPOINT, exit.
package main

import (
	"os"

	"github.com/alibabacloud-go/tea/dara"

	"github.com/stsgo/sts"
)

func main() {
	c, err := sts.NewClient(&sts.Config{AccessKeyId: dara.String("LTAI5tColdStart"), AccessKeySecret: dara.String("cold-start-secret"),
		Endpoint: dara.String(os.Getenv("COLDSTART_ENDPOINT")), Protocol: dara.String("HTTP")})
	if err != nil {
		panic(err)
	}
	if _, err := c.AssumeRole(new(sts.AssumeRoleRequest).SetRoleArn("acs:ram::1234567890123456:role/test-role").SetRoleSessionName("cold")); err != nil {
		panic(err)
	}
}
