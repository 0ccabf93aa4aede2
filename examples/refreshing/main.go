// Command refreshing shows stscreds: credentials for a role that refresh themselves,
// shared by many goroutines and given to a client as its Config.Credential. A hundred
// concurrent calls cost one AssumeRole.
//
// It runs against an embedded fake STS, which counts the calls.
//
//	go run ./examples/refreshing
package main

import (
	"context"
	"fmt"
	"log"
	"sync"

	"github.com/alibabacloud-go/tea/dara"

	"github.com/stsgo/sts"
	"github.com/stsgo/sts/stscreds"
	"github.com/stsgo/sts/ststest"
)

func main() {
	fake := ststest.NewServer()
	defer fake.Close()

	base, err := sts.NewClient(fake.Config()) // signed as a RAM user the role trusts
	if err != nil {
		log.Fatal(err)
	}
	creds, err := stscreds.NewAssumeRoleProvider(base, fake.Role().Arn, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = "refreshing-example"
	})
	if err != nil {
		log.Fatal(err)
	}

	// Any Alibaba Cloud client takes the provider as its credential.
	asRole, err := sts.NewClient(&sts.Config{Credential: creds, Endpoint: dara.String(fake.Endpoint()), Protocol: dara.String("HTTP")})
	if err != nil {
		log.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	arns := map[string]int{}
	for range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			who, err := asRole.GetCallerIdentityWithContext(context.Background(), nil)
			if err != nil {
				log.Print(err)
				return
			}
			mu.Lock()
			arns[*who.Body.Arn]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	c, _ := creds.Retrieve(context.Background())
	fmt.Println("calls as", arns)
	fmt.Println("credentials:", c) // String redacts the secret and token
	fmt.Println("AssumeRole calls:", fake.RequestCount("AssumeRole"))
}
