package stscreds

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/stsgo/sts"
)

// AssumeRoleAPI is the one method of *sts.Client that AssumeRoleProvider calls; tests
// may stub it.
type AssumeRoleAPI interface {
	AssumeRoleWithContext(ctx context.Context, request *sts.AssumeRoleRequest, runtime *sts.RuntimeOptions) (*sts.AssumeRoleResponse, error)
}

// AssumeRoleOptions tune an AssumeRoleProvider.
type AssumeRoleOptions struct {
	// RoleSessionName names the sessions in audit logs. Empty means
	// "stsgo-<pid>-<random>", valid and unique to the provider.
	RoleSessionName string
	// Duration is how long each set of credentials lasts, in whole seconds from 15
	// minutes up to the role's maximum. Zero means one hour.
	Duration time.Duration
	// Policy narrows the role's permissions (JSON, at most 2048 characters).
	Policy string
	// ExternalId is the value the role's trust policy may require.
	ExternalId string
	// SourceIdentity is carried into the session for auditing.
	SourceIdentity string
	// Cache tunes the cache in front of AssumeRole.
	Cache CacheOptions
}

// AssumeRoleProvider yields a role's temporary credentials, refreshed ahead of expiry
// by AssumeRole calls through a client. The client may itself use another provider's
// credentials: that is role chaining.
type AssumeRoleProvider struct {
	*Cache // Retrieve, Invalidate and the credentials-go interfaces
}

// NewAssumeRoleProvider returns a cached provider of roleArn's credentials, fetched
// with client (usually a *sts.Client). It refuses a role ARN or options the service
// would refuse, with the client's *sts.ValidationError naming the field, rather than
// failing at the first Retrieve.
func NewAssumeRoleProvider(client AssumeRoleAPI, roleArn string, optFns ...func(*AssumeRoleOptions)) (*AssumeRoleProvider, error) {
	var o AssumeRoleOptions
	for _, f := range optFns {
		f(&o)
	}
	sessionDefaults(&o.RoleSessionName, &o.Duration)
	req := Session{RoleArn: roleArn, RoleSessionName: o.RoleSessionName, Policy: o.Policy, Duration: o.Duration,
		ExternalId: o.ExternalId, SourceIdentity: o.SourceIdentity}.request()
	if err := checkProvider(client == nil, req.Validate(), o.Cache); err != nil {
		return nil, err
	}
	const name = "stscreds.AssumeRole"
	p := ProviderFunc(func(ctx context.Context) (Credentials, error) {
		resp, err := client.AssumeRoleWithContext(ctx, req, nil)
		if err != nil {
			return Credentials{}, err
		}
		return fromResponse(resp.Body.Credentials, name, client)
	})
	return &AssumeRoleProvider{newCache(p, name, o.Cache)}, nil
}

// checkProvider refuses what a provider's constructor is given wrong: no client, a
// request the client would refuse, or cache options out of range.
func checkProvider(noClient bool, request error, cache CacheOptions) error {
	switch {
	case noClient:
		return errors.New("stscreds: a provider needs a client")
	case request != nil:
		return request
	}
	return cache.validate()
}

// fromResponse converts the Credentials of an STS response. Expiration is on the
// service's clock; where the client that fetched them measures how far that clock is
// from this machine's (as *sts.Client does), Expires is moved onto the local clock, so
// that a machine whose clock is behind does not keep credentials the service has
// already let expire.
func fromResponse(c *sts.Credentials, source string, client any) (Credentials, error) {
	if c == nil {
		return Credentials{}, fmt.Errorf("the response carries no Credentials")
	}
	expires, err := c.ExpirationTime()
	if err != nil {
		return Credentials{}, err
	}
	if clock, ok := client.(interface{ ClockOffset() time.Duration }); ok {
		expires = expires.Add(-clock.ClockOffset())
	}
	deref := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	return Credentials{AccessKeyId: deref(c.AccessKeyId), AccessKeySecret: deref(c.AccessKeySecret),
		SecurityToken: deref(c.SecurityToken), Expires: expires, Source: source}, nil
}

// sessionDefaults fills an empty session name with "stsgo-<pid>-<8 random hex
// digits>", valid and unique to one provider of one process, and a zero duration with
// one hour.
func sessionDefaults(name *string, duration *time.Duration) {
	if *name == "" {
		var b [4]byte
		rand.Read(b[:])
		*name = fmt.Sprintf("stsgo-%d-%s", os.Getpid(), hex.EncodeToString(b[:]))
	}
	if *duration == 0 {
		*duration = time.Hour
	}
}
