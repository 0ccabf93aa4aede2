package main

import (
	"flag"
	"fmt"

	"github.com/aliyun/credentials-go/credentials"
	"github.com/aliyun/credentials-go/credentials/providers"
)

// registerProfile adds -profile to a command that signs its requests.
func (c *connection) registerProfile(fs *flag.FlagSet) {
	fs.StringVar(&c.profile, "profile", "", "sign with this profile of the Alibaba Cloud CLI's ~/.aliyun/config.json "+
		"(or $ALIBABA_CLOUD_CONFIG_FILE): modes AK, StsToken, RamRoleArn, EcsRamRole, OIDC, ChainableRamRoleArn, "+
		"CloudSSO, OAuth, External (default: credentials-go's default chain)")
}

// profileCredential signs with the CLI profile name through credentials-go's own
// CLI-profile provider, so that every mode it reads works here as it does in other
// Alibaba Cloud Go programs.
func profileCredential(name string) (credentials.Credential, error) {
	p, err := providers.NewCLIProfileCredentialsProviderBuilder().WithProfileName(name).Build()
	if err != nil {
		return nil, fmt.Errorf("sts: -profile %s: %w", name, err)
	}
	return credentials.FromCredentialsProvider("cli_profile", namedProfile{p, name}), nil
}

// namedProfile makes the profile provider's errors name the flag that chose it: they
// surface at the first request, far from the command line ("unable to get profile
// with 'x'" said neither where 'x' came from nor which file was read).
type namedProfile struct {
	providers.CredentialsProvider
	name string
}

func (p namedProfile) GetCredentials() (*providers.Credentials, error) {
	c, err := p.CredentialsProvider.GetCredentials()
	if err != nil {
		return nil, fmt.Errorf("-profile %s: %w", p.name, err)
	}
	return c, nil
}
