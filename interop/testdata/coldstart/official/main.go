// Command official is the cold-start benchmark's program for the official client:
// build a client, make one AssumeRole call to $COLDSTART_ENDPOINT, exit.
package main

import (
	"os"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	official "github.com/alibabacloud-go/sts-20150401/v2/client"
	"github.com/alibabacloud-go/tea/dara"
)

func main() {
	c, err := official.NewClient(&openapi.Config{AccessKeyId: dara.String("LTAI5tColdStart"), AccessKeySecret: dara.String("cold-start-secret"),
		Endpoint: dara.String(os.Getenv("COLDSTART_ENDPOINT")), Protocol: dara.String("HTTP")})
	if err != nil {
		panic(err)
	}
	if _, err := c.AssumeRole(new(official.AssumeRoleRequest).SetRoleArn("acs:ram::1234567890123456:role/test-role").SetRoleSessionName("cold")); err != nil {
		panic(err)
	}
}
