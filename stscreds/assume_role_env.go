package stscreds

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/stsgo/sts"
)

// EnvRoleSessionExpiration is the lifetime, in seconds, that NewAssumeRoleProviderFromEnv
// asks for. credentials-go v1.4.14 does not read it (its AssumeRole credentials last
// 3600 seconds unless set in code); the Alibaba Cloud credentials libraries of other
// languages and tools built on them do.
const EnvRoleSessionExpiration = "ALIBABA_CLOUD_ROLE_SESSION_EXPIRATION"

// NewAssumeRoleProviderFromEnv builds an AssumeRoleProvider from the environment that
// credentials-go's RAM role ARN provider reads: ALIBABA_CLOUD_ROLE_ARN (required) and
// ALIBABA_CLOUD_ROLE_SESSION_NAME (optional; empty means AssumeRoleOptions' default,
// "stsgo-<pid>-<random>", where credentials-go uses "credentials-go-<microseconds>"),
// and ALIBABA_CLOUD_ROLE_SESSION_EXPIRATION (optional, whole seconds from 900 to
// 43200; empty means one hour, as in credentials-go). The client that assumes the role
// is built from config (nil for the defaults: its credentials come from credentials-go's
// default chain, and ALIBABA_CLOUD_STS_REGION and ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED
// choose the endpoint as sts.ResolveEndpoint says). optFns run after the environment
// is read, so they override it. A variable that is missing or malformed is an error
// naming it.
func NewAssumeRoleProviderFromEnv(config *sts.Config, optFns ...func(*AssumeRoleOptions)) (*AssumeRoleProvider, error) {
	roleArn := os.Getenv(EnvRoleArn)
	if roleArn == "" {
		return nil, fmt.Errorf("stscreds: %s is not set", EnvRoleArn)
	}
	var fromEnv AssumeRoleOptions
	fromEnv.RoleSessionName = os.Getenv(EnvRoleSessionName)
	if v := os.Getenv(EnvRoleSessionExpiration); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < sts.MinDurationSeconds || n > sts.MaxDurationSeconds {
			return nil, fmt.Errorf("stscreds: %s must be a whole number of seconds from %d to %d", EnvRoleSessionExpiration, sts.MinDurationSeconds, sts.MaxDurationSeconds)
		}
		fromEnv.Duration = time.Duration(n) * time.Second
	}
	client, err := sts.NewClient(config)
	if err != nil {
		return nil, err
	}
	env := func(o *AssumeRoleOptions) { o.RoleSessionName, o.Duration = fromEnv.RoleSessionName, fromEnv.Duration }
	return NewAssumeRoleProvider(client, roleArn, append([]func(*AssumeRoleOptions){env}, optFns...)...)
}
