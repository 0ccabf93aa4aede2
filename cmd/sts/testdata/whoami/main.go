// Command whoami is the child program of the exec tests: it signs GetCallerIdentity
// with whatever credentials-go's default chain finds, against the STS endpoint in
// $STSGO_TEST_ENDPOINT, and prints what it learnt as JSON.
package main

import (
	"encoding/json"
	"os"
	"strings"

	"github.com/alibabacloud-go/tea/dara"
	"github.com/aliyun/credentials-go/credentials"

	"github.com/stsgo/sts"
)

func main() {
	out := map[string]any{}
	if err := whoami(out); err != nil {
		out["Error"] = err.Error()
	}
	json.NewEncoder(os.Stdout).Encode(out)
}

func whoami(out map[string]any) error {
	var names []string // never the values
	for _, e := range os.Environ() {
		name, _, _ := strings.Cut(e, "=")
		names = append(names, name)
		if name == "ALIBABA_CLOUD_ACCESS_KEY_ID" || name == "ALIBABA_CLOUD_ACCESS_KEY_SECRET" {
			out["LongTermKeyInEnv"] = true
		}
	}
	out["EnvNames"] = names
	chain, err := credentials.NewCredential(nil)
	if err != nil {
		return err
	}
	m, err := chain.GetCredential()
	if err != nil {
		return err
	}
	out["Provider"] = dara.StringValue(m.ProviderName)
	client, err := sts.NewClient(&sts.Config{Credential: chain, Protocol: dara.String("HTTP"),
		Endpoint: dara.String(strings.TrimPrefix(os.Getenv("STSGO_TEST_ENDPOINT"), "http://"))})
	if err != nil {
		return err
	}
	resp, err := client.GetCallerIdentity()
	if err != nil {
		return err
	}
	out["IdentityType"], out["Arn"] = dara.StringValue(resp.Body.IdentityType), dara.StringValue(resp.Body.Arn)
	return nil
}
