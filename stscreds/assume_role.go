package stscreds

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/aliyun/credentials-go/credentials"
	"github.com/aliyun/credentials-go/credentials/providers"

	"github.com/stsgo/sts"
)

// AssumeRoleAPI is the one method of *sts.Client that AssumeRoleProvider calls; tests
// may stub it.
type AssumeRoleAPI interface {
	AssumeRoleWithContext(ctx context.Context, request *sts.AssumeRoleRequest, runtime *sts.RuntimeOptions) (*sts.AssumeRoleResponse, error)
}

// Signer is implemented by a client that can name the AccessKeyId it signs its calls
// with, never the secret; *sts.Client does (Client.AccessKeyId). A SessionCache with a
// Store keys shared sessions by it, so that credentials issued to one signer are never
// handed to another. A wrapper that embeds *sts.Client passes this method on, and so
// must send its calls through that client.
type Signer interface {
	AccessKeyId(ctx context.Context) (string, error)
}

// ClockOffsetReporter is implemented by a client that measures how far the service's
// clock is ahead of this machine's; *sts.Client does (Client.ClockOffset). Providers
// move the Expiration of credentials it fetched onto the local clock by that offset.
type ClockOffsetReporter interface {
	ClockOffset() time.Duration
}

var (
	_ Signer              = (*sts.Client)(nil)
	_ ClockOffsetReporter = (*sts.Client)(nil)
	_ AssumeRoleAPI       = (*sts.Client)(nil)

	_ sts.CredentialInvalidator = (*Cache)(nil)
)

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

// An AssumeRoleProvider is accepted wherever Alibaba Cloud Go SDKs take credentials.
var (
	_ credentials.Credential        = (*AssumeRoleProvider)(nil)
	_ providers.CredentialsProvider = (*AssumeRoleProvider)(nil)
	_ sts.ContextCredential         = (*AssumeRoleProvider)(nil)
)

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
		ExternalId: o.ExternalId, SourceIdentity: o.SourceIdentity}.Request()
	if err := checkProvider(client == nil, req.Validate(), o.Cache, o.Duration); err != nil {
		return nil, err
	}
	const name = "stscreds.AssumeRole"
	p := ProviderFunc(func(ctx context.Context) (Credentials, error) {
		resp, err := client.AssumeRoleWithContext(ctx, req, nil)
		if err != nil {
			return Credentials{}, err
		}
		return fromResponse(resp.Body.Credentials, name, clockOf(client))
	})
	c := newCache(p, name, o.Cache)
	c.session = sessionLabel(roleArn, o.RoleSessionName)
	return &AssumeRoleProvider{c}, nil
}

// checkProvider refuses what a provider's constructor is given wrong: no client, a
// request the client would refuse, cache options out of range, or an expiry window
// that is not shorter than the credentials' duration.
func checkProvider(noClient bool, request error, cache CacheOptions, duration time.Duration) error {
	switch {
	case noClient:
		return errors.New("stscreds: a provider needs a client")
	case request != nil:
		return request
	case cache.ExpiryWindow >= duration:
		return fmt.Errorf("stscreds: CacheOptions.ExpiryWindow (%s) is not shorter than the credentials' Duration (%s): "+
			"every read would start a refresh; a window of at most half the Duration is used", cache.ExpiryWindow, duration)
	}
	return cache.validate()
}

// clockOf returns client's clock offset reporter, or nil when it has none.
func clockOf(client any) ClockOffsetReporter {
	clock, _ := client.(ClockOffsetReporter)
	return clock
}

// fromResponse converts the Credentials of an STS response. Expiration is on the
// service's clock; where the client that fetched them measures how far that clock is
// from this machine's (clock, when not nil), Expires is moved onto the local clock, so
// that a machine whose clock is behind does not keep credentials the service has
// already let expire.
func fromResponse(c *sts.Credentials, source string, clock ClockOffsetReporter) (Credentials, error) {
	if c == nil {
		return Credentials{}, fmt.Errorf("the response carries no Credentials")
	}
	expires, err := c.ExpirationTime()
	if err != nil {
		return Credentials{}, err
	}
	if expires.IsZero() { // in Credentials, the zero time means "never expires"
		return Credentials{}, errors.New("the response's Expiration is the zero time")
	}
	if clock != nil {
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
