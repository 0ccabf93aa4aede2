package stscreds

import (
	"context"

	"github.com/aliyun/credentials-go/credentials"
	"github.com/aliyun/credentials-go/credentials/providers"

	"github.com/stsgo/sts"
)

// A SessionProvider is accepted wherever Alibaba Cloud Go SDKs take credentials, and
// invalidates its session when the client's call is refused.
var (
	_ credentials.Credential        = (*SessionProvider)(nil)
	_ providers.CredentialsProvider = (*SessionProvider)(nil)
	_ sts.ContextCredential         = (*SessionProvider)(nil)
	_ sts.CredentialInvalidator     = (*SessionProvider)(nil)
)

// SessionProvider is one session of a SessionCache as a Provider, and as the
// credential types that Alibaba Cloud's Go SDKs take (credentials-go's Credential and
// CredentialsProvider, and this module's sts.ContextCredential): give it as
// Config.Credential to sign a client with the session. Each call reads the session
// from the cache, so it shares the cache's memory, store, refreshes and bound.
type SessionProvider struct {
	sdkCredential
	cache   *SessionCache
	session Session
}

// Provider returns session s of c as a provider. It refuses a session the client would
// refuse, naming the field.
func (c *SessionCache) Provider(s Session) (*SessionProvider, error) {
	s = s.withDefaults().canonical() // as entries hold it: every read a hit at once
	if err := s.Request().Validate(); err != nil {
		return nil, err
	}
	p := &SessionProvider{cache: c, session: s}
	p.sdkCredential = sdkCredential{src: p, name: sessionSource}
	return p, nil
}

// Retrieve returns the session's credentials, as SessionCache.Retrieve does.
func (p *SessionProvider) Retrieve(ctx context.Context) (Credentials, error) {
	return p.cache.Retrieve(ctx, p.session)
}

// InvalidateCredentials drops the session's credentials if they are the ones given
// (their AccessKeyId and SecurityToken), from the shared store first and then from
// memory, and reports whether it dropped any; credentials a refresh has already
// replaced are kept, and so, for a while, are credentials fetched after a refusal, as
// Cache.InvalidateCredentials keeps them. A *sts.Client signing with the provider
// calls it when the service refuses the credentials, so that no process of the fleet
// adopts them again.
func (p *SessionProvider) InvalidateCredentials(accessKeyId, securityToken string) bool {
	return p.cache.invalidateCredentials(context.Background(), p.session, accessKeyId, securityToken)
}
